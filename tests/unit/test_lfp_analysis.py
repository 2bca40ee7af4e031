"""LFP numbers on synthetic signals of known content (no NEURON): spectra peak at the
sinusoid's frequency with its power, spectrogram ridges follow a frequency change in time,
the CSD of a known potential profile is its analytic second derivative."""
import numpy as np
import pytest

from neuroloom.analysis import lfp as L
from neuroloom.analysis.spectra import welch_psd

FS = 10000.0  # Hz: recordStep 0.1 ms
T = np.arange(0.0, 2000.0, 0.1)  # ms


def sine(freq, amplitude=1.0, t=T):
    return amplitude * np.sin(2 * np.pi * freq * t / 1000.0)


@pytest.mark.parametrize("freq", [25.0, 40.0])
def test_morlet_psd_peaks_at_the_frequency_with_the_mean_square_power(freq):
    signal = sine(freq, 0.02) + sine(90.0, 0.005)
    freqs, power = L.lfp_psd(signal, FS, method="morlet", min_freq=1, max_freq=100)
    assert freqs[0] == 1 and freqs[-1] == 100 and np.all(np.diff(freqs) == 1)
    assert freqs[np.argmax(power)] == freq
    # a sinusoid of amplitude A has power A^2/2 (the ends, within a wavelet, lose some)
    assert power.max() == pytest.approx(0.02 ** 2 / 2, rel=0.05)
    assert power[freqs == 90.0][0] == pytest.approx(0.005 ** 2 / 2, rel=0.05)


def test_fft_psd_peak_and_parseval():
    signal = sine(40.0, 0.02)
    freqs, psd = L.lfp_psd(signal, FS, method="fft", nfft=8192, noverlap=4096,
                           min_freq=0, max_freq=FS / 2)
    assert freqs[np.argmax(psd)] == pytest.approx(40.0, abs=FS / 8192)
    # Welch's density integrates to the signal's variance
    assert np.sum(psd) * (freqs[1] - freqs[0]) == pytest.approx(0.02 ** 2 / 2, rel=0.02)
    windowed = L.lfp_psd(signal, FS, method="fft", nfft=8192, noverlap=4096, min_freq=10,
                         max_freq=100)[0]
    assert windowed.min() >= 10 and windowed.max() <= 100


def test_welch_overlap_and_padding_options():
    x = np.random.default_rng(1).normal(size=5000)
    f1, p1 = welch_psd(x, 1000.0, 256)
    f2, p2 = welch_psd(x, 1000.0, 256, overlap=128, nfft=256)
    np.testing.assert_array_equal(p1, p2)  # the default overlap is half a segment
    f3, _ = welch_psd(x, 1000.0, 256, overlap=0, nfft=1024)
    assert len(f3) == 513 and f3[1] == pytest.approx(1000.0 / 1024)
    with pytest.raises(ValueError, match="overlap"):
        welch_psd(x, 1000.0, 256, overlap=256)


def test_smoothing_averages_neighbouring_frequencies():
    freqs, raw = L.lfp_psd(sine(30.0), FS, max_freq=60)
    _, smooth = L.lfp_psd(sine(30.0), FS, max_freq=60, smooth=5)
    i = int(np.argmax(raw))
    assert smooth[i] == pytest.approx(raw[i - 2:i + 3].mean())


def test_spectrogram_ridge_follows_the_frequency_in_time():
    signal = np.where(T < 1000, sine(10.0, 0.01), sine(40.0, 0.01))
    freqs, times, power = L.spectrogram(signal, FS, method="morlet", t0=T[0], min_freq=2,
                                        max_freq=60)
    assert times[0] == 0 and times[1] - times[0] == pytest.approx(1.0)  # every ms
    assert power.shape == (len(freqs), len(times)) == (59, 2000)
    ridge = freqs[np.argmax(power, axis=0)]
    assert np.all(ridge[(times > 200) & (times < 800)] == 10)
    assert np.all(ridge[(times > 1200) & (times < 1800)] == 40)
    freqs, times, power = L.spectrogram(signal, FS, method="fft", t0=500.0, nperseg=2048,
                                        noverlap=1024, nfft=4096, min_freq=2, max_freq=60)
    assert times[0] == pytest.approx(500.0 + 102.4)  # the first segment's centre
    ridge = freqs[np.argmax(power, axis=0)]
    first, second = times < 500 + 1000 - 102.4, times > 500 + 1000 + 102.4
    assert np.all(np.abs(ridge[first] - 10) <= FS / 4096)
    assert np.all(np.abs(ridge[second] - 40) <= FS / 4096)


def test_log_spaced_frequencies():
    freqs = L.frequencies(1, 100, 1, log=True)
    assert len(freqs) == 100 and freqs[0] == 1 and freqs[-1] == pytest.approx(100)
    assert np.allclose(np.diff(np.log(freqs)), np.log(100) / 99)


def test_zero_phase_butterworth_low_and_band_pass():
    slow, fast = sine(10.0), sine(300.0)
    inner = slice(500, -500)  # 50 ms from the ends: what any filter does at an edge aside
    low = L.butterworth(slow + fast, FS, 50.0, order=3)
    # 300 Hz gone; 10 Hz neither scaled nor shifted
    assert np.max(np.abs(low - slow)[inner]) < 0.001
    band = L.butterworth(np.column_stack([slow + fast, 2 * slow]), FS, [200.0, 400.0], 4)
    assert band.shape == (len(T), 2) and np.max(np.abs(band[inner, 1])) < 0.001
    gain = np.max(np.abs(band[inner, 0]))  # 300 Hz: 1/(1 + 0.75^8) x (1 - 1/(1 + 1.5^8))
    assert gain == pytest.approx(0.875, abs=0.005)
    assert np.max(np.abs(band[inner, 0] - gain * fast[inner])) < 0.005  # no phase shift


def test_detrend_normalise_and_window():
    ramp = 3.0 + 0.5 * T
    assert np.max(np.abs(L.detrend(ramp))) < 1e-9  # a straight line goes entirely
    np.testing.assert_allclose(L.detrend(ramp + sine(20.0)), L.detrend(sine(20.0)),
                               atol=1e-9)
    both = L.detrend(np.column_stack([ramp, -ramp + sine(20.0)]))
    np.testing.assert_allclose(both[:, 1], L.detrend(sine(20.0)), atol=1e-9)
    scaled = L.normalise(np.column_stack([sine(5.0, 3.0), np.full(len(T), 2.0)]))
    assert scaled[:, 0].min() == 0 and scaled[:, 0].max() == 1 and np.all(scaled[:, 1] == 0)
    t, x = L.time_window(T, np.column_stack([T, T]), (100, 200))
    assert t[0] == pytest.approx(100) and t[-1] == pytest.approx(200) and x.shape == (1001, 2)


def test_electrode_selection():
    lfp = np.column_stack([np.zeros(10), np.ones(10), np.full(10, 5.0)])
    labels = [label for label, _ in L.select_electrodes(lfp, ["avg", "all", 2])]
    assert labels == ["avg", 0, 1, 2, 2]
    assert L.select_electrodes(lfp, ["avg"])[0][1] == pytest.approx(np.full(10, 2.0))
    with pytest.raises(IndexError, match="no electrode 3"):
        L.select_electrodes(lfp, [3])


DEPTHS = np.arange(100.0, 1100.0, 100.0)  # um, 10 electrodes


def test_csd_of_a_cubic_potential_is_its_exact_second_derivative():
    a = np.sin(np.linspace(0, 3, 50))  # mV/mm^3, varying in time
    z = DEPTHS / 1000.0  # mm
    phi = a[:, None] * z[None, :] ** 3 + 0.2 * z[None, :] - 1.0  # samples x electrodes
    expected = -L.SIGMA * 6.0 * a[None, :] * z[:, None]  # uA/mm^3
    interior = L.csd(phi, 100.0, vaknin=False)
    assert interior.shape == (8, 50)
    np.testing.assert_allclose(interior, expected[1:-1], rtol=1e-9, atol=1e-12)
    every = L.csd(phi, 100.0, vaknin=True, sigma=1.0)
    assert every.shape == (10, 50)
    np.testing.assert_allclose(every[1:-1], expected[1:-1] / L.SIGMA, rtol=1e-9, atol=1e-12)
    # Vaknin: the end electrode repeated beyond the array, a one-sided difference
    np.testing.assert_allclose(every[0], -(phi[:, 1] - phi[:, 0]) / 0.1 ** 2)
    np.testing.assert_allclose(every[-1], -(phi[:, -2] - phi[:, -1]) / 0.1 ** 2)


def test_csd_of_a_gaussian_bump_matches_the_analytic_derivative():
    depths = np.arange(0.0, 2000.0, 50.0)
    centre, width = 1000.0, 200.0
    phi = np.exp(-(depths - centre) ** 2 / (2 * width ** 2))  # mV; one sample
    second = ((depths - centre) ** 2 / width ** 4 - 1 / width ** 2) * phi * 1e6  # mV/mm^2
    got = L.csd(phi[None, :], 50.0, vaknin=False)[:, 0]
    np.testing.assert_allclose(got, -L.SIGMA * second[1:-1], atol=0.02 * np.abs(second).max()
                               * L.SIGMA)
    # a positive potential bump sits on a current source (positive CSD) at its centre
    assert got[np.argmin(np.abs(depths[1:-1] - centre))] > 0


def test_laminar_spacing_needs_one_evenly_spaced_column():
    column = [[50, y, 0] for y in DEPTHS]
    assert L.laminar_spacing(column) == 100.0
    assert L.laminar_spacing(column[::-1]) == 100.0
    with pytest.raises(ValueError, match="one column"):
        L.laminar_spacing([[x, y, 0] for y in (100, 200, 300) for x in (-50, 50)])
    with pytest.raises(ValueError, match="evenly spaced"):
        L.laminar_spacing([[0, y, 0] for y in (100, 200, 400)])
    with pytest.raises(ValueError, match="at least 3"):
        L.laminar_spacing([[0, 100, 0], [0, 200, 0]])
