"""The NEURON engine: the only package that imports neuron."""
from .model import NeuronModel, owned_gids

__all__ = ["NeuronModel", "owned_gids"]
