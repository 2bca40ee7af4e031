"""What is recorded during a run: spikes of every cell, and the requested traces."""
from __future__ import annotations

import numpy as np

from ..errors import MechanismError
from ..model.rxd import TRACE_VAR


class Recorder:
    """``trace_gids``: trace label -> the cells it is recorded from (all ranks' cells;
    each rank records its own). Point-process traces find their object in ``targets``
    (synapses) and ``stimuli``."""

    def __init__(self, h, pc, cells: dict, traces, trace_gids, record_step: float, *,
                 network=None, targets=None, stimuli=None, stride: int | None = None,
                 rxd=None, record_stims: bool = False):
        """``stride``: record every time step and keep every stride-th sample (CoreNEURON
        hands back only vectors recorded every step), instead of sampling every
        record_step. ``rxd``: the RxDModel whose species 'ca[er]'-style traces read.
        ``record_stims``: the times each spike-source stimulus of this rank's cells fires
        (simConfig.recordStim), by cell and stimulus source."""
        self._h = h
        self.spike_t = h.Vector()
        self.spike_gid = h.Vector()
        pc.spike_record(-1, self.spike_t, self.spike_gid)
        self.stride = stride

        def record(vec, ref):
            if stride is None:
                vec.record(ref, record_step)
            else:
                vec.record(ref)

        self.t = h.Vector()
        record(self.t, h._ref_t)
        self.traces = {}  # trace label -> {gid: Vector}
        finder = _PointProcesses(network, targets, stimuli)
        problems = []
        for trace in traces:
            vectors = {}
            for gid in trace_gids[trace.label]:
                cell = cells.get(int(gid))
                if cell is None:
                    continue  # another rank owns it
                ref = _reference(cell, trace, finder, rxd)
                if ref is None:
                    continue  # this cell has no such section or point process
                if isinstance(ref, str):
                    where = "" if trace.stim else \
                        f", section '{trace.sec or cell.cell_type.default_sec}'"
                    problems.append(f"recordTraces['{trace.label}'] in cellType "
                                    f"'{cell.cell_type.user_label}'{where}: {ref}")
                    continue
                vec = h.Vector()
                record(vec, ref)
                vectors[int(gid)] = vec
            self.traces[trace.label] = vectors
        if problems:
            raise MechanismError("\n".join(dict.fromkeys(problems)))
        self.stims = _stim_recordings(h, cells, network, stimuli) if record_stims else None

    def collect(self) -> dict:
        """This rank's recordings as numpy arrays (picklable, for gathering)."""
        every = slice(None, None, self.stride)
        return {
            "spike_t": np.array(self.spike_t),
            "spike_gid": np.array(self.spike_gid).astype(np.int64),
            "t": np.array(self.t)[every],
            "traces": {label: {gid: np.array(v)[every] for gid, v in vecs.items()}
                       for label, vecs in self.traces.items()},
            "stims": None if self.stims is None else {
                gid: {label: _fired(times, float(self._h.t)) for label, times in by_source.items()}
                for gid, by_source in self.stims.items()},
        }


def _stim_recordings(h, cells, network, stimuli) -> dict:
    """gid -> stimulus source label -> a Vector recording when the source fires (a NetStim)
    or its train (a replayed VecStim), for every cell of this rank (as NetPyNE: an empty
    entry for a cell without spike-source stimuli); one per (cell, source) as NetPyNE."""
    out = {int(gid): {} for gid in sorted(cells)}
    if stimuli is None:
        return out
    stims = network.stims
    for row, (source, netcon) in sorted(stimuli.by_row.items()):
        if netcon is None:
            continue  # a current or voltage clamp: no spikes
        gid = int(stims.gid[row])
        label = network.stim_sources[stims.source[row]].label
        if label in out[gid]:
            continue  # another synapse of the same source
        if source is None:  # replayed: its train is known
            out[gid][label] = network.stim_trains.times_of(int(stims.extra["train"][row]))
        else:
            vec = h.Vector()
            netcon.record(vec)
            out[gid][label] = vec
    return out


def _fired(times, now: float) -> np.ndarray:
    """The recorded (or replayed) spike times up to ``now``."""
    times = np.array(times, dtype=np.float64)
    return times[times <= now]


def _reference(cell, trace, finder, rxd=None):
    """A pointer to the traced variable; None when this cell has nothing to record there;
    or a message saying why the variable does not exist."""
    sec = trace.sec or cell.cell_type.default_sec
    species = TRACE_VAR.match(trace.var)  # 'ca[cyt]'
    if species is not None:
        if sec not in cell.secs:
            return None
        if rxd is None:
            return "no reaction-diffusion (rxdParams) to record from"
        return rxd.reference(cell, sec, trace.loc, *species.groups())
    if trace.stim is not None:
        owner = finder.stim(cell.gid, trace.stim)
    elif cell.cell_type.is_artificial and not (trace.sec or trace.mech or trace.syn_mech
                                              or trace.pointp):
        owner = cell.obj  # a point cell's own variable (an IntFire's m), as NetPyNE records it
    elif sec not in cell.secs:
        return None
    elif trace.syn_mech is not None:
        owner = finder.synapse(cell.gid, sec, trace.loc, trace.syn_mech)
    elif trace.pointp is not None:
        owner = cell.pointps.get((sec, trace.pointp))
    else:
        owner = cell.segment(sec, trace.loc)
        if trace.mech:
            try:
                owner = getattr(owner, trace.mech)
            except (AttributeError, NameError):
                return f"mechanism '{trace.mech}' is not inserted there"
    if owner is None:
        return None
    try:
        return getattr(owner, f"_ref_{trace.var}")
    except (AttributeError, NameError):
        what = (f"the point cell's {cell.cell_type.artificial.mod}" if owner is
                getattr(cell, "obj", None) else _what(trace))
        return f"'{trace.var}' is not a variable of {what}"


def _what(trace):
    for key, label in (("mechanism", trace.mech), ("synMech", trace.syn_mech),
                       ("pointp", trace.pointp), ("stim", trace.stim)):
        if label is not None:
            return f"{key} '{label}'"
    return "a section"


class _PointProcesses:
    """The synapses and stimulus objects made for each cell, by their labels."""

    def __init__(self, network, targets, stimuli):
        self._synapses, self._stims = {}, {}
        if targets is not None:
            names, mechs = network.section_names, network.syn_mechs
            for obj, (gid, sec, loc, mech) in zip(targets.instances, targets.places):
                if mech >= 0:  # the first synapse made at each place
                    key = (gid, names[sec], round(loc, 9), mechs[mech].user_label)
                    self._synapses.setdefault(key, obj)
        if stimuli is not None:
            rules, gids = network.stim_rules, network.stims.gid
            for row, (source, _) in sorted(stimuli.by_row.items()):
                key = (int(gids[row]), rules[network.stims.rule[row]])
                self._stims.setdefault(key, source)

    def synapse(self, gid, sec, loc, label):
        return self._synapses.get((gid, sec, round(loc, 9), label))

    def stim(self, gid, label):
        return self._stims.get((gid, label))
