"""Connections and stimuli in NEURON, from the network's tables.

Connections are made by a small hoc procedure, fed one chunk of rows at a time through
Vectors: it creates each NetCon, sets weight and delay, and keeps it in a hoc List. No
Python object is made per connection, which is about 3x faster and a third smaller than
holding Python NetCon references (measured: 1.0 us and 237 bytes a connection).
"""
from __future__ import annotations

import numpy as np

from .. import rng
from ..model.stim_types import stim_type_of
from .replay import first_stim_gid

CHUNK = 200_000

_CONNECT_PROC = """
proc neuroloom_connect() { local i  localobj nc
    // $o1 ParallelContext, $o2 pre gids, $o3 target indices into the List $o6,
    // $o4 weights, $o5 delays, $o8 weight indices; the NetCons are appended to the List $o7
    for i = 0, $o2.size() - 1 {
        nc = $o1.gid_connect($o2.x[i], $o6.o($o3.x[i]))
        nc.weight[$o8.x[i]] = $o4.x[i]
        nc.delay = $o5.x[i]
        $o7.append(nc)
    }
}
"""


def _chunks(rows: np.ndarray):
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def connect(h, pc, targets, network, owned_gids, progress=None):
    """A NetCon per ConnTable row whose post cell this rank owns (not the rows of gap
    junctions and graded synapses: see pointers.py). Returns the hoc List that holds
    them (NEURON deletes a NetCon when nothing refers to it any more), the table row of
    each and the weight index each row's value went to. ``progress(fraction)`` after
    each chunk."""
    if not hasattr(h, "neuroloom_connect"):
        h(_CONNECT_PROC)
    netcons, weight_indices = h.List(), []
    conns = network.conns
    spiking = np.asarray([m.pointer is None for m in network.syn_mechs] + [True])
    rows = np.flatnonzero(np.isin(conns.post_gid, owned_gids) & spiking[conns.syn_mech])
    for chunk in _chunks(rows):
        index, weight_index = targets.rows(conns.post_gid[chunk], conns.sec[chunk],
                                           conns.loc[chunk], conns.syn_mech[chunk])
        weight_indices.append(weight_index)
        h.neuroloom_connect(pc, h.Vector(conns.pre_gid[chunk].astype(np.float64)),
                            h.Vector(index.astype(np.float64)), h.Vector(conns.weight[chunk]),
                            h.Vector(conns.delay[chunk]), targets.hoc_list, netcons,
                            h.Vector(weight_index.astype(np.float64)))
        if progress is not None:
            progress(len(netcons) / len(rows))
    return netcons, rows, np.concatenate(weight_indices or [np.empty(0, np.int64)])


class Stimuli:
    """The NEURON objects of this rank's stimuli, one source per StimTable row (which
    objects: model/stim_types.py): for spike sources a NetStim and a NetCon per synapse,
    as NetPyNE makes them. The NetStims of one (rule, target) draw their noise from the
    same stream, so they fire the same train, as NetPyNE's do (its NetStims of a cell share
    a Random123 stream: measured with NetPyNE 1.1.1). Replayed trains (VecStim) have no
    source object: the NetCons listen to a pseudo gid whose train is replayed (see
    replay.py)."""

    def __init__(self, h, pc, cells, targets, network, owned_gids, seed, replay):
        self.sources, self.netcons = [], []
        self.by_row = {}  # StimTable row -> (source object or None, NetCon or None)
        stims = network.stims
        rows = np.flatnonzero(np.isin(stims.gid, owned_gids))
        replayed = set()  # indices of this rank's VecStim trains
        stream = [rng.stream_id32("stim", label) for label in network.stim_rules]
        for row in rows.tolist():
            gid, rule = int(stims.gid[row]), int(stims.rule[row])
            source = network.stim_sources[stims.source[row]]
            kind = stim_type_of(source.type)
            params = _params(source, kind, stims, row)
            if not kind.spike_source:  # a point process on the target itself
                sec = network.section_names[stims.sec[row]]
                obj = getattr(h, kind.neuron_class)(cells[gid].segment(sec, stims.loc[row]))
                set_params(obj, params)
                self.sources.append(obj)
                self.sources.extend(play_schedules(h, obj, params))
                self.by_row[row] = (obj, None)
                continue
            target = targets.get(gid, int(stims.sec[row]), float(stims.loc[row]),
                                 int(stims.syn_mech[row]))
            if kind.replayed:
                train = int(stims.extra["train"][row])
                obj, nc = None, pc.gid_connect(first_stim_gid(network) + train, target)
                replayed.add(train)
            else:
                obj = self._net_stim(h, source.neuron_class or kind.neuron_class, params, gid,
                                     stream[rule], seed)
                nc = h.NetCon(obj, target)
            nc.weight[0] = float(stims.weight[row])
            nc.delay = float(stims.delay[row])
            self.netcons.append(nc)
            self.by_row[row] = (obj, nc)
        train, times = network.stim_trains.spikes(sorted(replayed))
        replay.add(first_stim_gid(network) + train, times)  # the model's one PatternStim

    def _net_stim(self, h, neuron_class, params, gid, stream, seed):
        obj = getattr(h, neuron_class)()
        set_params(obj, params)
        # noise keyed by (gid, rule, seed): the same spikes in any creation order, hence on
        # any number of ranks; the synapses of a (rule, target) share it, as in NetPyNE
        if hasattr(obj, "noiseFromRandom123"):
            obj.noiseFromRandom123(gid, stream, seed)
        elif params.get("noise", 0.0) > 0:  # an NSLOC draws from a hoc Random on the stream
            # (not when it has no noise: the old mod files that define NSLOC keep the
            # Random in a POINTER, which NEURON 9 may move as it reorganises its data)
            draws = h.Random()
            draws.Random123(gid, stream, seed)
            draws.negexp(1)
            obj.noiseFromRandom(draws)
            self.sources.append(draws)
        self.sources.append(obj)
        return obj


def _params(source, kind, stims, row) -> dict:
    """The source's parameters, with the values drawn for this target where it has them."""
    params = {k: v for k, v in source.params if k not in kind.train_params}
    for name, column in stims.extra.items():
        if name != "train" and not np.isnan(column[row]):
            params[name] = float(column[row])
    return params


def set_params(obj, params: dict) -> None:
    for name, value in params.items():
        if _is_schedule(value):
            continue  # played during the run: play_schedules
        if isinstance(value, tuple):  # VClamp's dur and amp are arrays of three
            for i, v in enumerate(value):
                getattr(obj, name)[i] = v
        else:
            setattr(obj, name, value)


def _is_schedule(value) -> bool:
    """A parameter given as ((time, value), ...): the value from each time on (the pairs
    are lists after a saved network is read back)."""
    return isinstance(value, tuple) and bool(value) and isinstance(value[0], (tuple, list))


def play_schedules(h, obj, params: dict) -> list:
    """Play each scheduled parameter into ``obj`` (Vector.play without interpolation: the
    value changes at each time, as an event delivered at the start of the step holding
    it); returns the Vectors, which must live as long as the run."""
    vectors = []
    for name, value in params.items():
        if not _is_schedule(value):
            continue
        times, values = h.Vector([t for t, _ in value]), h.Vector([v for _, v in value])
        setattr(obj, name, value[0][1])
        values.play(getattr(obj, f"_ref_{name}"), times)
        vectors += [times, values]
    return vectors
