"""The NEURON engine: the only package that imports neuron."""
from .balance import owned_gids
from .model import NeuronModel

__all__ = ["NeuronModel", "owned_gids"]
