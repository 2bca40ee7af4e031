"""The facade's NeuroML2 and SONATA functions: a file becomes the current model
(``importSONATA``, ``importNeuroML2``) and the current model is written as one
(``exportSONATA``, ``exportNeuroML2``)."""
from __future__ import annotations

from ..engine.mpi import launched_rank
from ..exporters import neuroml as neuroml_exporter
from ..exporters import sonata as sonata_exporter
from ..importers import neuroml as neuroml_importer
from ..importers import sonata as sonata_importer
from ..progress import fraction_progress
from ..sonata.conventions import SIGN_READINGS
from ..specs import NetParams
from ..suggest import hint
from . import state
from .session import Session


def importSONATA(config, saveFolder=None, modFolders=(), instantiate: bool = True,
                 signs: str = "sonata"):
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
    signs : {'sonata', 'bmtk'}, default 'sonata'
        How the synapse ``sign`` (in the edge type's dynamics_params) and ``nsyns`` of an
        edge into a point cell weigh the event it delivers. 'sonata': always, as SONATA
        means (syn_weight x sign x nsyns, nsyns 1 where the edge has none); a warning
        says how many edges BMTK reads otherwise. 'bmtk': as BMTK 1.2.0 does, only for
        edges whose edge group (with the edge-types CSV) has an ``nsyns`` column and no
        ``sec_id``/``afferent_section_id``; the others deliver their syn_weight alone, so
        inhibitory edges made with BMTK's ``add_properties`` act as excitatory
        (layer4_sample: 1,643 edges). Use it to reproduce BMTK's spikes.

    Returns
    -------
    importers.sonata.SonataModel
        The network, its simConfig and the circuit's node sets.

    Raises
    ------
    FormatError
        What the circuit or config gets wrong, naming the file and item.
    ValueError
        ``signs`` is not one of the readings.
    """
    if signs not in SIGN_READINGS:
        raise ValueError(f"sim.importSONATA: signs={signs!r} is not one of "
                         f"{', '.join(map(repr, SIGN_READINGS))} "
                         f"({hint(str(signs), SIGN_READINGS)})")
    with fraction_progress("importing SONATA", launched_rank() == 0) as progress:
        model = sonata_importer.load(config, modFolders, progress, signs=signs)
    if saveFolder is not None:
        model.sim_config.saveFolder = str(saveFolder)
    session = Session(NetParams(), model.sim_config, network=model.network, sonata=model)
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
    _note_neuroloom_only(session, "SONATA", "neuroloom_catalogs.json")
    return files


def importNeuroML2(fileName, simConfig=None, simulate: bool = True, analyze: bool = True,
                   return_net_params_also: bool = False, modFolders=(),
                   mechanisms: str = "neuron"):
    """A NeuroML2 or LEMS file becomes the current model, instantiated (NetPyNE's
    signature, plus ``modFolders``).

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
    return_net_params_also : bool, default False
        NetPyNE's request for the netParams it builds from the file. neuroloom imports
        the file into its network tables, not into netParams rules, so True is an error.
    modFolders : sequence of paths, optional
        NMODL folders of channels you supply as mechanisms.
    mechanisms : {'neuron', 'jneuroml'}, default 'neuron'
        Channels and synapses whose NeuroML definition is exactly a NEURON built-in (hh,
        pas, ExpSyn, Exp2Syn) run as that built-in, or, with 'jneuroml', as the mechanisms
        jNeuroML generates, as its NEURON export runs them. Use 'jneuroml' to reproduce
        jNeuroML's NEURON traces to 1e-5 mV (docs/neuroml-differences.md: Exp2Syn decays
        exactly where jNeuroML's mechanism steps, up to 0.05 mV apart at dt 0.005 ms).

    Returns
    -------
    importers.neuroml.NeuroMLModel
        The network and its simConfig; also, as NetPyNE's return value, a mapping of
        population id -> the gids of its cells.

    Raises
    ------
    FormatError
        What the file gets wrong, naming the file, line and element.
    NotImplementedError
        ``return_net_params_also`` is True.
    ValueError
        ``mechanisms`` is not one of the readings.
    """
    if return_net_params_also:
        raise NotImplementedError(
            "sim.importNeuroML2(return_net_params_also=True) is not supported: neuroloom "
            "imports NeuroML2 into its network tables, not into netParams rules; the "
            "returned model's .network holds the cells, connections and stimuli")
    with fraction_progress("importing NeuroML2", launched_rank() == 0) as progress:
        model = neuroml_importer.load(fileName, modFolders, progress, mechanisms)
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

    Returns
    -------
    importers.neuroml.NeuroMLModel
        As ``sim.importNeuroML2`` (NetPyNE's: population id -> gids).
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
    _note_neuroloom_only(session, "NeuroML2", "the network's 'neuroloom' property")
    return files


def _note_neuroloom_only(session, fmt: str, where: str) -> None:
    for part in session.network.neuroloom_only:
        session.log(f"{fmt} has no {part}: it is kept in {where}, which neuroloom reads "
                    "back; other simulators run the network without it")
