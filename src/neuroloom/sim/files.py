"""Loading saved runs and reading specs from files (sim.load, sim.readCmdLineArgs).

Loading never runs code from a data file: JSON and HDF5 are data, and a pickle is only read
when the user loads a .pkl. A .py spec file named on the command line is the user's own
model code and is run, as the tutorial's batch workflow needs.
"""
from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..model.serialize import network_from_dict
from ..results.save import load_payload
from ..specs import NetParams, SimConfig
from ..specs.dicts import Dict
from . import state
from .session import Session

ARRAYS = ("spkt", "spkid", "t")


def load(filename, instantiate: bool = True):
    """Load a saved run (.json, .pkl, .h5): its netParams, simConfig, network and simData
    become the current model. With ``instantiate`` the saved network (not a rebuilt one)
    is created in NEURON, ready to re-run."""
    payload = load_payload(filename)
    net_params = NetParams(payload.get("netParams", {}))
    sim_config = SimConfig(payload.get("simConfig", {}))
    network = _network(payload)
    session = Session(net_params, sim_config, network=network)
    state.replace(session)
    if instantiate and network is not None:
        session.create()
    else:
        session.initialize()
        if network is not None:
            session.create_pops()
    if "simData" in payload:
        session.sim_data = sim_data(payload["simData"])
    return session


def loadNet(filename, instantiate: bool = True):
    """Load a saved network (and, if saved with it, its specs) as the current model."""
    return load(filename, instantiate=instantiate)


def loadSimCfg(filename) -> SimConfig:
    """The simConfig of a saved run (or a simConfig JSON file); it becomes sim.cfg."""
    payload = _spec_payload(filename)
    cfg = SimConfig(payload.get("simConfig", payload))
    session = state.peek()
    if session is None:
        session = Session(NetParams(), cfg)
        state.replace(session)
    session.sim_config = cfg
    return cfg


def loadSimData(filename) -> Dict:
    """The simData of a saved run; it becomes sim.allSimData."""
    payload = load_payload(filename)
    if "simData" not in payload:
        raise FormatError(f"{str(filename)!r} holds no simData")
    session = state.peek()
    if session is None:
        session = Session(NetParams(), SimConfig())
        state.replace(session)
    session.sim_data = sim_data(payload["simData"])
    return session.sim_data


def sim_data(raw) -> Dict:
    """simData as saved -> as the run made it (numpy arrays for spikes and traces)."""
    out = Dict()
    for key, value in raw.items():
        if key in ARRAYS:
            out[key] = np.asarray(value, dtype=np.int64 if key == "spkid" else np.float64)
        elif isinstance(value, dict) and value and all(k.startswith("cell_") for k in value):
            out[key] = Dict({cell: np.asarray(v, dtype=float) for cell, v in value.items()})
        else:
            out[key] = value
    return out


def _network(payload):
    net = payload.get("net")
    if net is None or "cells" not in net:
        return None
    return network_from_dict(net)


def _spec_payload(filename) -> dict:
    path = Path(filename)
    if path.suffix.lower() == ".json":
        return json.loads(path.read_text())
    return load_payload(path)


def readCmdLineArgs(simConfigDefault="cfg.py", netParamsDefault="netParams.py"):
    """(simConfig, netParams) from the command line's ``simConfig=FILE`` and
    ``netParams=FILE`` (.py or .json), else from the default files, as tutorial 8's
    init script uses them. The simConfig is loaded first and offered to the netParams
    file as ``__main__.cfg`` (tutorial 8's netParams does ``from __main__ import cfg``)."""
    args = dict(arg.split("=", 1) for arg in sys.argv[1:] if "=" in arg)
    cfg = _load_spec(args.get("simConfig", simConfigDefault), SimConfig,
                     ("simConfig", "cfg"))
    sys.modules["__main__"].cfg = cfg
    net = _load_spec(args.get("netParams", netParamsDefault), NetParams, ("netParams",))
    return cfg, net


def _load_spec(filename, kind, names):
    path = Path(filename)
    if not path.exists():
        raise FormatError(f"spec file {str(path)!r} does not exist")
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text())
        for name in names:  # a saved run, or the spec alone
            if isinstance(data, dict) and name in data and isinstance(data[name], dict):
                data = data[name]
                break
        return kind(data)
    if path.suffix.lower() != ".py":
        raise FormatError(f"spec file {str(path)!r} must be .py or .json")
    sys.path.insert(0, str(path.parent.resolve()))
    try:
        module = runpy.run_path(str(path), run_name=f"neuroloom_spec_{path.stem}")
    finally:
        sys.path.pop(0)
    for name in names:
        if isinstance(module.get(name), kind):
            return module[name]
    raise FormatError(f"{str(path)!r} defines no {kind.__name__} named "
                      f"{' or '.join(names)}")
