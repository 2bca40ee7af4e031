"""Spike-count histograms and their power spectra (numpy only)."""
from __future__ import annotations

import numpy as np


def spike_histogram(spike_t, time_range, bin_size) -> tuple[np.ndarray, np.ndarray]:
    """(bin starts, spike counts) of the spikes in ``time_range`` (ms)."""
    start, stop = time_range
    edges = np.arange(start, stop + bin_size * 0.5, bin_size)
    counts, edges = np.histogram(spike_t, bins=edges)
    return edges[:-1], counts


def welch_psd(signal, fs, segment=256):
    """(frequencies in Hz, power spectral density) by Welch's method: Hann-windowed
    segments overlapping by half, mean removed, averaged periodograms (one-sided)."""
    x = np.asarray(signal, dtype=float)
    segment = min(segment, len(x))
    if segment < 4:
        raise ValueError("too few samples for a spectrum")
    step = segment // 2
    window = np.hanning(segment)
    scale = fs * np.sum(window ** 2)
    spectra = []
    for start in range(0, len(x) - segment + 1, step):
        piece = x[start:start + segment]
        spectra.append(np.abs(np.fft.rfft((piece - piece.mean()) * window)) ** 2 / scale)
    psd = np.mean(spectra, axis=0)
    psd[1:-1 if segment % 2 == 0 else None] *= 2  # fold the negative frequencies in
    return np.fft.rfftfreq(segment, 1 / fs), psd


def rate_psd(spike_t, n_cells, time_range, bin_size=1.0, segment=256):
    """(frequencies, PSD) of the population rate (Hz per cell) sampled every bin_size ms."""
    _, counts = spike_histogram(spike_t, time_range, bin_size)
    rate = counts / max(n_cells, 1) / (bin_size / 1000.0)
    return welch_psd(rate, 1000.0 / bin_size, segment)
