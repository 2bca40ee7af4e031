"""Batches of simulations: grids and lists of cfg values, and optimisation (tutorial 8).

    from neuroloom.batch import Batch
"""
from .batch import Batch, BatchOutcome

__all__ = ["Batch", "BatchOutcome"]
