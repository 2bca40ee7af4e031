"""The tutorial's ``sim`` module: create, simulate and analyse a model.

    from neuroloom import specs, sim
    sim.createSimulateAnalyze(netParams, simConfig)
    sim.allSimData['spkt'], sim.net.cells[0].tags, sim.net.pops['S'].cellGids

A thin facade over an explicit Session (see session.py); ``sim.net``, ``sim.cfg`` and
``sim.allSimData`` always refer to the current one.
"""
from __future__ import annotations

from importlib import import_module

from ..engine.mpi import launched_rank
from ..progress import fraction_progress
from . import state
from .session import Session
from .views import NetView


def initialize(netParams=None, simConfig=None) -> None:
    """Start a model: check the spec; then sim.net.createPops(), createCells(),
    connectCells(), addStims(), sim.setupRecording(), runSim(), gatherData()..."""
    session = Session(_given(netParams, "netParams"), _given(simConfig, "simConfig"))
    state.replace(session)
    session.initialize()


def create(netParams=None, simConfig=None) -> None:
    """Validate the spec, build the network and instantiate it in NEURON (with no
    arguments: the current model's remaining steps)."""
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
        return
    session = Session(_given(netParams, "netParams"), _given(simConfig, "simConfig"))
    state.replace(session)
    session.create()


def _made(session, attribute) -> bool:
    return session.model is not None and getattr(session.model, attribute) is not None


def setupRecording() -> None:
    state.current().setup_recording()


def runSim() -> None:
    state.current().run_sim()


def gatherData() -> None:
    state.current().gather_data()


def saveData() -> list:
    return state.current().save_data()


def simulate() -> None:
    """Run the current model and gather the results."""
    state.current().simulate()


def analyze() -> None:
    """Save data and draw the plots the current simConfig asks for."""
    state.current().analyze()


def createSimulateAnalyze(netParams=None, simConfig=None) -> None:
    create(netParams, simConfig)
    simulate()
    analyze()


def createSimulate(netParams=None, simConfig=None) -> None:
    create(netParams, simConfig)
    simulate()


def loadMechanisms(folder) -> list:
    """Compile (once, into neuroloom's cache) and load a folder of .mod files; returns the
    mechanism names. simConfig.modFolders does the same for a model."""
    from ..engine.modfiles import load

    return load(folder)


def importSONATA(config, saveFolder=None, modFolders=(), instantiate: bool = True):
    """A SONATA circuit and its simulation config become the current model (the
    circuit's mechanisms_dir and ``modFolders`` are compiled and loaded); then
    sim.simulate() and sim.saveData() write its spikes and reports where the config says,
    or into ``saveFolder``. Returns the SonataModel (network, simConfig, node sets)."""
    from ..importers import sonata
    from ..specs import NetParams

    with fraction_progress("importing SONATA", launched_rank() == 0) as progress:
        model = sonata.load(config, modFolders, progress)
    if saveFolder is not None:
        model.sim_config.saveFolder = str(saveFolder)
    session = Session(NetParams(), model.sim_config, network=model.network)
    state.replace(session)
    if instantiate:
        session.create()
    else:
        session.initialize()
        session.create_pops()
    return model


def exportSONATA(folder, simConfig=None, populations=None) -> list:
    """Write the current network (and how it is run) as a SONATA circuit into
    ``folder``; node populations as ``populations`` ({name: [population labels]}) or
    simConfig.sonataPopulations say, else one per population. Returns the files written."""
    from ..exporters.sonata import export

    session = state.current()
    if session.network is None:
        session.create_pops()
    with fraction_progress("exporting SONATA", session.reports_progress(),
                           session.log) as progress:
        files = export(session.network, folder, simConfig or session.sim_config, populations,
                       progress)
    _note_rxd(session, "SONATA", "neuroloom_catalogs.json")
    return files


def importNeuroML2(fileName, simConfig=None, simulate: bool = True, analyze: bool = True,
                   modFolders=()):
    """A NeuroML2 or LEMS file becomes the current model, instantiated; then (by default)
    simulated and analysed. ``simConfig`` replaces the run settings a LEMS file gives.
    Returns the NeuroMLModel (network, simConfig)."""
    from ..importers import neuroml
    from ..specs import NetParams

    with fraction_progress("importing NeuroML2", launched_rank() == 0) as progress:
        model = neuroml.load(fileName, modFolders, progress)
    if simConfig is not None:
        model.sim_config = simConfig
    session = Session(NetParams(), model.sim_config, network=model.network)
    state.replace(session)
    session.create()
    if simulate:
        session.simulate()
    if simulate and analyze:
        session.analyze()
    return model


def importNeuroML2SimulateAnalyze(fileName, simConfig=None):
    return importNeuroML2(fileName, simConfig, simulate=True, analyze=True)


def exportNeuroML2(reference, connections: bool = True, stimulations: bool = True,
                   format: str = "xml") -> list:
    """Write the current network as ``<reference>.net.nml`` (or ``.net.h5`` with
    format='hdf5') and ``LEMS_<reference>.xml`` into simConfig.saveFolder; returns both."""
    from ..exporters.neuroml import export

    session = state.current()
    if session.network is None:
        session.create_pops()
    folder = session.output.save_folder or "."
    with fraction_progress("exporting NeuroML2", session.reports_progress(),
                           session.log) as progress:
        files = export(session.network, reference, folder, session.sim_config, format,
                       connections=connections, stimulations=stimulations, progress=progress)
    _note_rxd(session, "NeuroML2", "the network's 'neuroloom' property")
    return files


def _note_rxd(session, fmt: str, where: str) -> None:
    if session.network.rxd is not None:
        session.log(f"{fmt} has no reaction-diffusion: the rxdParams are kept in {where}, "
                    "which neuroloom reads back; other simulators run the network without "
                    "them")


def _given(value, name):
    if value is None:
        raise TypeError(f"{name} is required")
    return value


def __getattr__(name):
    # the tutorial reads these as module attributes; they follow the current session
    if name == "analysis":  # imports matplotlib, so only when first asked for
        return import_module(".analysis", __name__)
    if name == "net":
        return NetView(state.current())
    if name == "cfg":
        return state.current().sim_config
    if name == "timingData":
        return state.current().timing
    if name in ("allSimData", "simData"):
        return state.current().sim_data
    if name == "rank":
        session = state.peek()
        return session.rank or 0 if session is not None else 0
    raise AttributeError(f"module 'neuroloom.sim' has no attribute {name!r}")


from .files import load, loadNet, loadSimCfg, loadSimData, readCmdLineArgs  # noqa: E402

__all__ = ["initialize", "create", "setupRecording", "runSim", "gatherData", "saveData",
           "simulate", "analyze", "createSimulateAnalyze", "createSimulate", "load",
           "loadNet", "loadSimCfg", "loadSimData", "readCmdLineArgs", "loadMechanisms",
           "importSONATA", "exportSONATA", "importNeuroML2", "importNeuroML2SimulateAnalyze",
           "exportNeuroML2",
           "Session"]
