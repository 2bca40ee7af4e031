"""Firing rates (numpy only)."""
from __future__ import annotations

import numpy as np


def pop_rates(spike_t, spike_gid, pops, time_range) -> dict[str, float]:
    """Mean rate (Hz) of each population over ``time_range`` (ms): spikes per cell per s."""
    start, stop = time_range
    seconds = (stop - start) / 1000.0
    in_window = (spike_t >= start) & (spike_t <= stop)
    gids = spike_gid[in_window]
    rates = {}
    for pop in pops:
        count = np.count_nonzero((gids >= pop.gid_start) & (gids < pop.gid_start + pop.size))
        rates[pop.label] = count / pop.size / seconds if pop.size and seconds > 0 else 0.0
    return rates
