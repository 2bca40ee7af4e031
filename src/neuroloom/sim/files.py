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
import warnings
from contextlib import contextmanager
from pathlib import Path


from ..engine import mechanisms, modfiles
from ..errors import FormatError
from ..suggest import hint
from ..model.serialize import network_from_dict
from ..results.netpyne_data import is_netpyne, netpyne_run, netpyne_sim_config
from ..results.run_id import check_same_run, spike_file_beside
from ..results.save import load_payload
from ..results.saved_network import with_cell_secs
from ..results.saved_run import saved_net_params, saved_sim_config
from ..results.simdata import saved_sim_data
from ..specs import NetParams, SimConfig
from ..specs.dicts import Dict
from ..specs.files import load_spec_file
from . import state
from .session import Session
from .views import NetView


def load(filename, simConfig=None, output: bool = False, instantiate: bool = True,
         instantiateCells: bool = True, instantiateConns: bool = True,
         instantiateStims: bool = True, instantiateRxD: bool = True,
         createNEURONObj: bool = True):
    """Load a saved run, neuroloom's or NetPyNE's: its netParams, simConfig, network and
    simData become the current model.

    A NetPyNE file (``<name>_data.json`` or ``.pkl``) gives the network its cells and
    connections hold (not one rebuilt by the rules); see results/netpyne_data.py.

    Parameters
    ----------
    filename : str or pathlib.Path
        A run saved as .json, .pkl or .h5, or a NetPyNE model index (.npjson), whose
        specs are built. A pickle can run code while it is read: load only pickles from a
        trusted source (neuroloom builds only plain data from it, and refuses anything
        else, but a pickle reader cannot be made safe against every crafted file).
    simConfig : specs.SimConfig, optional
        Replaces the saved simConfig.
    output : bool, default False
        Return (pops, cells, conns, stims, rxd, simData), as NetPyNE does.
    instantiate : bool, default True
        Create the saved network in NEURON, ready to re-run.
    instantiateCells, instantiateConns, instantiateStims, instantiateRxD : bool
        NetPyNE's finer switches: neuroloom instantiates the network whole, so any False
        is the same as ``instantiate=False``.
    createNEURONObj : bool, default True
        False: the same as ``instantiate=False``.

    Returns
    -------
    Session or tuple
        The current model, or NetPyNE's tuple with ``output``.

    Raises
    ------
    FormatError
        The file is not a saved run.
    """
    if Path(filename).suffix.lower() in (".npjson", ".np"):
        cfg, net = loadFromIndexFile(filename)
        session = Session(net, simConfig or cfg)
    else:
        session = _loaded_session(filename, simConfig)
        # the spike file beside it must be of the same run (a warning if not)
        named = getattr(session.sim_config, "saveSpikesSonata", "")
        check_same_run(filename, spike_file_beside(filename, named if isinstance(named, str)
                                                   else ""))
    state.replace(session)
    instantiate = instantiate and createNEURONObj and all(
        (instantiateCells, instantiateConns, instantiateStims, instantiateRxD))
    sim_data = session.sim_data
    if instantiate and (session._given_network is not None or session.net_params.popParams):
        session.create()
    else:
        session.initialize()
        if session._given_network is not None:
            session.create_pops()
    if sim_data is not None:
        session.sim_data = sim_data
    if not output:
        return session
    net = NetView(session)
    cells = net.cells if session.network is not None else []
    rxd = session.model.rxd if session.model is not None else None
    return (net.pops if session.network is not None else Dict(), cells,
            [c.conns for c in cells], [c.stims for c in cells], rxd, session.sim_data)


def _loaded_session(filename, sim_config=None) -> Session:
    """A Session of the run a file holds (not created yet); its simData, if saved."""
    payload = load_payload(filename, trust_pickle=True)  # the user chose this file
    if is_netpyne(payload):
        run = netpyne_run(payload, repr(str(filename)))
        session = Session(run.net_params or NetParams(), sim_config or run.sim_config,
                          network=run.network, saved_run=True)
        session.sim_data = run.sim_data
        return session
    where = repr(str(filename))
    net_params = saved_net_params(payload.get("netParams"), where) or NetParams()
    network = _network(payload, filename)
    session = Session(net_params, sim_config or saved_sim_config(payload, where, stacklevel=4),
                      network=network, saved_run=True)
    if "simData" in payload:
        session.sim_data = saved_sim_data(payload["simData"], where)
    return session


def loadNet(filename, data=None, instantiate: bool = True, compactConnFormat=False):
    """Load a saved network (and, if saved with it, its specs) as the current model.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run (.json, .pkl, .h5; neuroloom's or NetPyNE's).
    data : dict, optional
        NetPyNE's argument (the file's content already read): not used, the file is read.
    instantiate : bool, default True
        Create it in NEURON.
    compactConnFormat : bool or list, default False
        NetPyNE's: the saved simConfig's compactConnFormat says how a NetPyNE file's
        connections are listed.

    Returns
    -------
    Session
        The current model.
    """
    return load(filename, instantiate=instantiate)


def loadAll(filename, data=None, instantiate: bool = True, createNEURONObj: bool = True):
    """``sim.load`` under NetPyNE's other name.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run.
    data : dict, optional
        NetPyNE's argument: not used, the file is read.
    instantiate, createNEURONObj : bool, default True
        Create the network in NEURON.

    Returns
    -------
    Session
        The current model.
    """
    return load(filename, instantiate=instantiate and createNEURONObj)


def loadSimCfg(filename, data=None, variable: str = "simConfig", setLoaded: bool = True):
    """The simConfig of a saved run (or a simConfig JSON file); it becomes ``sim.cfg``.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run (neuroloom's or NetPyNE's) or a simConfig saved alone.
    data : dict, optional
        The file's content, already read (NetPyNE's argument).
    variable : str, default 'simConfig'
        The key the simConfig is under.
    setLoaded : bool, default True
        Make it ``sim.cfg`` (False: only return it).

    Returns
    -------
    specs.SimConfig
    """
    payload = data if data is not None else _spec_payload(filename)
    cfg = netpyne_sim_config(payload.get(variable, payload))
    if not setLoaded:
        return cfg
    session = state.peek()
    if session is None:
        session = Session(NetParams(), cfg)
        state.replace(session)
    session.sim_config = cfg
    return cfg


def loadNetParams(filename, data=None, variable=None, setLoaded: bool = True):
    """The netParams of a saved run (NetPyNE's ``net.params``, neuroloom's ``netParams``).

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run.
    data : dict, optional
        The file's content, already read.
    variable : str, optional
        The key the netParams are under.
    setLoaded : bool, default True
        Make them the current model's netParams.

    Returns
    -------
    specs.NetParams

    Raises
    ------
    FormatError
        The file holds no netParams.
    """
    payload = data if data is not None else load_payload(filename, trust_pickle=True)
    raw = payload.get(variable) if variable else payload.get(
        "netParams", (payload.get("net") or {}).get("params"))
    if raw is None:
        raise FormatError(f"{str(filename)!r} holds no netParams")
    net = NetParams({k: v for k, v in dict(raw).items() if not str(k).startswith("_")})
    session = state.peek()
    if setLoaded:
        if session is None:
            session = Session(net, SimConfig())
            state.replace(session)
        session.net_params = net
    return net


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
    payload = load_payload(filename, trust_pickle=True)  # the user chose this file
    if "simData" not in payload:
        raise FormatError(f"{str(filename)!r} holds no simData")
    session = state.peek()
    if session is None:
        session = Session(NetParams(), SimConfig())
        state.replace(session)
    session.sim_data = saved_sim_data(payload["simData"], repr(str(filename)))
    return session.sim_data


def _default(filename) -> Path:
    """A default spec file: in the working folder, else beside the script that runs."""
    path = Path(filename)
    script = getattr(sys.modules["__main__"], "__file__", None)
    if path.exists() or path.is_absolute() or script is None:
        return path
    beside = Path(script).resolve().parent / path
    return beside if beside.exists() else path


def _network(payload, filename):
    net = payload.get("net")
    if net is None:
        return None
    if not isinstance(net, dict):
        raise FormatError(f"{str(filename)!r}: its 'net' is a {type(net).__name__}, not a "
                          "dict")
    if "cells" not in net:
        return None
    if "conns" in net.get("omitted", ()):
        warnings.warn(f"{str(filename)!r} was saved without its connections "
                      "(simConfig.saveCellConns False): the loaded network has none",
                      stacklevel=3)
    # saved without sections (saveCellSecs False): made again from its netParams
    where = repr(str(filename))
    return network_from_dict(with_cell_secs(net, payload, where), where)


def _spec_payload(filename) -> dict:
    path = Path(filename)
    if path.suffix.lower() == ".json" and path.is_file():  # a simConfig saved alone, too
        try:
            content = json.loads(path.read_bytes().decode("utf-8"))
        except (ValueError, RecursionError) as err:
            raise FormatError(f"{str(path)!r} is not a JSON file: {err}") from None
        if not isinstance(content, dict):
            raise FormatError(f"{str(path)!r} holds no simConfig (not a JSON object)")
        return content
    return load_payload(path, trust_pickle=True)  # the user chose this file


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
        # NetPyNE's netParams files (and the cell files they import) do `from __main__
        # import cfg`: the __main__ of now, which runpy may have replaced
        sys.modules["__main__"].cfg = cfg
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
