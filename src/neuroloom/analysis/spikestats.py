"""Per-cell spike statistics: rate and the ISI coefficient of variation."""
from __future__ import annotations

import numpy as np


def cell_rates(spike_t, spike_gid, gids, time_range) -> np.ndarray:
    """Rate (Hz) of each of ``gids`` over ``time_range`` (ms)."""
    start, stop = time_range
    keep = (spike_t >= start) & (spike_t <= stop)
    counts = np.array([np.count_nonzero(spike_gid[keep] == g) for g in gids])
    return counts / ((stop - start) / 1000.0)


def isi_cv(spike_t, spike_gid, gids, time_range) -> np.ndarray:
    """Coefficient of variation of each cell's inter-spike intervals (NaN with < 3 spikes)."""
    start, stop = time_range
    out = []
    for g in gids:
        t = np.sort(spike_t[(spike_gid == g) & (spike_t >= start) & (spike_t <= stop)])
        isi = np.diff(t)
        out.append(isi.std() / isi.mean() if len(isi) >= 2 and isi.mean() > 0 else np.nan)
    return np.asarray(out)


def trains(spike_t, spike_gid, gids, time_range) -> list:
    start, stop = time_range
    keep = (spike_t >= start) & (spike_t <= stop)
    return [spike_t[keep & (spike_gid == g)] for g in gids]
