"""The steps of a model, as NetPyNE's ``sim`` functions: initialize, create, record, run,
gather, save and analyse the current model (``sim/state.py``), each a thin call into its
Session."""
from __future__ import annotations

import sys

from ..engine import modfiles
from ..specs.dicts import Dict
from . import node_files, state
from .session import Session
from .views import NetView


def initialize(netParams=None, simConfig=None) -> None:
    """Start a model: check its spec (every problem at once) and make it current.

    The steps that follow are sim.net.createPops(), createCells(), connectCells(),
    addStims(), sim.setupRecording(), runSim() and gatherData().

    Parameters
    ----------
    netParams : specs.NetParams
        The network.
    simConfig : specs.SimConfig
        How to simulate, record, save and plot it.

    Raises
    ------
    SpecError
        Every problem of both specs, each with its dotted path.
    """
    session = Session(_given(netParams, "netParams"), _given(simConfig, "simConfig"))
    state.replace(session)
    session.initialize()


def create(netParams=None, simConfig=None, output: bool = False, clearAll: bool = False):
    """Validate the spec, build the network and instantiate it in NEURON.

    Parameters
    ----------
    netParams : specs.NetParams, optional
        The network; with neither argument, the current model's remaining steps are
        taken (after ``sim.initialize`` or ``sim.net.createPops``).
    simConfig : specs.SimConfig, optional
        How to simulate, record, save and plot it.
    output : bool, default False
        Return what the steps made, as NetPyNE does.
    clearAll : bool, default False
        NetPyNE's: clear the previous model first; neuroloom always does.

    Returns
    -------
    tuple or None
        With ``output``: (pops, cells, conns, rxd, stims, simData), where pops is
        ``sim.net.pops``, cells ``sim.net.cells`` (this rank's), conns and stims each
        cell's ``conns`` and ``stims`` lists, rxd the reaction-diffusion's NEURON objects
        (a Dict of regions, species, reactions and rates; None without rxdParams) and
        simData what will be recorded (empty until the run).

    Raises
    ------
    SpecError
        Every problem of the specs.
    MechanismError
        A mechanism or parameter NEURON lacks.
    """
    if netParams is None and simConfig is None and state.peek() is not None:
        session = state.current()
        if session.network is None:
            session.create_pops()
        for step, done in ((session.create_cells, session.model is not None),
                           (session.connect_cells, _made(session, "netcons")),
                           (session.add_stims, _made(session, "stimuli")),
                           (session.setup_recording, _made(session, "recorder"))):
            if not done:
                step()
    else:
        session = Session(_given(netParams, "netParams"), _given(simConfig, "simConfig"))
        state.replace(session)
        session.create()
    return _created(session) if output else None


def _created(session) -> tuple:
    """NetPyNE's (pops, cells, conns, rxd, stims, simData) of sim.create(output=True)."""
    net = NetView(session)
    cells = net.cells
    rxd = session.model.rxd if session.model is not None else None
    rxd = None if rxd is None else Dict(regions=rxd.regions, species=rxd.species,
                                        reactions=rxd.reactions, rates=rxd.rates)
    sim_data = session.sim_data if session.sim_data is not None else Dict(
        spkt=[], spkid=[], **{trace.label: Dict() for trace in session.run_spec.traces})
    return (net.pops, cells, [cell.conns for cell in cells], rxd,
            [cell.stims for cell in cells], sim_data)


def _made(session, attribute) -> bool:
    return session.model is not None and getattr(session.model, attribute) is not None


def clearAll() -> None:
    """Release the current model's NEURON objects and forget it (``sim.net``, ``sim.cfg``,
    ``sim.allSimData``), as NetPyNE's ``sim.clearAll``. Mechanisms stay loaded: NEURON
    cannot unload them."""
    state.replace(None)


def setupRecording() -> None:
    """Record spikes, the traces simConfig.recordTraces asks for and the reports."""
    state.current().setup_recording()


def runSim() -> None:
    """Run the current model for simConfig.duration."""
    state.current().run_sim()


def runSimWithIntervalFunc(interval, func, timeRange=None, funcArgs=None) -> None:
    """Run the current model, calling a function at intervals of simulated time.

    Parameters
    ----------
    interval : float
        Simulated ms between two calls.
    func : callable
        Called as ``func(t, **funcArgs)`` with the time reached (ms), e.g.
        ``sim.intervalSave``.
    timeRange : [start, stop], optional
        Call it only from start to stop ms (the run goes on to simConfig.duration).
    funcArgs : dict, optional
        Keyword arguments of ``func``.

    Raises
    ------
    RuntimeError
        No model has been created.
    """
    state.current().run_with_interval(interval, func, timeRange, funcArgs)


def intervalSave(simTime, gatherLFP: bool = True):
    """Save the recordings so far (for ``runSimWithIntervalFunc``), as NetPyNE does.

    Writes ``interval_<simTime>.pkl`` into simConfig.intervalFolder (a variable you set;
    default ``<saveFolder>/interval_data``) with the parts saveDataInclude names, and
    removes the previous interval's file. Every rank must call it. With
    ``simConfig.saveWeights`` its simData also holds 'allWeights', as in NetPyNE: the list
    your script keeps as ``sim.allWeights`` (every rank's, in rank order) or, if you keep
    none, every connection's weight as NEURON holds it now (in the order of
    ``sim.net.cells[i].conns``); 'allWeights' then stays in ``sim.allSimData``.

    Parameters
    ----------
    simTime : float
        The simulated time reached (ms); names the file.
    gatherLFP : bool, default True
        NetPyNE's; the LFP recorded so far is always included.

    Returns
    -------
    pathlib.Path or None
        The file written (None on ranks other than 0).
    """
    # NetPyNE saves the list a script keeps as a module attribute, sim.allWeights
    facade = sys.modules[__package__]
    return state.current().interval_save(simTime, getattr(facade, "allWeights", None))


def gatherData(gatherLFP: bool = True, gatherDipole: bool = True, gatherOnlySimData=None,
               includeSimDataEntries=None, analyze: bool = True):
    """Gather every rank's recordings into ``sim.allSimData``, on every rank.

    Parameters
    ----------
    gatherLFP, gatherDipole : bool, default True
        False leaves the LFP (dipole) signals out of ``sim.allSimData``.
    gatherOnlySimData : bool, optional
        NetPyNE's (default simConfig.gatherOnlySimData): neuroloom gathers only simData
        anyway, every rank knows the whole network.
    includeSimDataEntries : list of str, optional
        Keep only these simData entries (and avgRate).
    analyze : bool, default True
        NetPyNE's: print the run's statistics (neuroloom always reports them).

    Returns
    -------
    specs.Dict
        ``sim.allSimData``.
    """
    session = state.current()
    if gatherLFP and gatherDipole and includeSimDataEntries is None:
        session.gather_data()
    else:
        session.gather_data(lfp=gatherLFP, dipole=gatherDipole, entries=includeSimDataEntries)
    return session.sim_data


def saveData(include=None, filename=None, saveLFP: bool = True) -> list:
    """Save the current run as simConfig asks (JSON, pickle, HDF5, MATLAB, SONATA spikes
    and reports, traces).

    Parameters
    ----------
    include : list of str, optional
        The parts of the data file: 'netParams', 'net' (or 'netCells', 'netPops'),
        'simConfig', 'simData'; default simConfig.saveDataInclude. When given, the outputs
        made of simData are written only if it names 'simData'.
    filename : str, optional
        Becomes simConfig.filename (as in NetPyNE), which names the outputs unless a
        simLabel does inside a saveFolder: ``<filename>_data.json``...
    saveLFP : bool, default True
        NetPyNE's; the LFP is part of simData.

    Returns
    -------
    list of pathlib.Path
        The files written (none on ranks other than 0).

    Raises
    ------
    SpecError
        ``include`` names an unknown part.
    """
    return state.current().save_data(include, filename)


def saveDataInNodes(filename=None, saveLFP: bool = True, removeTraces: bool = False,
                    saveFolder=None) -> list:
    """Each rank saves its own recordings, unmerged (NetPyNE's distributed saving).

    Files ``<filename>_node_<rank>.json`` (and ``.pkl`` with savePickle) go into
    ``<saveFolder>/<simLabel>_node_data``; ``sim.gatherDataFromFiles`` merges them.

    Parameters
    ----------
    filename : str, optional
        Default simConfig.simLabel.
    saveLFP : bool, default True
        Include the LFP and dipole signals.
    removeTraces : bool, default False
        Then drop this rank's traces from memory.
    saveFolder : str, optional
        Default simConfig.saveFolder.

    Returns
    -------
    list of pathlib.Path
        The files this rank wrote.
    """
    return node_files.save_in_nodes(state.current(), filename, saveLFP, removeTraces,
                                    saveFolder)


def gatherDataFromFiles(gatherLFP: bool = True, saveFolder=None, simLabel=None, sim=None,
                        fileType: str = "pkl", saveMerged: bool = False):
    """Merge the files ``sim.saveDataInNodes`` wrote into ``sim.allSimData``.

    Parameters
    ----------
    gatherLFP : bool, default True
        Merge the LFP and dipole signals too.
    saveFolder, simLabel : str, optional
        Where the ``<simLabel>_node_data`` folder is (default the current simConfig's).
    sim : module, optional
        NetPyNE's; not used.
    fileType : {'pkl', 'json'}
        Which node files to read.
    saveMerged : bool, default False
        Save the merged run (``sim.saveData``) and remove the node files.

    Returns
    -------
    specs.Dict
        ``sim.allSimData``.

    Raises
    ------
    FormatError
        No node files, or an unsupported fileType.
    """
    return node_files.gather_from_files(gatherLFP, saveFolder, simLabel, fileType,
                                        saveMerged)


def simulate() -> None:
    """Run the current model and gather the results."""
    state.current().simulate()


def analyze() -> None:
    """Save data and draw the plots the current simConfig asks for."""
    state.current().analyze()


def loadMechanisms(folder) -> list:
    """Compile (once, into neuroloom's cache) and load a folder of .mod files.

    simConfig.modFolders does the same for a model.

    Parameters
    ----------
    folder : str or pathlib.Path
        A folder of NMODL files.

    Returns
    -------
    list of str
        The names of the mechanisms it defines.

    Raises
    ------
    MechanismError
        The folder has no .mod files, they do not compile, or NEURON has some of their
        names from another library.
    """
    return modfiles.load(folder)


def _gatherAllCellTags() -> dict:
    """Every cell's tags by gid, on every rank (NetPyNE's helper, which models such as
    RL_arm call; neuroloom's network is whole on each rank, so nothing is exchanged).

    Returns
    -------
    dict
        gid -> tags (pop, cellType, cellModel, x, y, z, ...).
    """
    network = state.current().network
    if network is None:
        raise RuntimeError("no network yet: call sim.net.createPops() first")
    return {int(gid): Dict(network.tags(int(gid))) for gid in network.cells.gids}


def _given(value, name):
    if value is None:
        raise TypeError(f"{name} is required")
    return value
