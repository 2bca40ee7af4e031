"""NetStim stimuli as SONATA spike inputs: the trains neuroloom's NetStims fire in a run,
so that any SONATA simulator replays them into the same synapses.

The engine makes one NetStim per stimulus row, and the NetStims of one (rule, target) draw
from one Random123 stream (target gid, stream id of the rule, the run's stim seed) with the
same parameters, so they fire one train (engine/wiring.py). An export therefore has one
virtual node per (rule, target), whose train is computed here (exporters/netstim_trains.py,
exact to the bit against NEURON 9) for the run's duration.
"""
from __future__ import annotations

import numpy as np

from .. import rng
from ..errors import FormatError
from ..model.stim_types import stim_type_of
from .netstim_trains import netstim_train

NETSTIM = "NetStim"


def netstim_input_trains(network, label: str, rows, node_of_row, seed: int,
                         duration: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(times, node ids) of the virtual nodes that stand for the NetStims of a stimulus
    rule; None when its sources are not NEURON's NetStim (an NSLOC, whose interval the
    model's code sets while it runs).

    Parameters
    ----------
    network : model.Network
        The network.
    label : str
        The stimulus rule (its stream id is keyed by it).
    rows : numpy.ndarray
        The StimTable rows of the rule.
    node_of_row : numpy.ndarray
        The virtual node of each row (one per target gid).
    seed : int
        The run's stim seed (simConfig.seeds['stim']).
    duration : float
        The run's duration (ms): the trains are computed up to it.

    Raises
    ------
    FormatError
        Rows of one target with different parameters (they would need two trains).
    """
    s = network.stims
    stream = rng.stream_id32("stim", label)
    params_of = {}
    for row, node in zip(rows.tolist(), np.asarray(node_of_row).tolist()):
        source = network.stim_sources[s.source[row]]
        kind = stim_type_of(source.type)
        if kind.neuron_class != NETSTIM or (source.neuron_class or NETSTIM) != NETSTIM:
            return None
        params = _netstim_params(source, kind, s, row)
        if params_of.setdefault(node, params) != params:
            raise FormatError(f"stimulus '{label}': target gid {int(s.gid[row])} has NetStims "
                              "with different parameters sharing one random stream; SONATA "
                              "cannot say which train each synapse gets")
    times, nodes = [], []
    for node, params in sorted(params_of.items()):
        gid = int(s.gid[rows[np.asarray(node_of_row) == node][0]])
        train = netstim_train(params["interval"], params["number"], params["start"],
                              params["noise"], (gid, stream, int(seed)), float(duration))
        times.append(train)
        nodes.append(np.full(len(train), node, dtype=np.int64))
    if not times:
        return np.empty(0), np.empty(0, np.int64)
    return np.concatenate(times), np.concatenate(nodes)


def _netstim_params(source, kind, stims, row) -> dict:
    """The NetStim's values as NEURON takes them (interval, not rate), with the target's
    own drawn values where it has them."""
    values = dict(kind.defaults)
    values.update({k: v for k, v in source.params if k not in kind.train_params})
    for name, column in stims.extra.items():
        if name != "train" and not np.isnan(column[row]):
            values[name] = float(column[row])
    out = {"number": 1e9, "start": 0.0, "noise": 0.0}
    for name, value in values.items():
        theirs, value = kind.to_neuron(name, value)
        if theirs in ("interval", "number", "start", "noise"):
            out[theirs] = float(value)
    if "interval" not in out:
        out["interval"] = 10.0  # NetStim's own default
    return out
