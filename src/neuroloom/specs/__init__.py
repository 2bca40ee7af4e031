"""The tutorial's spec objects: ``specs.NetParams``, ``specs.SimConfig``, ``specs.ODict``."""
from .dicts import Dict, ODict
from .netparams import NetParams
from .simconfig import SimConfig

__all__ = ["Dict", "ODict", "NetParams", "SimConfig"]
