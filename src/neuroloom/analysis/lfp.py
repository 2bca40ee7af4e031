"""Local field potentials: filtering, spectra, spectrograms and the current source density
of a laminar electrode array (numpy only).

Signals are arrays of samples x electrodes in mV (``simData['LFP']``), sampled at times in
ms; electrode positions are [x, y, z] in um with y the depth.
"""
from __future__ import annotations

import numpy as np

from .spectra import short_time_psd, welch_psd

#: extracellular conductivity (S/m) the LFP is computed with (tutorial 9: 0.3 mS/mm)
SIGMA = 0.3
#: cycles of a Morlet wavelet: its time/frequency trade-off (frequency sd = f / cycles)
MORLET_CYCLES = 7.0
TRANSFORMS = ("morlet", "fft")


def sampling_rate(t) -> float:
    """Samples per second of sample times ``t`` in ms."""
    t = np.asarray(t, dtype=float)
    if len(t) < 2:
        raise ValueError("an LFP needs at least two samples")
    return 1000.0 / float(np.median(np.diff(t)))


def time_window(t, lfp, time_range):
    """(t, lfp) of the samples in ``time_range`` (ms, both ends included)."""
    t = np.asarray(t, dtype=float)
    lfp = np.asarray(lfp, dtype=float)
    n = min(len(t), len(lfp))  # a last sample one side has and the other not
    t, lfp = t[:n], lfp[:n]
    if time_range is None:
        return t, lfp
    keep = (t >= time_range[0]) & (t <= time_range[1])
    return t[keep], lfp[keep]


def butterworth(x, fs, freq, order=3):
    """``x`` filtered along its first axis without phase shift: ``freq`` a cut-off in Hz
    (low-pass) or [low, high] (band-pass: a high-pass and a low-pass of that order).

    The gain is the squared magnitude of an analog Butterworth filter, which is what
    filtering forwards and backwards (filtfilt) gives, applied to the spectrum. The signal
    is extended at both ends by its point reflection (odd: value and slope continue), so
    that its ends neither leak into each other nor add a kink."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 2:
        return x.copy()
    padded = np.concatenate([2 * x[:1] - x[1:][::-1], x, 2 * x[-1:] - x[:-1][::-1]], axis=0)
    f = np.fft.rfftfreq(len(padded), 1.0 / fs)
    if np.ndim(freq) == 0:
        gain = _low_pass(f, float(freq), order)
    else:
        low, high = (float(v) for v in freq)
        gain = _low_pass(f, high, order) * (1.0 - _low_pass(f, low, order))
    gain = gain.reshape((-1,) + (1,) * (x.ndim - 1))
    filtered = np.fft.irfft(np.fft.rfft(padded, axis=0) * gain, n=len(padded), axis=0)
    return filtered[n - 1:2 * n - 1]


def _low_pass(f, cutoff, order):
    return 1.0 / (1.0 + (f / cutoff) ** (2 * order))


def detrend(x):
    """``x`` minus its least-squares straight line, along the first axis."""
    x = np.asarray(x, dtype=float)
    ramp = np.arange(len(x)) - (len(x) - 1) / 2.0
    ramp = ramp.reshape((-1,) + (1,) * (x.ndim - 1))
    centred = x - x.mean(axis=0)
    slope = (ramp * centred).sum(axis=0) / max(float((ramp ** 2).sum()), 1e-300)
    return centred - slope * ramp


def normalise(x):
    """Each column scaled to [0, 1] (a constant column becomes 0)."""
    x = np.asarray(x, dtype=float)
    low, span = x.min(axis=0), np.ptp(x, axis=0)
    return (x - low) / np.where(span > 0, span, 1.0)


def preprocess(lfp, fs, *, filt_freq=False, filt_order=3, detrended=False,
               normalised=False):
    """The LFP as plotLFP and plotCSD use it: filtered, then detrended, then normalised
    (each only when asked for)."""
    out = np.asarray(lfp, dtype=float)
    if filt_freq is not False and filt_freq is not None:
        out = butterworth(out, fs, filt_freq, filt_order)
    if detrended:
        out = detrend(out)
    if normalised:
        out = normalise(out)
    return out


def select_electrodes(lfp, electrodes) -> list:
    """[(label, signal)] for items 'avg' (the mean over electrodes), 'all' (each
    electrode) or an electrode index."""
    lfp = np.asarray(lfp, dtype=float)
    out = []
    for item in electrodes:
        if item == "avg":
            out.append(("avg", lfp.mean(axis=1)))
        elif item == "all":
            out += [(i, lfp[:, i]) for i in range(lfp.shape[1])]
        else:
            if not 0 <= int(item) < lfp.shape[1]:
                raise IndexError(f"there is no electrode {item}: the LFP has "
                                 f"{lfp.shape[1]} electrodes (0 to {lfp.shape[1] - 1})")
            out.append((int(item), lfp[:, int(item)]))
    return out


def frequencies(min_freq, max_freq, step_freq=1.0, log=False) -> np.ndarray:
    """The frequencies (Hz) a Morlet transform looks at: min_freq to max_freq by
    step_freq, or as many spaced evenly on a log scale."""
    linear = np.arange(min_freq, max_freq + step_freq / 2.0, step_freq, dtype=float)
    return np.geomspace(min_freq, max_freq, len(linear)) if log else linear


def morlet_power(signal, fs, freqs, cycles=MORLET_CYCLES, step=1) -> np.ndarray:
    """Power (mV^2) of ``signal`` at each of ``freqs`` (Hz) over time (every ``step``-th
    sample): frequencies x samples.

    Complex Morlet wavelets, applied in the frequency domain, where each is a Gaussian
    centred on its frequency with sd f / cycles (positive frequencies only: the result
    is analytic). Scaled so that a sinusoid of amplitude A has power A^2 / 2 at its
    frequency, its mean square. The signal is zero-padded to twice its length; power
    within about a wavelet's duration (cycles / f) of either end is reduced by the
    padding."""
    x = np.asarray(signal, dtype=float)
    x = x - x.mean()
    size = 1 << int(np.ceil(np.log2(max(2 * len(x), 2))))
    spectrum = np.fft.fft(x, size)
    nu = np.fft.fftfreq(size, 1.0 / fs)
    out = np.empty((len(freqs), len(range(0, len(x), step))))
    for i, f in enumerate(freqs):
        gain = np.exp(-0.5 * ((nu - f) * cycles / f) ** 2)
        analytic = np.fft.ifft(spectrum * gain)[:len(x):step]
        out[i] = 2.0 * np.abs(analytic) ** 2
    return out


def smooth_moving_average(values, width):
    """A moving average over ``width`` points (fewer at the ends, not zero-padded)."""
    values = np.asarray(values, dtype=float)
    if width <= 1:
        return values
    kernel = np.ones(int(width))
    return (np.convolve(values, kernel, mode="same")
            / np.convolve(np.ones_like(values), kernel, mode="same"))


def lfp_psd(signal, fs, *, method="morlet", nfft=256, noverlap=128, min_freq=1.0,
            max_freq=100.0, step_freq=1.0, smooth=0):
    """(frequencies, power) of one LFP signal between min_freq and max_freq.

    'fft': Welch's power spectral density (mV^2/Hz), segments of ``nfft`` samples
    overlapping by ``noverlap``. 'morlet': the Morlet power (mV^2) at min_freq to
    max_freq by step_freq, averaged over time. ``smooth``: a moving average over that
    many frequencies."""
    if method == "fft":
        freqs, power = welch_psd(signal, fs, segment=nfft, overlap=noverlap)
    elif method == "morlet":
        freqs = frequencies(min_freq, max_freq, step_freq)
        power = morlet_power(signal, fs, freqs).mean(axis=1)
    else:
        raise ValueError(f"transformMethod must be one of {TRANSFORMS}, not {method!r}")
    power = smooth_moving_average(power, smooth)
    keep = (freqs >= min_freq) & (freqs <= max_freq)
    return freqs[keep], power[keep]


def spectrogram(signal, fs, *, method="morlet", t0=0.0, nperseg=256, noverlap=128,
                nfft=256, min_freq=1.0, max_freq=100.0, step_freq=1.0, log_freqs=False):
    """(frequencies in Hz, times in ms, power as frequencies x times) of one signal whose
    first sample is at ``t0`` ms.

    'morlet': Morlet power (mV^2) every ms (or every sample when sampled more coarsely):
    finer than any wavelet's own time resolution (cycles / f) below several hundred Hz.
    'fft': the PSD (mV^2/Hz) of Hann-windowed segments of ``nperseg`` samples overlapping
    by ``noverlap``, zero-padded to ``nfft``, at the segments' centres."""
    if method == "morlet":
        freqs = frequencies(min_freq, max_freq, step_freq, log=log_freqs)
        step = max(1, int(fs // 1000.0))
        power = morlet_power(signal, fs, freqs, step=step)
        times = t0 + np.arange(power.shape[1]) * step * 1000.0 / fs
        return freqs, times, power
    if method != "fft":
        raise ValueError(f"transformMethod must be one of {TRANSFORMS}, not {method!r}")
    freqs, starts, frames = short_time_psd(signal, fs, nperseg, noverlap, nfft)
    segment = min(nperseg, len(np.asarray(signal)))
    times = t0 + (starts + segment / 2.0) * 1000.0 / fs
    keep = (freqs >= min_freq) & (freqs <= max_freq)
    return freqs[keep], times, frames[:, keep].T


def laminar_spacing(positions) -> float:
    """The spacing (um) of a laminar array: electrodes in one column (same x and z),
    evenly spaced in depth y. ValueError for any other layout."""
    p = np.asarray(positions, dtype=float)
    if p.ndim != 2 or p.shape[1] != 3:
        raise ValueError("electrode positions must be [x, y, z] triples")
    if len(p) < 3:
        raise ValueError(f"a CSD needs at least 3 electrodes, not {len(p)}")
    if not np.allclose(p[:, [0, 2]], p[0, [0, 2]], rtol=0.0, atol=1e-6):
        raise ValueError("the electrodes are not in one column: their x and z differ "
                         "(a CSD needs a laminar array; or give spacing_um)")
    steps = np.diff(p[:, 1])
    if steps[0] == 0 or not np.allclose(steps, steps[0], rtol=1e-6, atol=1e-6):
        raise ValueError(f"the electrodes are not evenly spaced in depth (y steps "
                         f"{steps.tolist()} um; or give spacing_um)")
    return abs(float(steps[0]))


def csd(lfp, spacing_um, *, vaknin=True, sigma=SIGMA) -> np.ndarray:
    """Current source density (uA/mm^3) of a laminar array, electrodes x samples:
    -sigma * d2(phi)/dz2, the second difference of the potential ``lfp`` (samples x
    electrodes, mV, electrodes in depth order) over the spacing (um). Negative values are
    sinks (current into the cells), positive ones sources.

    Without ``vaknin`` the end electrodes have no second difference: the rows are the
    interior electrodes (E - 2). With it (Vaknin et al. 1988) each end electrode is
    repeated once beyond the array, so every electrode gets a row (E)."""
    phi = np.asarray(lfp, dtype=float).T
    if vaknin:
        phi = np.concatenate([phi[:1], phi, phi[-1:]], axis=0)
    if len(phi) < 3:
        raise ValueError("a CSD needs at least 3 electrodes (or 2 with vaknin)")
    spacing_mm = float(spacing_um) / 1000.0
    # S/m is mS/mm, so mS/mm * mV/mm^2 = uA/mm^3
    return -sigma * (phi[2:] - 2.0 * phi[1:-1] + phi[:-2]) / spacing_mm ** 2
