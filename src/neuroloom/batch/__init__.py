"""Batches of simulations: grids and lists of cfg values, and optimisation (tutorial 8).

    from neuroloom.batch import Batch
    from neuroloom.batch import load      # a batch folder as a table of parameters x results
"""
from .analysis import load
from .batch import Batch
from .runner import BatchOutcome
from .table import BatchTable, BatchTableError, UnknownColumnError

__all__ = ["Batch", "BatchOutcome", "BatchTable", "BatchTableError", "UnknownColumnError",
           "load"]
