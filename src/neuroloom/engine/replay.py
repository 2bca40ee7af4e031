"""Fixed spike trains (VecStim populations and stimuli, SONATA virtual nodes) replayed by
NEURON's built-in PatternStim.

A PatternStim plays (time, gid) pairs into the NetCons that ``pc.gid_connect`` made from
those gids on this rank, exactly as if a cell with that gid had fired: the events arrive
at spike time + delay. The replayed gids are not registered as cells, so no compiled
mechanism (VecStim) is needed, and every rank simply replays the trains of all of them:
each delivers only to its own NetCons. Stimulus trains use pseudo gids after the last cell
(``first_stim_gid(network) + train index``).
"""
from __future__ import annotations

import numpy as np


def first_stim_gid(network) -> int:
    """The pseudo gid of stimulus train 0; cells use the gids below it."""
    return network.num_cells


class Replay:
    """The model's one PatternStim (CoreNEURON allows only one), playing every train added
    to it; its Vectors are held here, so they live as long as the model."""

    def __init__(self, h):
        self._h = h
        self._gids, self._times = [], []
        self._pattern = self._t = self._gid = None

    def add(self, spike_gid, spike_t) -> None:
        self._gids.append(np.asarray(spike_gid, dtype=np.int64))
        self._times.append(np.asarray(spike_t, dtype=np.float64))
        gids, times = np.concatenate(self._gids), np.concatenate(self._times)
        if not len(times):
            return
        order = np.lexsort((gids, times))  # in time order
        self._t = self._h.Vector(times[order])
        self._gid = self._h.Vector(gids[order].astype(np.float64))
        if self._pattern is None:
            self._pattern = self._h.PatternStim()
        self._pattern.play(self._t, self._gid)


def replayed_cell_gids(network) -> np.ndarray:
    """Gids of the cells whose spikes are a fixed train (VecStim cells)."""
    codes = [i for i, t in enumerate(network.cell_types)
             if t.is_artificial and t.artificial.mod == "VecStim"]
    return np.flatnonzero(np.isin(network.cells.cell_type, codes))


def train_spikes(network, duration: float) -> tuple[np.ndarray, np.ndarray]:
    """(times, gids) the replayed cells fire within a run of ``duration`` ms: they are
    part of the recorded spikes, as a VecStim cell's would be."""
    trains = network.spike_trains
    index, times = trains.spikes()
    keep = times <= duration
    return times[keep], trains.gids[index[keep]]
