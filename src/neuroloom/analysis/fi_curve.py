"""The f-I curve of a run, as NetPyNE's calculatefI measures it (numpy only): the firing
rate in each window of current injection, and features of the first spikes of a voltage
trace in each window."""
from __future__ import annotations

import numpy as np

#: the spike features of calculateFeatures -> their unit
FEATURES = {"latencyPeak1": "ms", "ISIPeak1": "ms", "ampSpike1": "mV", "ampSpike2": "mV"}
#: the samples between two spike peaks, at least (NetPyNE's minDistance)
PEAK_DISTANCE = 10


def fi_rates(spike_t, times, dur, onset=False, dur_steady=None) -> dict:
    """The rates (Hz) of all the spikes in the windows ``[t, t + dur)`` for t in ``times``.

    Parameters
    ----------
    spike_t : array_like
        Every spike time of the run (ms), of any cells.
    times : sequence of float
        The windows' starts (ms): when each current step begins.
    dur : float
        The windows' length (ms).
    onset : bool
        Also 'fI_onset': 1000 / the interval between the first two spikes of each window
        (0 with fewer than two).
    dur_steady : float or None
        Also 'fI_steady': the rate over the last ``dur_steady`` ms of each window.

    Returns
    -------
    dict
        'fI' (and 'fI_onset', 'fI_steady'): a list of rates, one per window.
    """
    spikes = np.sort(np.asarray(spike_t, dtype=float))
    windows = [(float(t), float(t) + float(dur)) for t in times]
    out = {"fI": [_count(spikes, a, b) / (float(dur) / 1000.0) for a, b in windows]}
    if onset:
        out["fI_onset"] = []
        for a, b in windows:
            inside = spikes[(spikes >= a) & (spikes < b)]
            out["fI_onset"].append(1000.0 / (inside[1] - inside[0]) if len(inside) >= 2
                                   else 0.0)
    if dur_steady:
        out["fI_steady"] = [_count(spikes, b - float(dur_steady), b) / (float(dur_steady)
                                                                         / 1000.0)
                            for _, b in windows]
    return out


def _count(spikes, start, stop) -> int:
    return int(np.count_nonzero((spikes >= start) & (spikes < stop)))


def fi_features(v, dt, times, dur, threshold, features) -> dict:
    """Features of the spike peaks of a voltage trace in each window ``[t, t + dur)``.

    A peak is a local maximum at or above ``threshold``, at least PEAK_DISTANCE samples
    from a higher one (NetPyNE's find_peaks). The resting potential is the sample just
    before the first window (NetPyNE reads ``v[int(times[0] - 1 / dt)]``, an index it
    takes for a time; neuroloom reads what its comment says: right before the first
    current injection).

    Parameters
    ----------
    v : array_like
        The trace (mV), sampled every ``dt`` ms from 0.
    dt : float
        Its sampling step (ms: simConfig.recordStep).
    times, dur : sequence of float, float
        The windows, as fi_rates.
    threshold : float
        The least height of a peak (mV: netParams.defaultThreshold).
    features : sequence of str
        Some of FEATURES: 'latencyPeak1' (ms from the window's start to the first peak,
        -1 without), 'ISIPeak1' (ms between the first two peaks, -1 without),
        'ampSpike1'/'ampSpike2' (mV of the first/second peak above rest, threshold - 1
        without).

    Returns
    -------
    dict
        'fI_<feature>': a list of values, one per window, for each feature asked for.
    """
    v = np.asarray(v, dtype=float)
    rest = v[max(0, int(round(float(times[0]) / dt)) - 1)]
    found = []
    for t in times:
        start = int(float(t) / dt)
        peaks, heights = find_peaks(v[start:int((float(t) + float(dur)) / dt)], threshold,
                                    PEAK_DISTANCE)
        found.append((peaks * dt, heights))
    measures = {
        "latencyPeak1": lambda at, h: at[0] if len(at) > 0 else -1,
        "ISIPeak1": lambda at, h: at[1] - at[0] if len(at) > 1 else -1,
        "ampSpike1": lambda at, h: h[0] - rest if len(h) > 0 else threshold - 1,
        "ampSpike2": lambda at, h: h[1] - rest if len(h) > 1 else threshold - 1,
    }
    return {f"fI_{name}": [float(measures[name](at, h)) for at, h in found]
            for name in features}


def find_peaks(x, height, distance) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the local maxima of ``x`` at or above ``height``, none within
    ``distance`` samples of a higher one (a flat top counts once, at its middle), in
    order of index."""
    x = np.asarray(x, dtype=float)
    peaks = []
    i, last = 1, len(x) - 1
    while i < last:
        if x[i - 1] < x[i]:
            ahead = i + 1
            while ahead < last and x[ahead] == x[i]:
                ahead += 1
            if x[ahead] < x[i]:
                peaks.append((i + ahead - 1) // 2)
                i = ahead
        i += 1
    peaks = np.asarray(peaks, dtype=np.int64)
    peaks = peaks[x[peaks] >= height] if len(peaks) else peaks
    keep = np.ones(len(peaks), dtype=bool)
    for j in np.argsort(x[peaks], kind="stable")[::-1]:  # the highest first
        if keep[j]:
            near = np.abs(peaks - peaks[j]) < distance
            near[j] = False
            keep &= ~near
    peaks = peaks[keep]
    return peaks, x[peaks]
