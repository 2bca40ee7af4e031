"""NeuronModel: a Network instantiated in NEURON, ready to run."""
from __future__ import annotations

import os
import traceback
from contextlib import contextmanager

import numpy as np

from ..errors import MechanismError, Problem, SpecError
from . import modfiles, mpi
from .balance import owned_gids
from .bmtk_cells import connect_as_bmtk
from .cell_templates import with_sections
from .cells import ArtificialInstance, CellInstance
from .ecp import EcpRecorder, merge as merge_ecp
from .lfp import LFPRecorder, merge as merge_lfp
from .mechanisms import check_mechanisms, used_mechanisms
from .neuron_env import neuron_h, parallel_context
from .plasticity import PlasticityWiring
from .pointers import PointerWiring
from .recording import Recorder
from .reports import ReportProbes
from .replay import Replay, replayed_cell_gids, train_spikes
from .rxd import RxDModel, merge_snapshots
from .synapses import Targets
from .wiring import Stimuli, connect

_NOT_RUN = object()
_CORENEURON_LIBRARY = _NOT_RUN  # the library CoreNEURON's first run here loaded (None: none)
MAX_STEP = 10.0  # ms, upper bound of the spike-exchange interval (pc.set_maxstep)
PROGRESS_STEPS = 100  # pieces of a run when its progress is reported


class NeuronModel:
    """Builds the cells, synapses, connections, stimuli and recordings of the gids this
    rank owns. Only one NeuronModel may be live per process: ``clear()`` the old one first.
    """

    def __init__(self, network, run, rank: int | None = None, nhost: int | None = None):
        """Check the network against NEURON's mechanisms; the steps below build it.
        ``network.cell_types`` made by a template get their sections here (``self.network``
        is the network with them)."""
        self.h = h = neuron_h()
        self.pc = pc = parallel_context()
        self.rank = int(pc.id()) if rank is None else rank
        self.nhost = int(pc.nhost()) if nhost is None else nhost
        mpi.collective_steps(True)  # the other ranks now build and run with this one
        if any(True for _ in h.allsec()):
            raise RuntimeError("NEURON already holds sections of another model; clear() it "
                               "before instantiating a new one")
        # NEURON 9 keeps its sparse solver after the sections that needed it (an ecp run's
        # extracellular mechanism) are gone: a model without sections then crashes in it
        h.cvode.use_mxb(0)
        for folder in (*network.mod_folders, *run.mod_folders):
            modfiles.load(folder)
        # cell types made by a program (SONATA biophysical cells) get their sections now
        network = with_sections(network)
        self.network, self.run_spec = network, run
        modfiles.load_package_mechanisms(used_mechanisms(network))
        check_mechanisms(network)
        self._check_globals()
        self.gids = owned_gids(network, self.rank, self.nhost, run.load_balance)
        if network.rxd is not None and run.coreneuron:
            raise SpecError([Problem("coreneuron", "CoreNEURON does not run NEURON's rxd "
                                                   "(rxdParams)")])
        if any(p is not None for p in network.conn_plasticity) and run.coreneuron:
            # a POINTER into a NetCon's weight does not carry over to CoreNEURON
            raise SpecError([Problem("coreneuron", "CoreNEURON does not run connection "
                                                   "plasticity (connParams' 'plast')")])
        self.rxd = None  # reaction-diffusion, made by add_rxd()
        self.cells, self._detectors = {}, []
        self.targets = self.netcons = self.pointers = self.stimuli = self.plasticity = None
        self.recorder = self._reports = self._vinit = self.replay = self.lfp = None
        self.ecp = None  # SONATA extracellular reports (engine/ecp.py)

    def create_cells(self, progress=None):
        """``progress(fraction)`` as this rank's cells are made."""
        run = self.run_spec
        with self._step():
            self.cells, self._detectors = self._create_cells(self.network, run.seed("stim"),
                                                             progress)
            self.targets = Targets(self.h, self.cells, self.network, run.linear_syn_mechs,
                                   run.one_syn_per_netcon)
            self._vinit = self.h.FInitializeHandler(0, self._initial_voltages)

    def use(self, network) -> None:
        """Follow a modified network (same cells and rows, new values or variants): steps
        still to come build from it."""
        self.network = network
        if self.targets is not None:
            self.targets.use(network)

    def connect_cells(self, progress=None):
        """``progress(fraction)`` as this rank's connections are made."""
        with self._step():
            self.netcons, self.netcon_rows, self.netcon_weight_index = connect(
                self.h, self.pc, self.targets, self.network, self.gids, progress)
            self.pointers = PointerWiring(self.h, self.pc, self.cells, self.network, self.gids)
            self.plasticity = PlasticityWiring(self.h, self.pc, self.network, self.netcons,
                                               self.netcon_rows, self.netcon_weight_index,
                                               self.network.conn_plasticity)
            trains = self.network.spike_trains
            index, times = trains.spikes()
            self.replay = Replay(self.h)
            self.replay.add(trains.gids[index], times)

    def add_stims(self):
        with self._step():
            self.stimuli = Stimuli(self.h, self.pc, self.cells, self.targets, self.network,
                                   self.gids, self.run_spec.seed("stim"), self.replay)

    def add_rxd(self):
        """Reaction-diffusion in the sections of this rank's cells (engine/rxd.py)."""
        if self.network.rxd is None or self.rxd is not None:
            return
        with self._step():
            self.rxd = RxDModel(self.h, self.pc, self.cells, self.network, self.nhost)

    def setup_recording(self, trace_gids: dict, reports=(), report_gids=None,
                        ecp_reports=()):
        """Spikes of every cell; each trace from its cells (trace label -> gids); each
        SONATA report from its cells every time step; the membrane currents of this rank's
        cells for the LFP and current dipole (engine/lfp.py) when asked for, and for the
        SONATA extracellular reports ``ecp_reports`` (engine/ecp.py EcpRecorder)."""
        with self._step():
            run = self.run_spec
            stride = None
            # sampling every recordStep by events misses t = duration; every step does not
            if run.coreneuron or run.record_final:
                stride = int(round(run.record_step / run.dt))
                if stride < 1 or abs(stride * run.dt - run.record_step) > 1e-9:
                    why = "with CoreNEURON" if run.coreneuron else "with recordFinalSample"
                    raise SpecError([Problem("recordStep", f"{why} it must be a multiple "
                                                           f"of dt ({run.dt} ms)")])
            for old in (self.lfp, self.ecp):  # set up again: no second set of vectors
                if old is not None:
                    old.release()
            # first: it turns on i_membrane_, which traces may then record too
            self.lfp = None if run.lfp is None else LFPRecorder(
                self.h, self.cells, self.network, run.lfp, run.record_step, stride=stride)
            self.ecp = None
            if ecp_reports:
                if run.coreneuron:
                    raise SpecError([Problem("coreneuron", "SONATA extracellular (ecp) "
                                                           "reports run on NEURON only")])
                self.ecp = EcpRecorder(self.h, self.cells, self.network, ecp_reports)
            self.recorder = Recorder(self.h, self.pc, self.cells, run.traces, trace_gids,
                                     run.record_step, network=self.network,
                                     targets=self.targets, stimuli=self.stimuli,
                                     stride=stride, rxd=self.rxd,
                                     record_stims=run.record_stim)
            self._reports = ReportProbes(self.h, self.cells, reports, report_gids or {},
                                         run.dt, every_step=run.coreneuron,
                                         wiring=(self.network, self.netcons, self.netcon_rows,
                                                 self.stimuli))

    @contextmanager
    def _step(self):
        try:
            yield
        except BaseException as err:
            # leave NEURON empty, so the next model can be built: drop this model's objects
            # and those the failed step still holds in the traceback's frames
            self.clear()
            traceback.clear_frames(err.__traceback__)
            raise

    # -- building -----------------------------------------------------------------------
    def _create_cells(self, network, seed, progress=None):
        cells, detectors = {}, []
        c = network.cells
        replayed = replayed_cell_gids(network)
        made = np.setdiff1d(self.gids, replayed).tolist()
        every = max(1, len(made) // 100)
        for count, gid in enumerate(made, 1):
            if progress is not None and (count % every == 0 or count == len(made)):
                progress(count / len(made))
            cell_type = network.cell_type_of(gid)
            if cell_type.is_artificial:
                model = cell_type.artificial
                pop = network.pop_of(gid)
                cell = ArtificialInstance(self.h, gid, cell_type, pop.label,
                                          seed if model.seed is None else model.seed,
                                          self.run_spec.duration
                                          if pop.cell_model == "VecStim" else None)
            else:
                cell = CellInstance(self.h, gid, cell_type, (c.x[gid], c.y[gid], c.z[gid]))
                connect_as_bmtk(self.h, cell)  # BMTK's cells: its node order, its last bits
            self.pc.set_gid2node(gid, self.rank)
            detector = cell.spike_detector(self.h)
            self.pc.cell(gid, detector)
            cells[gid] = cell
            detectors.append(detector)
        return cells, detectors

    def _initial_voltages(self):
        """Sections with their own vinit start there (called by finitialize, before the
        mechanisms' INITIAL blocks, so their states start from that voltage)."""
        for cell in self.cells.values():
            for sec, vinit in cell.initial_voltages():
                sec.v = vinit

    # -- running ------------------------------------------------------------------------
    def _globals(self):
        """NEURON globals to set before a run: the cell types' globals, then hParams
        (which win, as in NetPyNE)."""
        values = {}
        for cell_type in self.network.cell_types:
            values.update(cell_type.globals)
        values.update(self.run_spec.hparams)
        return values

    def _check_globals(self):
        problems = [Problem(f"hParams.{name}", f"'{name}' is not a NEURON global variable")
                    for name in self._globals() if not hasattr(self.h, name)]
        if problems:
            raise SpecError(problems)

    def run(self, progress=None) -> dict:
        """Simulate from t=0 and return this rank's recordings; ``progress(t)`` is called
        as the simulated time advances (on every rank: the run goes in the same steps)."""
        run = self.run_spec
        self.start()
        try:
            self._advance(run, progress)
        finally:
            if run.coreneuron:
                self._coreneuron(False)
        return self.collect()

    def start(self) -> None:
        """Set the globals and initialise the model at t=0 (``advance_to`` goes on)."""
        h, run = self.h, self.run_spec
        mpi.collective_steps(True)  # a run (again): the ranks exchange spikes
        for name, value in self._globals().items():
            setattr(h, name, value)
        h.dt = run.dt
        h.tstop = run.duration
        self._check_delays(run)
        # a dt of MAX_STEP or more (LEMS_NML2_Ex9_FN: 10 ms) needs a longer exchange interval
        self.pc.set_maxstep(max(MAX_STEP, 2.0 * run.dt))
        if run.coreneuron:
            self._coreneuron(True)
        try:
            h.finitialize(h.v_init)
        except BaseException:
            if run.coreneuron:
                self._coreneuron(False)
            raise

    def advance_to(self, stop: float) -> float:
        """Simulate on to ``stop`` ms (never past the run's duration); the time reached."""
        stop = min(float(stop), self.run_spec.duration)
        if stop > self.h.t:
            if self._shortest_delay() <= 0:  # NEURON's own event queue (see _advance)
                self.h.load_file("stdrun.hoc")
                self.h.continuerun(stop)
            else:
                self.pc.psolve(stop)
        return float(self.h.t)

    def finish(self) -> dict:
        """After ``start`` and ``advance_to``: leave CoreNEURON, return the recordings."""
        if self.run_spec.coreneuron:
            self._coreneuron(False)
        return self.collect()

    @property
    def time(self) -> float:
        """The simulated time reached (ms)."""
        return float(self.h.t)

    def collect(self, final: bool = True) -> dict:
        """This rank's recordings so far; ``final`` adds the reports and the rxd snapshot
        (of the whole run)."""
        local = self.recorder.collect()
        local["lfp"] = None if self.lfp is None else self.lfp.collect(len(local["t"]))
        local["reports"] = self._reports.collect() if final else {}
        local["ecp"] = self.ecp.collect() if final and self.ecp is not None else None
        # the final concentrations; an extracellular grid once (every rank holds it whole)
        local["rxd"] = {} if self.rxd is None or not final else self.rxd.snapshot(
            self.rank == 0)
        if self.rank == 0:  # the replayed cells' spikes, once
            times, gids = train_spikes(self.network, min(self.run_spec.duration, self.time))
            local["spike_t"] = np.concatenate([local["spike_t"], times])
            local["spike_gid"] = np.concatenate([local["spike_gid"], gids])
        return local

    def _check_delays(self, run) -> None:
        """Before NEURON initialises (where it would stop every rank with 'mindelay is 0
        (or less than dt)'): every rank sees the whole network, so all raise alike."""
        shortest = self._shortest_delay()
        several = self.nhost > 1 or run.coreneuron
        if shortest <= 0 and several:
            # NeuroML's default connection delay; on one rank NEURON's own event queue
            # delivers such events (continuerun)
            raise SpecError([Problem(self._rule_with_delay(shortest),
                                     "a connection delay of 0 ms is possible only on one "
                                     "rank, without CoreNEURON")])
        if self.nhost > 1 and shortest <= run.dt:
            raise SpecError([Problem(self._rule_with_delay(shortest),
                                     f"a connection delay of {shortest:g} ms is not longer "
                                     f"than dt ({run.dt:g} ms): on several MPI ranks NEURON "
                                     "needs every delay > dt (it runs on one rank)")])

    def _advance(self, run, progress=None) -> None:
        """To the end of the run, in PROGRESS_STEPS pieces when progress is reported
        (NEURON continues exactly where a piece stopped: the same spikes, tested).
        CoreNEURON runs in one piece: each call would copy the model to it and back."""
        zero_delay = self._shortest_delay() <= 0
        if zero_delay:
            self.h.load_file("stdrun.hoc")
        advance = self.h.continuerun if zero_delay else self.pc.psolve
        if progress is None or run.coreneuron:
            advance(run.duration)
        else:
            steps = max(1, round(run.duration / run.dt))
            pieces = min(PROGRESS_STEPS, steps)
            for piece in range(1, pieces + 1):
                stop = steps * piece // pieces * run.dt  # on the dt grid, never 0
                advance(stop)
                progress(stop)
        # psolve counts the steps left from its start: t resumed at 693.0000000094 (dt
        # 0.0025 ms, 100 pieces) stops one step short of 700 ms, where one call from 0 does
        # not; every run ends at the step a single call ends at
        while not run.coreneuron and self.h.t < run.duration - run.dt / 2:
            advance(self.h.t + 1.5 * run.dt)  # one step (psolve and continuerun alike)

    def _coreneuron(self, on: bool) -> None:
        """Run on CoreNEURON (in memory, spikes and traces come back) or back on NEURON."""
        from neuron import coreneuron  # NEURON is imported by the engine only when used

        if on:
            folders = [*self.network.mod_folders, *self.run_spec.mod_folders]
            folders += modfiles.package_folders_used(used_mechanisms(self.network),
                                                     coreneuron=True)
            library = modfiles.coreneuron_library(folders)
            global _CORENEURON_LIBRARY
            if _CORENEURON_LIBRARY is not _NOT_RUN and _CORENEURON_LIBRARY != library:
                # CoreNEURON keeps the mechanisms of its first run for the whole process
                # (another library crashes it)
                raise MechanismError(
                    "CoreNEURON already ran in this process with "
                    f"{_CORENEURON_LIBRARY or 'built-in mechanisms only'}; a model that "
                    f"needs {library or 'built-in mechanisms only'} must run in a new process")
            _CORENEURON_LIBRARY = library
            if library is not None:  # CoreNEURON loads it itself, from this variable
                os.environ["CORENEURONLIB"] = str(library)
            self.h.cvode.cache_efficient(1)
        coreneuron.enable, coreneuron.verbose = on, 0

    def _shortest_delay(self) -> float:
        """Of the connections that carry spikes (gap junctions have no delay)."""
        net = self.network
        spiking = np.array([m.pointer is None for m in net.syn_mechs] + [True], dtype=bool)
        delays = [net.conns.delay[spiking[net.conns.syn_mech]],
                  net.stims.delay[net.stims.syn_mech >= 0]]
        values = np.concatenate(delays)
        return float(values.min()) if len(values) else np.inf

    def _rule_with_delay(self, delay: float) -> str:
        """The spec path of a rule that makes a connection (or stimulus) with ``delay``."""
        net = self.network
        for table, rules, kind in ((net.conns, net.conn_rules, "connParams"),
                                   (net.stims, net.stim_rules, "stimTargetParams")):
            hits = np.flatnonzero(table.delay == delay)
            if len(hits) and 0 <= table.rule[hits[0]] < len(rules):
                return f"{kind}[{rules[table.rule[hits[0]]]!r}].delay"
        return "connParams"

    def gather_timing(self, timing: dict) -> list | None:
        """Each rank's cells, cost share and seconds (build steps, run, and the part of the
        run spent waiting for other ranks), on rank 0; None on one rank."""
        if self.nhost == 1:
            return None
        mine = {"rank": self.rank, "cells": len(self.gids),
                "waitTime": float(self.pc.wait_time()),
                **{k: v for k, v in timing.items() if isinstance(v, float)}}
        return self.pc.py_gather(mine, 0)

    def gather(self, local: dict, everywhere: bool = True) -> dict | None:
        """All ranks' recordings merged: on every rank (as a script that post-processes
        sim.allSimData on each rank needs), or with ``everywhere=False`` on rank 0 only
        (None on the others)."""
        if self.nhost == 1:
            return {**local, "lfp": merge_lfp([local.get("lfp")]),
                    "ecp": merge_ecp([local.get("ecp")])}
        parts = self.pc.py_gather(local, 0)
        merged = None
        if self.rank == 0:
            merged = {"spike_t": np.concatenate([p["spike_t"] for p in parts]),
                      "spike_gid": np.concatenate([p["spike_gid"] for p in parts]),
                      "t": parts[0]["t"],
                      "stims": None if local.get("stims") is None else
                      {g: v for p in parts for g, v in p["stims"].items()}}
            for kind in ("traces", "reports"):
                merged[kind] = {label: {g: v for p in parts for g, v in p[kind][label].items()}
                                for label in local[kind]}
            merged["rxd"] = merge_snapshots([p.get("rxd") for p in parts])
            merged["lfp"] = merge_lfp([p.get("lfp") for p in parts])
            merged["ecp"] = merge_ecp([p.get("ecp") for p in parts])
        if everywhere:  # sim.gatherData: the run's last collective step
            merged = self.pc.py_broadcast(merged, 0)
            mpi.collective_steps(False)
        return merged

    def connection_weights(self) -> np.ndarray | None:
        """Every connection's weight as NEURON holds it now (a plastic synapse changes
        it), by ConnTable row, on rank 0 (None on the others). Rows without a NetCon (gap
        junctions, graded synapses) have the table's weight."""
        index = self.netcon_weight_index.tolist()
        local = (self.netcon_rows,
                 np.array([nc.weight[i] for nc, i in zip(self.netcons, index)], dtype=float))
        parts = self.gather_objects(local)
        if parts is None:
            return None
        weights = np.array(self.network.conns.weight, dtype=float)
        for rows, values in parts:
            weights[rows] = values
        return weights

    def gather_objects(self, local) -> list | None:
        """Every rank's ``local`` (picklable), in rank order, on rank 0 (None on the
        others); every rank must call it."""
        return [local] if self.nhost == 1 else self.pc.py_gather(local, 0)

    def clear(self):
        """Release every NEURON object of this model; NEURON is left with no sections."""
        self.pc.gid_clear()
        if self.rxd is not None:  # before the sections it lives in
            self.rxd.release()
            self.rxd = None
        for recorder in (self.lfp, self.ecp):
            if recorder is not None:
                recorder.release()
        for name in ("recorder", "_reports", "_vinit", "replay", "plasticity", "netcons",
                     "pointers", "stimuli", "targets", "_detectors", "lfp", "ecp"):
            setattr(self, name, None)
        self.cells = {}
