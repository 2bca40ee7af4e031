"""The tutorial's spec objects: ``specs.NetParams``, ``specs.SimConfig``, ``specs.ODict``."""
# NetPyNE's module names, for `from netpyne.specs import netParams` (LFPrecording)
from . import netparams as netParams
from . import simconfig as simConfig
from .dicts import Dict, ODict
from .netparams import NetParams
from .simconfig import SimConfig

__all__ = ["Dict", "ODict", "NetParams", "SimConfig", "netParams", "simConfig"]
