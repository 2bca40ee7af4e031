"""Session: one model's spec, network, NEURON instance and results, explicitly.

The tutorial's module-level ``sim`` API is a thin facade over the current Session; nothing
else in the package uses global state. The steps follow the tutorial: initialize,
create_pops, create_cells, connect_cells, add_stims, setup_recording, run_sim, gather_data,
save_data, plot_data; create, simulate and analyze group them.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..analysis.rates import pop_rates
from ..atomic import write_bytes_atomic
from ..builder import build_network
from ..builder.estimate import check_fits
from ..builder.conds import select_cells
from ..engine import NeuronModel
from ..engine.cell_templates import with_sections
from ..engine.modfiles import mechanism_catalog
from ..engine.mpi import collective_steps, launched_rank
from ..model.include import resolve_include
from ..progress import Progress, fraction_progress
from ..results import save as saving
from ..results.output_check import check_outputs_writable
from ..results.run_id import new_run_id
from ..results.report_files import save_reports
from ..results.simdata import Recordings
from ..results.sonata_spikes import write_spikes
from ..results.traces_io import save_csv, save_dat
from ..sonata.layout import NodeLayout
from ..specs.dicts import Dict
from ..errors import SpecError
from ..validate import validate
from ..validate.cell_lists import cell_lists_in_range
from ..validate.checker import Checker
from ..validate.simconfig import Names, data_parts, validate_sim_config
from .modify import modify
from .plots import gathered_sim_data, run_plot
from .sonata_outputs import ecp_reports_of, save_ecp, spike_file_options
from .intervals import save_interval


#: RunSpec fields NetPyNE reads from simConfig when the run starts, and when recording is
#: set up (a script may change them after initialize)
RUN_OPTIONS = ("duration", "dt", "hparams")
RECORDING_OPTIONS = ("record_cells", "traces", "record_step", "record_stim")
#: the recordings of no run (simConfig.createNEURONObj False)
NO_RUN = {"spike_t": (), "spike_gid": (), "t": (), "traces": {}}


class Session:
    """One model: its specs, its network, its NEURON instance and its results.

    Parameters
    ----------
    net_params : specs.NetParams
        The network's spec (an empty NetParams for a network given whole).
    sim_config : specs.SimConfig
        How to simulate, record, save and plot it.
    network : model.Network, optional
        An already built (loaded, imported) network to instantiate as it is instead of
        building one from ``net_params``.
    rank, nhost : int, optional
        This process's MPI rank and the number of ranks (default: NEURON's).
    echo : callable or None
        Where progress and summaries go (None: nowhere).
    sonata : importers.sonata.SonataModel, optional
        The SONATA circuit the network was imported from (``sim.importSONATA``): its
        simulation config's outputs are then written as BMTK writes them (see
        ``save_data``).

    Notes
    -----
    NEURON keeps one interpreter per process, and with it state no Python object owns:
    the sections and point processes of the instantiated model, the mechanisms loaded
    (a name can be defined once per process), hoc templates, the ParallelContext (gids,
    spike exchange, MPI) and the globals a run sets (celsius, v_init, dt). A Session holds
    its NEURON objects in ``self.model`` (engine.NeuronModel); only one may be live per
    process, so a new model is built only after ``clear()`` of the last one (the ``sim``
    facade does this when it replaces its current session, sim/state.py). The mechanism
    libraries stay loaded for the life of the process (engine/modfiles.py); globals are
    set by every run from its simConfig.hParams, never left from an earlier run.
    """

    def __init__(self, net_params=None, sim_config=None, *, network=None,
                 rank: int | None = None, nhost: int | None = None, echo=print,
                 sonata=None, saved_run: bool = False):
        self.net_params, self.sim_config = net_params, sim_config
        # a run loaded from a file (sim.load): its saveFolder may be another machine's, so
        # its outputs are checked when it is saved, not before
        self._saved_run = saved_run
        self.sonata = sonata
        self.ecp = None  # the SONATA ecp reports of the last run: name -> frames x channels
        self.rank, self.nhost = rank, nhost
        self._echo = echo
        self._given_network = network
        self.net_spec = self.run_spec = self.output = None
        self.network = self.model = self.recordings = None
        self.sim_data = self._raw = None  # _raw: this rank's recordings of the last run
        self.timing: dict[str, float] = {}
        self.saved: list = []  # paths written by the last analyze()
        self.conn_index = None  # sim.net.cells[i].conns, grouped by cell (sim/views.py)
        self.cell_views = None  # (network, {gid: the cell's one view}) (sim/views.py)
        self.running = False  # a run is calling the model's function (run_with_interval)
        self.interval_file = None  # the last file interval_save wrote
        # simConfig.saveWeights: the weights interval_save saved last (they stay in
        # simData, as in NetPyNE)
        self.interval_weights = None
        self.run_id = None  # the id the run's files carry (results/run_id.py)

    # -- the tutorial's steps -----------------------------------------------------------
    def initialize(self) -> None:
        """Check the spec (all problems at once) and forget any earlier run."""
        self.clear()
        self.recordings = self.sim_data = self._raw = None
        self.interval_weights = None
        self.network = None
        self.timing = {}
        with self._timed("initTime"):
            if self.sim_config is not None and getattr(self.net_params, "mapping", None):
                self.net_params.setCfgMapping(self.sim_config)  # as NetPyNE's sim.initialize
            # the mechanisms netParams names are checked against NEURON before building,
            # when the model is to be put into NEURON (which must then be installed)
            in_neuron = getattr(self.sim_config, "createNEURONObj", True) is not False
            self.net_spec, self.run_spec, self.output = validate(
                self.net_params, self.sim_config, self._given_network,
                mechanisms=mechanism_catalog if in_neuron else None)
            # before anything is built or run: a run whose results could not be saved, or
            # whose network could not fit in memory, stops here (an imported or loaded
            # network is built already)
            if not self._saved_run:
                check_outputs_writable(self.output)
            if self._given_network is None:
                check_fits(self.net_spec, self.run_spec)
        self.run_id = new_run_id()

    def create_pops(self):
        """The network: cells with positions, and (at once, it is cheap) its connections
        and stimuli as tables; NEURON comes in the next steps."""
        with self._timed("buildTime"), self._progress("building") as progress:
            self.network = self._given_network or build_network(
                self.net_spec, dict(self.run_spec.seeds), progress=progress)
        cell_lists_in_range(self.run_spec, self.output, self.network)
        return self.network.pops

    @property
    def in_neuron(self) -> bool:
        """Whether the model is put into NEURON (simConfig.createNEURONObj, default True;
        False builds the network to save it, with nothing to simulate)."""
        return self.run_spec is None or self.run_spec.create_neuron_obj

    def create_cells(self):
        self._need("network", "sim.net.createPops()")
        if not self.in_neuron:
            return
        with self._timed("createTime"):
            self.model = NeuronModel(self.network, self.run_spec, rank=self.rank,
                                     nhost=self.nhost)
            self.network = self.model.network  # template cell types now have sections
            self.rank, self.nhost = self.model.rank, self.model.nhost
            with self._progress("creating cells") as progress:
                self.model.create_cells(progress)

    def connect_cells(self):
        if not self.in_neuron:
            return
        self._need("model", "sim.net.createCells()")
        with self._timed("connectTime"), self._progress("connecting") as progress:
            self.model.connect_cells(progress)

    def add_stims(self):
        if not self.in_neuron:
            return
        self._need("model", "sim.net.createCells()")
        with self._timed("stimsTime"):
            self.model.add_stims()

    def add_rxd(self):
        """Reaction-diffusion (rxdParams) in the cells' sections; done by setup_recording
        when not called before (traces may record its species)."""
        if not self.in_neuron:
            return
        self._need("model", "sim.net.createCells()")
        with self._timed("rxdTime"):
            self.model.add_rxd()

    def setup_recording(self):
        if not self.in_neuron:
            return
        self._need("model", "sim.net.createCells()")
        self._follow_sim_config(RECORDING_OPTIONS)
        if self.network.rxd is not None and self.model.rxd is None:
            self.add_rxd()
        with self._timed("setupRecordingTime"):
            self.model.setup_recording(self.trace_gids(), self.output.reports, {
                r.label: resolve_include(r.cells, self.network) for r in self.output.reports},
                ecp_reports=ecp_reports_of(self.sonata))

    def create(self) -> None:
        """All the steps up to a model ready to run."""
        self.initialize()
        self.create_pops()
        self.create_cells()
        self.connect_cells()
        self.add_stims()
        self.add_rxd()
        self.setup_recording()
        net, timing = self.network, self.timing
        in_neuron = sum(timing.get(k, 0.0) for k in ("createTime", "connectTime", "stimsTime"))
        where = (f"NEURON {in_neuron:.2f} s" if self.in_neuron else
                 "not put into NEURON: simConfig.createNEURONObj is False")
        self.log(f"Created {net.num_cells} cells in {len(net.pops)} populations, "
                 f"{len(net.conns)} connections and {len(net.stims)} stimuli "
                 f"(build {timing.get('buildTime', 0.0):.2f} s, {where})")
        if self.run_spec.verbose:
            for rules, column, what in ((net.conn_rules, net.conns.rule, "connections"),
                                        (net.stim_rules, net.stims.rule, "stimuli")):
                counts = np.bincount(column, minlength=len(rules))
                for label, count in zip(rules, counts):
                    self.log(f"  rule '{label}': {count} {what}")

    def run_sim(self) -> None:
        self._need_neuron()
        self._need("model", "sim.create()")
        if self.model.recorder is None:
            self.setup_recording()
        self._follow_sim_config(RUN_OPTIONS)
        run = self.run_spec
        # every rank runs in the same pieces when progress is on; rank 0 shows it
        with self._timed("runTime"), Progress("simulating", run.duration, "ms",
                                              enabled=self.reports_progress(),
                                              echo=self.log) as progress:
            self._raw = self.model.run(progress.update if run.progress else None)

    def gather_data(self, lfp: bool = True, dipole: bool = True, entries=None) -> None:
        """Every rank's recordings, on every rank (``sim.allSimData``); ``lfp`` and
        ``dipole`` False leave those signals out, ``entries`` keeps only those simData
        entries (NetPyNE's gatherData arguments). With simConfig.createNEURONObj False
        there was no run: simData is empty, as NetPyNE gathers it then."""
        if not self.in_neuron and self._raw is None:
            self._use_recordings(Recordings.from_raw(NO_RUN, self.run_spec.duration))
            return
        self._need("_raw", "sim.runSim()")
        with self._timed("gatherTime"):
            raw = self.model.gather(self._raw)
            self.ecp = raw.get("ecp")
            per_rank = self.model.gather_timing(self.timing)
        if per_rank is not None:
            self.timing["ranks"] = per_rank
        self._use_recordings(Recordings.from_raw(raw, self.run_spec.duration))
        self.log(f"Simulated {self.run_spec.duration:g} ms in "
                 f"{self.timing.get('runTime', 0):.2f} s: {len(self.recordings.spike_t)} "
                 f"spikes, mean rate {self.sim_data['avgRate']:.2f} Hz")
        if self.output.print_pop_avg_rates or self.run_spec.verbose:
            rates = self.sim_data.get("popRates") or pop_rates(
                self.recordings.spike_t, self.recordings.spike_gid, self.network.pops,
                (0.0, self.run_spec.duration))
            for label, rate in rates.items():
                if isinstance(rate, dict):  # several windows: {'start_stop': Hz}
                    shown = ", ".join(f"{w.replace('_', '-')} ms {r:.2f} Hz"
                                      for w, r in rate.items())
                    self.log(f"  population '{label}': {shown}")
                else:
                    self.log(f"  population '{label}': {rate:.2f} Hz")
        dropped = [k for k in self.sim_data if (not lfp and k.startswith("LFP")) or (
            not dipole and k.startswith("dipole")) or (entries is not None and k not in entries
                                                       and k != "avgRate")]
        for key in dropped:
            del self.sim_data[key]

    def _use_recordings(self, recordings) -> None:
        """``recordings`` (of the whole network) become the run's results and simData."""
        self.recordings = recordings
        self.sim_data = recordings.sim_data(self.network.num_cells)
        if self.interval_weights is not None:  # saved at intervals: NetPyNE keeps them
            self.sim_data["allWeights"] = self.interval_weights
        self.sim_data.update(gathered_sim_data(self))  # e.g. plotfI's 'fI'
        if self.output.print_pop_avg_rates:
            self.sim_data["popRates"] = self._windowed_pop_rates(recordings)

    def _windowed_pop_rates(self, recordings) -> dict:
        """allSimData['popRates'] as NetPyNE makes it for printPopAvgRates: {pop: Hz} for
        one window, {pop: {'<start>_<stop>': Hz}} for several."""
        windows = [(start, self.run_spec.duration if stop is None else stop)
                   for start, stop in self.output.print_pop_avg_rates]
        per_window = [pop_rates(recordings.spike_t, recordings.spike_gid, self.network.pops,
                                window) for window in windows]
        if len(windows) == 1:
            return per_window[0]
        return {pop.label: {f"{int(start)}_{int(stop)}": rates[pop.label]
                            for (start, stop), rates in zip(windows, per_window)}
                for pop in self.network.pops}

    def run_with_interval(self, interval: float, func, time_range=None,
                          func_args=None) -> None:
        """Run, calling ``func(t, **func_args)`` every ``interval`` ms of simulated time
        (within ``time_range`` [start, stop] ms), as NetPyNE's runSimWithIntervalFunc."""
        self._need_neuron()
        self._need("model", "sim.create()")
        if not interval or interval <= 0:
            raise ValueError(f"interval must be a positive number of ms, not {interval!r}")
        if self.model.recorder is None:
            self.setup_recording()
        self._follow_sim_config(RUN_OPTIONS)
        duration = self.run_spec.duration
        start, stop = (0.0, duration) if time_range is None else map(float, time_range)
        with self._timed("runTime"):
            self.model.start()
            self.running = True  # sim.simData: this run's recordings so far
            try:
                if start > 0:
                    self.model.advance_to(start)
                while round(self.model.time) < stop:
                    before = self.model.time
                    func(self.model.advance_to(before + interval), **dict(func_args or {}))
                    if self.model.time <= before:  # at the end of the run
                        break
            finally:
                self.running = False
            self.model.advance_to(duration)
            self._raw = self.model.finish()

    def local_sim_data(self):
        """NetPyNE's ``sim.simData``: while a run calls the model's function, and before the
        first gatherData, this rank's recordings as they are being made ('spkt', 'spkid',
        't' and each trace's {'cell_<gid>': Vector}, NEURON Vectors); else the gathered
        data (``sim_data``)."""
        recorder = self.model.recorder if self.model is not None else None
        if recorder is None or not (self.running or self.sim_data is None):
            return self.sim_data
        return Dict(spkt=recorder.spike_t, spkid=recorder.spike_gid, t=recorder.t,
                    **{label: Dict({f"cell_{gid}": vec for gid, vec in vectors.items()})
                       for label, vectors in recorder.traces.items()})

    def interval_save(self, sim_time: float, weights=None) -> Path | None:
        """The recordings so far, saved as NetPyNE's intervalSave does: a pickle
        ``interval_<t>.pkl`` in simConfig.intervalFolder (else ``<saveFolder>/interval_data``)
        holding what saveDataInclude asks for; the previous interval's file is removed.
        With simConfig.saveWeights its simData holds 'allWeights' too: ``weights`` (the
        list a script keeps as ``sim.allWeights``, which NetPyNE saves; every rank's, in
        rank order) or, without it, every connection's weight as NEURON holds it now, in
        the order of ``sim.net.cells[i].conns``; they stay in simData, as in NetPyNE.
        Every rank takes part; rank 0 writes. Returns the file (None on other ranks)."""
        return save_interval(self, sim_time, weights)

    def simulate(self) -> None:
        """Run the simulation and gather the results."""
        self.run_sim()
        self.gather_data()

    def analyze(self) -> None:
        """Save the data and draw the plots simConfig asks for (rank 0 only)."""
        if self.recordings is None or not self.is_root:
            return
        self.saved = self.save_data() + self.plot_data()
        for path in self.saved:
            self.log(f"Saved {path}")

    def plot_data(self) -> list:
        paths = []
        with self._timed("plotTime"):
            for name, options in self.output.analysis:
                path = run_plot(self, name, dict(options))[2]
                if isinstance(path, list):
                    paths += path
                elif path is not None:
                    paths.append(path)
        return paths

    # -- changing the built network ------------------------------------------------------
    def modify(self, kind: str, params) -> int:
        """Change the network's tables and, when instantiated, the NEURON objects
        (sim/modify.py); returns how many connections, cells, synapses or stimuli were
        changed."""
        self._need("network", "sim.net.createPops()")
        self.network, changed = modify(kind, self.network, self.model, params)
        if self.model is not None:
            self.model.use(self.network)
        self.log(f"Modified {changed} {kind}")
        return changed

    def network_with_sections(self):
        """The network, its template cell types (SONATA biophysical cells) with their
        sections: made in NEURON, once, when the model is not instantiated yet."""
        if self.network is None:
            self.create_pops()
        folders = self.run_spec.mod_folders if self.run_spec is not None else ()
        self.network = with_sections(self.network, folders)
        return self.network

    # -- outputs ------------------------------------------------------------------------
    def save_data(self, include=None, filename=None) -> list:
        """Write the run as simConfig asks. ``include`` (saveDataInclude's names, 'net'
        for netCells and netPops) chooses the parts of the data file instead of
        saveDataInclude; the outputs made of simData (SONATA spikes and reports, traces
        as text) are then written only when it names 'simData'. ``filename`` becomes
        simConfig.filename (as in NetPyNE): the outputs' name unless a simLabel names
        them inside a saveFolder.

        A network imported from a SONATA circuit (``sim.importSONATA``, ``neuroloom
        run``) has its outputs written as BMTK writes them: the spike file with the
        simulated populations only (virtual ones too when the config's
        ``neuroloom.virtual_spikes`` asks), in its ``spikes_sort_order``, then the
        membrane reports, then the extracellular (ecp) reports."""
        if filename is not None:
            self.sim_config.filename = str(filename)
        self.output = self.current_output()
        parts = self.output.include if include is None else _parts(include)
        with_sim_data = include is None or "simData" in parts
        collective_steps(False)  # rank 0 saves alone: the others wait for it at the exit
        if not self.is_root:
            return []
        out, paths = self.output, []
        with self._timed("saveTime"):
            if out.save_json or out.save_pickle or out.save_hdf5 or out.save_mat:
                payload = saving.data_payload(self.net_params, self.sim_config, self.network,
                                              self.sim_data, parts, out.save_cell_conns,
                                              out.save_cell_secs, run_id=self.run_id)
                for wanted, suffix, write in ((out.save_json, "_data.json", saving.save_json),
                                              (out.save_pickle, "_data.pkl", saving.save_pickle),
                                              (out.save_hdf5, "_data.h5", saving.save_hdf5),
                                              (out.save_mat, "_data.mat", saving.save_mat)):
                    if wanted:
                        paths.append(write(self.output_path(suffix), payload))
            rec = self.recordings if with_sim_data else None
            layout = self.node_layout()
            if out.spikes_file and rec is not None:
                path = Path(out.save_folder or ".") / out.spikes_file
                write_spikes(path, rec.spike_t, rec.spike_gid, layout,
                             self.network.provenance, **spike_file_options(self.sonata, layout),
                             run_id=self.run_id)
                paths.append(path)
            if rec is not None:
                paths += save_reports(out, rec, layout, self.run_spec)
                paths += save_ecp(self.sonata, self.ecp, self.run_spec, out.save_folder)
            if out.save_dat and rec is not None:
                paths += save_dat(out.save_folder or ".", rec.t, rec.traces)
            if out.save_csv and rec is not None:
                paths.append(save_csv(self.output_path("_traces.csv"), rec.t, rec.traces))
        if out.save_timing:
            path = self.output_path("_timing.json")
            write_bytes_atomic(path, json.dumps(self.timing, indent=1).encode())
            paths.append(path)
        return paths

    def _follow_sim_config(self, names: tuple[str, ...]) -> None:
        """NetPyNE reads simConfig's run options when the run starts (duration, dt,
        hParams) and its recording options when recording is set up, so a script may
        change ``sim.cfg`` after initialize (RL_arm sets the duration, sonata_300_cells the
        traces): these RunSpec fields follow what simConfig says now."""
        check = Checker(warn=False)
        run, _ = validate_sim_config(self.sim_config, Names.of_network(self.network), check)
        check.raise_if_any()
        changed = {n: getattr(run, n) for n in names
                   if getattr(run, n) != getattr(self.run_spec, n)}
        if changed:
            self.run_spec = replace(self.run_spec, **changed)
            if self.model is not None:
                self.model.run_spec = self.run_spec

    def current_output(self):
        """The output options as simConfig says now: NetPyNE reads them when it saves, so
        a script may change them after the run (``sim.cfg.saveJson = True``). Its
        warnings were given when the run was initialized: not again at each save."""
        check = Checker(warn=False)
        _, output = validate_sim_config(self.sim_config, Names.of_network(self.network), check)
        check.raise_if_any()
        return output

    def node_layout(self) -> NodeLayout:
        """The SONATA node populations outputs are written for (simConfig.sonataPopulations)."""
        return NodeLayout(self.network.pops, dict(self.output.sonata_populations))

    def output_path(self, suffix: str):
        return saving.output_path(self.output.save_folder, self.output.filename, suffix)

    def record_gids(self) -> np.ndarray:
        """Cells whose traces are recorded: recordCells plus the cells plotTraces shows."""
        items = list(self.run_spec.record_cells)
        for name, options in self.output.analysis:
            include = dict(options).get("include")
            if name == "plotTraces" and include is not None:
                items += list(include)
        return resolve_include(items, self.network)

    def trace_gids(self) -> dict:
        """Each trace's cells: the recorded cells that satisfy its conds."""
        gids = self.record_gids()
        net = self.network
        return {trace.label: np.intersect1d(gids, select_cells(trace.conds, net.cells,
                                                               net.pops, net.cell_types))
                for trace in self.run_spec.traces}

    # -- state --------------------------------------------------------------------------
    @property
    def is_root(self) -> bool:
        return not self.rank

    def log(self, message: str) -> None:
        if self.is_root and self._echo is not None:
            self._echo(f"neuroloom: {message}")

    @contextmanager
    def _progress(self, label):
        """A callback taking the fraction done of a step, shown on rank 0 (the launcher's
        rank 0 before NEURON numbers the ranks), or None when progress is off."""
        with fraction_progress(label, self.reports_progress(), self.log) as progress:
            yield progress

    def reports_progress(self) -> bool:
        root = self.rank == 0 if self.rank is not None else launched_rank() == 0
        return bool(self.run_spec is None or self.run_spec.progress) and root \
            and self._echo is not None

    def _need_neuron(self) -> None:
        if not self.in_neuron:
            raise RuntimeError("simConfig.createNEURONObj is False: the network was built "
                               "without NEURON objects, so there is nothing to simulate "
                               "(save it, then load and run it with createNEURONObj True)")

    def _need(self, attribute, step):
        if getattr(self, attribute) is None:
            raise RuntimeError(f"call {step} first")

    @contextmanager
    def _timed(self, key):
        start = time.perf_counter()
        yield
        if self.output is None or self.output.timing:
            self.timing[key] = self.timing.get(key, 0.0) + time.perf_counter() - start

    def clear(self) -> None:
        """Release the NEURON objects so another model can be built in this process."""
        if self.model is not None:
            self.model.clear()
        self.model = None
        # the views hold NetCons and NetStims of the model: NEURON objects that outlived
        # their model would initialise with the next one, and be freed in the middle of
        # its run (the cell views refer back to this session: only a GC cycle frees them)
        self.conn_index = self.cell_views = None


def _parts(include) -> tuple:
    """The parts ``sim.saveData(include=...)`` names, checked."""
    check = Checker()
    parts = data_parts(list(include) if isinstance(include, (list, tuple)) else include,
                       check, "saveData(include)")
    if check.problems:
        raise SpecError(check.problems)
    return parts

