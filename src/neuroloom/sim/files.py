"""Loading saved runs and reading specs from files (sim.load, sim.readCmdLineArgs,
sim.loadFromIndexFile).

Loading never runs code from a data file: JSON and HDF5 are data, and a pickle is only read
when the user loads a .pkl. A .py spec file named on the command line is the user's own
model code and is run, as the tutorial's batch workflow needs.
"""
from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import __main__

from ..engine import mechanisms, modfiles
from ..errors import FormatError
from ..suggest import hint
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


#: the keys of a NetPyNE model index (index.npjson) and what they name
INDEX_KEYS = ("simConfig", "simConfig_variable", "netParams", "netParams_variable",
              "mod_folder", "python_run")


def loadFromIndexFile(index):
    """The specs a NetPyNE model index names, as NetPyNE's examples start.

    Parameters
    ----------
    index : str or pathlib.Path
        The index file (``index.npjson``), or the folder holding it.

    Returns
    -------
    tuple of (specs.SimConfig, specs.NetParams)

    Raises
    ------
    FormatError
        The index lacks simConfig or netParams, has a key NetPyNE does not know, or names
        a file that does not define the spec.
    """
    return loadModel(index, loadMechs=False)


def loadModel(path, loadMechs: bool = True, forceCompileMechs: bool = False,
              returnLoadMechStatus: bool = False):
    """The specs of a NetPyNE model index, and (``loadMechs``) its mod_folder compiled and
    loaded.

    The spec files are read with the index's folder as the working folder, as NetPyNE
    reads them (their relative paths are relative to it); the simConfig is offered to the
    netParams file as ``__main__.cfg``.

    Parameters
    ----------
    path : str or pathlib.Path
        The index file, or the folder holding ``index.npjson``.
    loadMechs : bool, default True
        Compile (into neuroloom's cache) and load the index's ``mod_folder``.
    forceCompileMechs : bool, default False
        Accepted for NetPyNE's signature: neuroloom recompiles a folder whenever its files
        change, and never otherwise.
    returnLoadMechStatus : bool, default False
        Also return the mechanisms loaded and those skipped (NEURON had them already).

    Returns
    -------
    tuple
        (simConfig, netParams), plus (loaded, skipped) mechanism names when asked.
    """
    path = Path(path).resolve()
    index = path / "index.npjson" if path.is_dir() else path
    try:
        data = json.loads(index.read_text())
    except (OSError, ValueError) as error:
        raise FormatError(f"{str(index)!r} is not a readable model index: {error}") from None
    if not isinstance(data, dict):
        raise FormatError(f"{str(index)!r}: a model index is a JSON object")
    for key in data:
        if key not in INDEX_KEYS:
            raise FormatError(f"{str(index)!r}: unknown key {key!r}; {hint(key, INDEX_KEYS)}")
    for key in ("simConfig", "netParams"):
        if not data.get(key):
            raise FormatError(f"{str(index)!r} names no {key} file (key {key!r})")
    loaded, skipped = [], []
    if loadMechs and data.get("mod_folder"):
        folder = index.parent / data["mod_folder"]
        names = modfiles.mechanism_names(modfiles.mod_files(folder))
        skipped = [n for n in names if mechanisms.exists(n)]
        loaded = [n for n in modfiles.load(folder) if n not in skipped]
    with _working_folder(index.parent):
        cfg = _spec(data["simConfig"], SimConfig, data.get("simConfig_variable", "cfg"))
        __main__.cfg = cfg  # NetPyNE's netParams files do `from __main__ import cfg`
        net = _spec(data["netParams"], NetParams, data.get("netParams_variable", "netParams"))
    return (cfg, net, loaded, skipped) if returnLoadMechStatus else (cfg, net)


def _spec(filename, kind, variable):
    if Path(filename).suffix.lower() == ".json":  # a saved spec (or run) holding it
        return load_spec_file(filename, kind, (variable, kind.__name__[0].lower()
                                                + kind.__name__[1:]))
    return load_spec_file(filename, kind, (variable,))


@contextmanager
def _working_folder(folder: Path):
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
