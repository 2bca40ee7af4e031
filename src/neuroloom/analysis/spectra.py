"""Spike-count histograms and their power spectra (numpy only)."""
from __future__ import annotations

import numpy as np


def spike_histogram(spike_t, time_range, bin_size) -> tuple[np.ndarray, np.ndarray]:
    """(bin starts, spike counts) of the spikes in ``time_range`` (ms)."""
    start, stop = time_range
    edges = np.arange(start, stop + bin_size * 0.5, bin_size)
    counts, edges = np.histogram(spike_t, bins=edges)
    return edges[:-1], counts


def short_time_psd(signal, fs, segment=256, overlap=None, nfft=None):
    """(frequencies in Hz, segment start indices, one-sided PSD of each segment as a
    segments x frequencies array): Hann-windowed segments of ``segment`` samples sharing
    ``overlap`` samples with the next (half by default), each with its mean removed and
    zero-padded to ``nfft`` samples (``segment`` by default). A signal shorter than
    ``segment`` is one segment of its own length."""
    x = np.asarray(signal, dtype=float)
    if overlap is None:
        overlap = segment - segment // 2
    if segment > len(x):  # one segment: the overlap must shrink with it
        segment = len(x)
        overlap = min(overlap, segment - 1)
    if segment < 4:
        raise ValueError("too few samples for a spectrum")
    if not 0 <= overlap < segment:
        raise ValueError(f"the overlap ({overlap}) must be >= 0 and < the segment "
                         f"({segment} samples)")
    nfft = segment if nfft is None else max(nfft, segment)
    starts = np.arange(0, len(x) - segment + 1, segment - overlap)
    pieces = np.lib.stride_tricks.sliding_window_view(x, segment)[starts]
    window = np.hanning(segment)
    tapered = (pieces - pieces.mean(axis=1, keepdims=True)) * window
    psd = np.abs(np.fft.rfft(tapered, n=nfft, axis=1)) ** 2 / (fs * np.sum(window ** 2))
    psd[:, 1:-1 if nfft % 2 == 0 else None] *= 2  # fold the negative frequencies in
    return np.fft.rfftfreq(nfft, 1 / fs), starts, psd


def welch_psd(signal, fs, segment=256, overlap=None, nfft=None):
    """(frequencies in Hz, power spectral density) by Welch's method: the mean of the
    segments' periodograms (short_time_psd; by default overlapping by half)."""
    freqs, _, psd = short_time_psd(signal, fs, segment, overlap, nfft)
    return freqs, psd.mean(axis=0)


def rate_psd(spike_t, n_cells, time_range, bin_size=1.0, segment=256):
    """(frequencies, PSD) of the population rate (Hz per cell) sampled every bin_size ms."""
    _, counts = spike_histogram(spike_t, time_range, bin_size)
    rate = counts / max(n_cells, 1) / (bin_size / 1000.0)
    return welch_psd(rate, 1000.0 / bin_size, segment)
