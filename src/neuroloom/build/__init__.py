"""Spec -> canonical Network, in pure numpy."""
from .network import build_network

__all__ = ["build_network"]
