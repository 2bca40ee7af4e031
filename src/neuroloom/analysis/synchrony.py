"""Synchrony measures.

raster_sync: NetPyNE's measure (the one the tutorial quotes): the fraction of a run's
width-ms windows that are not needed to cover its spikes when spikes closer than the width
are grouped, 1 - groups / (duration / width). Spikes falling together in population bursts
need few groups (high); spikes spread over time need many (low). It grows with the number
of spikes, so compare it between runs of similar rates.

spike_sync: SPIKE-synchronization (Kreuz et al. 2015, J Neurophysiol 113:3203): the
fraction of spikes with a coincident spike in each other train, with coincidence windows
that adapt to the local rates; 1 when every spike coincides in every other train.
"""
from __future__ import annotations

import numpy as np


def spike_sync(trains) -> float:
    """Multivariate SPIKE-synchronization of a list of spike-time arrays (NaN when fewer
    than two trains have spikes)."""
    trains = [np.sort(np.asarray(t, dtype=float)) for t in trains]
    if sum(len(t) > 0 for t in trains) < 2:
        return float("nan")
    half_isi = [_half_intervals(t) for t in trains]
    total, count = 0.0, 0
    for n, train in enumerate(trains):
        if not len(train):
            continue
        coincidences = np.zeros(len(train))
        for m, other in enumerate(trains):
            if m == n or not len(other):
                continue
            nearest = _nearest(other, train)
            window = np.minimum(half_isi[n], half_isi[m][nearest])
            coincidences += np.abs(train - other[nearest]) < window
        total += coincidences.sum() / (len(trains) - 1)
        count += len(train)
    return float(total / count)


def _half_intervals(train) -> np.ndarray:
    """Half the shorter of each spike's two inter-spike intervals (inf at the ends)."""
    if not len(train):
        return train
    gaps = np.diff(train)
    before = np.concatenate([[np.inf], gaps])
    after = np.concatenate([gaps, [np.inf]])
    return np.minimum(before, after) / 2


def _nearest(other, times) -> np.ndarray:
    """Index in ``other`` of the spike nearest to each of ``times``."""
    right = np.clip(np.searchsorted(other, times), 0, len(other) - 1)
    left = np.clip(right - 1, 0, len(other) - 1)
    return np.where(np.abs(other[left] - times) <= np.abs(other[right] - times), left, right)


def raster_sync(spike_t, duration, width=1.0) -> float:
    """NetPyNE's synchrony measure of all the spikes of a run (see the module docstring)."""
    groups, start = 0, -np.inf
    for t in np.sort(np.asarray(spike_t, dtype=float)):
        if t >= start + width:
            start, groups = t, groups + 1
    return float(1 - groups / (duration / width))
