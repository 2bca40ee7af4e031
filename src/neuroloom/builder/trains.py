"""Spike trains of VecStim populations: given times, and pulses of (noisy) firing."""
from __future__ import annotations

import numpy as np

from .. import rng
from ..model.tables import SpikeTrains
from .connectors import RuleError


def spike_trains(pop_specs, pops, seed: int) -> SpikeTrains:
    gids, trains = [], []
    for spec, pop in zip(pop_specs, pops):
        if spec.artificial is None or spec.artificial.mod != "VecStim":
            continue
        per_cell = bool(spec.spike_times) and isinstance(spec.spike_times[0], tuple)
        if per_cell and len(spec.spike_times) != pop.size:
            raise RuleError(f"popParams['{pop.label}'].spkTimes has {len(spec.spike_times)} "
                            f"lists for {pop.size} cells")
        key = rng.stream_key(seed, "pulses", pop.label)
        for i, gid in enumerate(pop.gids):
            own = spec.spike_times[i] if per_cell else spec.spike_times
            pulses = [pulse_times(rng.generator(key, gid, k), *p)
                      for k, p in enumerate(spec.pulses)]
            gids.append(gid)
            trains.append(np.sort(np.concatenate([np.asarray(own, float), *pulses])))
    return SpikeTrains.from_lists(gids, trains) if gids else SpikeTrains.empty()


def pulse_times(gen, start, end, interval, noise) -> np.ndarray:
    """Spikes from ``start`` to ``end`` at intervals (1 - noise) * interval plus an
    exponential jitter of mean noise * interval (NEURON's NetStim rule)."""
    expected = int((end - start) / ((1 - noise) * interval + noise * interval)) + 1
    size = expected + int(6 * np.sqrt(expected)) + 10
    while True:
        gaps = np.full(size, (1 - noise) * interval)
        if noise:
            gaps += gen.exponential(noise * interval, size)
        times = start + np.concatenate([[0.0], np.cumsum(gaps)])
        if times[-1] > end:
            return times[times <= end]
        size *= 2
