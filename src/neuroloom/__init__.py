"""neuroloom: biological neuronal networks from high-level specs, simulated on NEURON.

``from neuroloom import specs, sim`` is the tutorial's API. Importing neuroloom never
imports NEURON, compiles, parses arguments or prints.
"""
from importlib import import_module

__version__ = "0.1.0"

_SUBMODULES = ("specs", "sim")


def __getattr__(name):
    # `sim` pulls in the facade; keep `import neuroloom` light and free of side effects
    if name in _SUBMODULES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'neuroloom' has no attribute {name!r}")


__all__ = ["__version__", *_SUBMODULES]
