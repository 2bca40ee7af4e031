"""Loading saved runs and reading specs from files (sim.load, sim.readCmdLineArgs).

Loading never runs code from a data file: JSON and HDF5 are data, and a pickle is only read
when the user loads a .pkl. A .py spec file named on the command line is the user's own
model code and is run, as the tutorial's batch workflow needs.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import FormatError
from ..model.serialize import network_from_dict
from ..results.save import load_payload
from ..results.simdata import saved_sim_data
from ..specs import NetParams, SimConfig
from ..specs.dicts import Dict
from ..specs.files import load_spec_file
from . import state
from .session import Session


def load(filename, instantiate: bool = True):
    """Load a saved run: its netParams, simConfig, network and simData become the current
    model.

    Parameters
    ----------
    filename : str or pathlib.Path
        A run saved as .json, .pkl or .h5 (a pickle runs whatever it holds: load only
        pickles you trust).
    instantiate : bool, default True
        Create the saved network (not a rebuilt one) in NEURON, ready to re-run.

    Returns
    -------
    Session
        The current model.

    Raises
    ------
    FormatError
        The file is not a saved run.
    """
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
        session.sim_data = saved_sim_data(payload["simData"])
    return session


def loadNet(filename, instantiate: bool = True):
    """Load a saved network (and, if saved with it, its specs) as the current model.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run (.json, .pkl, .h5).
    instantiate : bool, default True
        Create it in NEURON.

    Returns
    -------
    Session
        The current model.
    """
    return load(filename, instantiate=instantiate)


def loadSimCfg(filename) -> SimConfig:
    """The simConfig of a saved run (or a simConfig JSON file); it becomes ``sim.cfg``.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run or a simConfig saved alone.

    Returns
    -------
    specs.SimConfig
    """
    payload = _spec_payload(filename)
    cfg = SimConfig(payload.get("simConfig", payload))
    session = state.peek()
    if session is None:
        session = Session(NetParams(), cfg)
        state.replace(session)
    session.sim_config = cfg
    return cfg


def loadSimData(filename) -> Dict:
    """The simData of a saved run; it becomes ``sim.allSimData``.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run (.json, .pkl, .h5).

    Returns
    -------
    specs.Dict
        spkt, spkid, the traces, avgRate...

    Raises
    ------
    FormatError
        The file holds no simData.
    """
    payload = load_payload(filename)
    if "simData" not in payload:
        raise FormatError(f"{str(filename)!r} holds no simData")
    session = state.peek()
    if session is None:
        session = Session(NetParams(), SimConfig())
        state.replace(session)
    session.sim_data = saved_sim_data(payload["simData"])
    return session.sim_data


def _default(filename) -> Path:
    """A default spec file: in the working folder, else beside the script that runs."""
    path = Path(filename)
    script = getattr(sys.modules["__main__"], "__file__", None)
    if path.exists() or path.is_absolute() or script is None:
        return path
    beside = Path(script).resolve().parent / path
    return beside if beside.exists() else path


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
    """The specs named on the command line, as tutorial 8's init script reads them.

    The simConfig is loaded first and offered to the netParams file as
    ``__main__.cfg`` (tutorial 8's netParams does ``from __main__ import cfg``).

    Parameters
    ----------
    simConfigDefault : str, default 'cfg.py'
        The simConfig file when the command line has no ``simConfig=FILE``.
    netParamsDefault : str, default 'netParams.py'
        The netParams file when the command line has no ``netParams=FILE``.

    Returns
    -------
    tuple of (specs.SimConfig, specs.NetParams)
    """
    args = dict(arg.split("=", 1) for arg in sys.argv[1:] if "=" in arg)
    cfg = load_spec_file(args.get("simConfig") or _default(simConfigDefault), SimConfig,
                         ("simConfig", "cfg"))
    sys.modules["__main__"].cfg = cfg
    net = load_spec_file(args.get("netParams") or _default(netParamsDefault), NetParams,
                         ("netParams",))
    return cfg, net
