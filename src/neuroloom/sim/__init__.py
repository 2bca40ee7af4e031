"""The tutorial's ``sim`` module: create, simulate and analyse a model.

    from neuroloom import specs, sim
    sim.createSimulateAnalyze(netParams, simConfig)
    sim.allSimData['spkt'], sim.net.cells[0].tags, sim.net.pops['S'].cellGids

A thin facade over an explicit Session (see session.py); ``sim.net``, ``sim.cfg`` and
``sim.allSimData`` always refer to the current one.
"""
from __future__ import annotations

from ..engine import modfiles
from ..engine.mpi import launched_rank
from ..exporters import neuroml as neuroml_exporter
from ..exporters import sonata as sonata_exporter
from ..importers import neuroml as neuroml_importer
from ..importers import sonata as sonata_importer
from ..progress import fraction_progress
from ..specs import NetParams
from . import analysis, state
from .files import (load, loadFromIndexFile, loadModel, loadNet, loadSimCfg, loadSimData,
                    readCmdLineArgs)
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


def create(netParams=None, simConfig=None) -> None:
    """Validate the spec, build the network and instantiate it in NEURON.

    Parameters
    ----------
    netParams : specs.NetParams, optional
        The network; with neither argument, the current model's remaining steps are
        taken (after ``sim.initialize`` or ``sim.net.createPops``).
    simConfig : specs.SimConfig, optional
        How to simulate, record, save and plot it.

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
        return
    session = Session(_given(netParams, "netParams"), _given(simConfig, "simConfig"))
    state.replace(session)
    session.create()


def _made(session, attribute) -> bool:
    return session.model is not None and getattr(session.model, attribute) is not None


def setupRecording() -> None:
    """Record spikes, the traces simConfig.recordTraces asks for and the reports."""
    state.current().setup_recording()


def runSim() -> None:
    """Run the current model for simConfig.duration."""
    state.current().run_sim()


def gatherData() -> None:
    """Gather every rank's recordings into ``sim.allSimData`` (on rank 0)."""
    state.current().gather_data()


def saveData() -> list:
    """Save the current run as simConfig asks (JSON, pickle, HDF5, SONATA spikes and
    reports, traces).

    Returns
    -------
    list of pathlib.Path
        The files written (none on ranks other than 0).
    """
    return state.current().save_data()


def simulate() -> None:
    """Run the current model and gather the results."""
    state.current().simulate()


def analyze() -> None:
    """Save data and draw the plots the current simConfig asks for."""
    state.current().analyze()


def createSimulateAnalyze(netParams=None, simConfig=None) -> None:
    """``sim.create``, then ``sim.simulate``, then ``sim.analyze``.

    Parameters
    ----------
    netParams : specs.NetParams
        The network.
    simConfig : specs.SimConfig
        How to simulate, record, save and plot it.
    """
    create(netParams, simConfig)
    simulate()
    analyze()


def createSimulate(netParams=None, simConfig=None) -> None:
    """``sim.create``, then ``sim.simulate``.

    Parameters
    ----------
    netParams : specs.NetParams
        The network.
    simConfig : specs.SimConfig
        How to simulate, record, save and plot it.
    """
    create(netParams, simConfig)
    simulate()


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


def importSONATA(config, saveFolder=None, modFolders=(), instantiate: bool = True):
    """A SONATA circuit and its simulation config become the current model.

    Then ``sim.simulate()`` and ``sim.saveData()`` write its spikes and reports where the
    config says, or into ``saveFolder``.

    Parameters
    ----------
    config : str or pathlib.Path
        The circuit config, the simulation config, or the top-level config naming both.
    saveFolder : str or pathlib.Path, optional
        Where outputs go instead of the config's output directory.
    modFolders : sequence of paths, optional
        NMODL folders the model needs besides the circuit's mechanisms_dir; both are
        compiled and loaded when the model is instantiated.
    instantiate : bool, default True
        Build the model in NEURON now; False stops after reading the circuit.

    Returns
    -------
    importers.sonata.SonataModel
        The network, its simConfig and the circuit's node sets.

    Raises
    ------
    FormatError
        What the circuit or config gets wrong, naming the file and item.
    """
    with fraction_progress("importing SONATA", launched_rank() == 0) as progress:
        model = sonata_importer.load(config, modFolders, progress)
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
    """Write the current network, and how it is run, as a SONATA circuit.

    Parameters
    ----------
    folder : str or pathlib.Path
        The circuit's folder (written next to it and renamed into place).
    simConfig : specs.SimConfig, optional
        The run to write (default: the current one).
    populations : dict, optional
        SONATA node populations as {name: [population labels]}; default
        simConfig.sonataPopulations, else one node population per population.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    session = state.current()
    if session.network is None:
        session.create_pops()
    with fraction_progress("exporting SONATA", session.reports_progress(),
                           session.log) as progress:
        files = sonata_exporter.export(session.network_with_sections(), folder,
                                       simConfig or session.sim_config, populations, progress)
    _note_rxd(session, "SONATA", "neuroloom_catalogs.json")
    return files


def importNeuroML2(fileName, simConfig=None, simulate: bool = True, analyze: bool = True,
                   modFolders=()):
    """A NeuroML2 or LEMS file becomes the current model, instantiated.

    Parameters
    ----------
    fileName : str or pathlib.Path
        A NeuroML2 document (XML or HDF5) or a LEMS simulation file.
    simConfig : specs.SimConfig, optional
        Replaces the run settings the LEMS file gives.
    simulate : bool, default True
        Run it too.
    analyze : bool, default True
        Save and plot after running.
    modFolders : sequence of paths, optional
        NMODL folders of channels you supply as mechanisms.

    Returns
    -------
    importers.neuroml.NeuroMLModel
        The network and its simConfig.

    Raises
    ------
    FormatError
        What the file gets wrong, naming the file, line and element.
    """
    with fraction_progress("importing NeuroML2", launched_rank() == 0) as progress:
        model = neuroml_importer.load(fileName, modFolders, progress)
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
    """``sim.importNeuroML2`` with simulation and analysis.

    Parameters
    ----------
    fileName : str or pathlib.Path
        A NeuroML2 document or LEMS simulation file.
    simConfig : specs.SimConfig, optional
        Replaces the run settings the LEMS file gives.
    """
    return importNeuroML2(fileName, simConfig, simulate=True, analyze=True)


def exportNeuroML2(reference, connections: bool = True, stimulations: bool = True,
                   format: str = "xml") -> list:
    """Write the current network as NeuroML2 and a LEMS file that runs it.

    Parameters
    ----------
    reference : str
        Names the files: ``<reference>.net.nml`` (``.net.h5``) and
        ``LEMS_<reference>.xml``, written into simConfig.saveFolder.
    connections : bool, default True
        Write the projections.
    stimulations : bool, default True
        Write the inputs.
    format : {'xml', 'hdf5'}
        The network file's format.

    Returns
    -------
    list of pathlib.Path
        The network file and the LEMS file.
    """
    session = state.current()
    if session.network is None:
        session.create_pops()
    folder = session.output.save_folder or "."
    with fraction_progress("exporting NeuroML2", session.reports_progress(),
                           session.log) as progress:
        files = neuroml_exporter.export(session.network_with_sections(), reference, folder,
                                        session.sim_config, format, connections=connections,
                                        stimulations=stimulations, progress=progress)
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


__all__ = ["initialize", "create", "setupRecording", "runSim", "gatherData", "saveData",
           "simulate", "analyze", "createSimulateAnalyze", "createSimulate", "load",
           "loadNet", "loadSimCfg", "loadSimData", "readCmdLineArgs", "loadMechanisms",
           "loadFromIndexFile", "loadModel",
           "importSONATA", "exportSONATA", "importNeuroML2", "importNeuroML2SimulateAnalyze",
           "exportNeuroML2",
           "analysis", "Session"]
