"""LFP plots (tutorial 9's plotLFP): the signal of each electrode over time, its power
spectrum, its spectrogram, and where the electrodes are among the cells."""
from __future__ import annotations

import numpy as np

from ..analysis import lfp as lfp_analysis
from .figures import new_figure, pop_colour
from .shape import draw_shapes

PLOT_TYPES = ("timeSeries", "PSD", "spectrogram", "locations")
#: most time columns a spectrogram draws (the data keep them all): more do not show
MAX_DRAWN_COLUMNS = 2000


def plot_lfp(t, lfp, positions, network=None, *, time_range=None, electrodes=("avg", "all"),
             plots=PLOT_TYPES, nfft=256, noverlap=128, nperseg=256, min_freq=1.0,
             max_freq=100.0, step_freq=1.0, smooth=0, separation=1.0, include_axon=True,
             logx=False, logy=False, norm_signal=False, norm_psd=False, norm_spec=False,
             filt_freq=False, filt_order=3, detrend=False, transform_method="morlet",
             max_plots=8, overlay=False, colors=None, fig_size=(8, 8), font_size=14,
             line_width=1.5):
    """Returns ({plot type: Figure}, data), the figures in the order of ``plots``.

    ``t`` (ms) and ``lfp`` (samples x electrodes, mV) as in simData; ``positions`` the
    electrodes' [x, y, z] (um, y is depth); ``network`` the cells 'locations' draws.
    The LFP in ``time_range`` is filtered, detrended and normalised (as asked) once, and
    every plot shows that signal."""
    fs = lfp_analysis.sampling_rate(t)
    t, lfp = lfp_analysis.time_window(t, lfp, time_range)
    lfp = lfp_analysis.preprocess(lfp, fs, filt_freq=filt_freq, filt_order=filt_order,
                                  detrended=detrend, normalised=norm_signal)
    signals = lfp_analysis.select_electrodes(lfp, electrodes)
    colours = [_colour(label, colors) for label, _ in signals]
    style = {"fig_size": fig_size, "font_size": font_size, "line_width": line_width}
    spectra = {"method": transform_method, "min_freq": min_freq, "max_freq": max_freq,
               "step_freq": step_freq, "nfft": nfft, "noverlap": noverlap}
    data = {"LFP": lfp, "t": t, "electrodes": [label for label, _ in signals],
            "timeRange": (float(t[0]), float(t[-1])) if len(t) else None, "fs": fs}
    figs = {}
    for kind in plots:
        if kind == "timeSeries":
            figs[kind] = _time_series(t, signals, colours, data, separation=separation,
                                      normalised=norm_signal, **style)
        elif kind == "PSD":
            figs[kind] = _psd(signals, colours, fs, data, smooth=smooth, logx=logx,
                              logy=logy, norm=norm_psd, overlay=overlay,
                              max_plots=max_plots, **spectra, **style)
        elif kind == "spectrogram":
            figs[kind] = _spectrogram(t, signals, fs, data, nperseg=nperseg, logy=logy,
                                      norm=norm_spec, max_plots=max_plots, **spectra,
                                      **style)
        elif kind == "locations":
            figs[kind] = _locations(network, positions, colors, data,
                                    include_axon=include_axon, **style)
        else:
            raise ValueError(f"unknown LFP plot {kind!r}; the plots are {PLOT_TYPES}")
    return figs, data


def _colour(label, colors):
    """Black for the average; electrode i keeps its colour in every figure."""
    if label == "avg":
        return "k"
    return colors[label % len(colors)] if colors else pop_colour(label)


def _name(label) -> str:
    return "Average" if label == "avg" else f"Electrode {label}"


def _fonts(ax, font_size):
    ax.tick_params(labelsize=max(font_size - 2, 1))
    for text in (ax.xaxis.label, ax.yaxis.label, ax.title):
        text.set_fontsize(font_size)


def _grid(fig, n, max_plots, overlay, x_label):
    """One axes for everything (overlay), or one per signal in columns of at most
    ``max_plots``, filled top to bottom (electrodes are usually in depth order); the
    panels share their x axis, so only the bottom one of each column is labelled."""
    if overlay:
        ax = fig.add_subplot(1, 1, 1)
        ax.set_xlabel(x_label)
        return [ax] * n
    rows = max(1, min(n, max_plots))
    cols = int(np.ceil(n / rows))
    axes = [fig.add_subplot(rows, cols, (i % rows) * cols + i // rows + 1) for i in range(n)]
    for i, ax in enumerate(axes):
        if i % rows == rows - 1 or i == n - 1:
            ax.set_xlabel(x_label)
        else:
            ax.tick_params(labelbottom=False)
    return axes


# -- time series -----------------------------------------------------------------------
def _time_series(t, signals, colours, data, *, separation, normalised, fig_size,
                 font_size, line_width):
    """Electrodes top to bottom, each shifted down by the largest |LFP| x separation."""
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    peak = max((float(np.abs(s).max()) for _, s in signals if len(s)), default=0.0)
    ydisp = (peak if peak > 0 else 1.0) * separation
    offsets = -np.arange(len(signals)) * ydisp
    for (label, samples), colour, offset in zip(signals, colours, offsets):
        ax.plot(t, samples + offset, color=colour, linewidth=line_width, label=_name(label))
    ax.set_yticks(offsets, [str(label) for label, _ in signals])
    ax.set_ylabel("LFP electrode")
    ax.set_xlabel("Time (ms)")
    ax.set_title("LFP signal")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if len(t):
        bar = _scale_bar(ax, t, offsets[-1], ydisp, normalised, font_size)
        data["scaleBar"] = bar
    _fonts(ax, font_size)
    fig.tight_layout()
    data.update(ydisp=ydisp, offsets=offsets)
    return fig


def _scale_bar(ax, t, bottom, ydisp, normalised, font_size) -> float:
    """A vertical bar right of the traces: a round size about a third of the trace
    separation, labelled in uV (or in the normalised unit). Returns its size (mV)."""
    size = _round_down(ydisp / 3.0)
    span = float(t[-1] - t[0]) or 1.0
    x = float(t[-1]) + 0.02 * span
    y0 = bottom - ydisp / 2.0
    ax.plot([x, x], [y0, y0 + size], color="k", linewidth=2, solid_capstyle="butt",
            gid="scalebar")
    label = f"{size:g}" if normalised else f"{size * 1000:g} $\\mu$V"
    ax.text(x + 0.01 * span, y0 + size / 2.0, label, va="center", ha="left",
            fontsize=max(font_size - 2, 1))
    ax.set_xlim(float(t[0]), float(t[-1]) + 0.12 * span)
    return size


def _round_down(value: float) -> float:
    """The largest 1, 2 or 5 x 10^k not above ``value``."""
    exponent = np.floor(np.log10(value))
    mantissa = value / 10 ** exponent
    step = 5 if mantissa >= 5 else 2 if mantissa >= 2 else 1
    return float(step * 10 ** exponent)


# -- spectra ---------------------------------------------------------------------------
def _psd(signals, colours, fs, data, *, method, min_freq, max_freq, step_freq, nfft,
         noverlap, smooth, logx, logy, norm, overlay, max_plots, fig_size, font_size,
         line_width):
    spectra = [lfp_analysis.lfp_psd(s, fs, method=method, nfft=nfft, noverlap=noverlap,
                                    min_freq=min_freq, max_freq=max_freq,
                                    step_freq=step_freq, smooth=smooth)
               for _, s in signals]
    if not any(len(f) for f, _ in spectra):
        raise ValueError(f"no frequency of the PSD lies between minFreq ({min_freq:g}) "
                         f"and maxFreq ({max_freq:g}) Hz; with transformMethod 'fft' the "
                         f"resolution is {fs / nfft:.3g} Hz (sampling rate / NFFT)")
    if norm:
        top = max(float(p.max()) for _, p in spectra if len(p)) or 1.0
        spectra = [(f, p / top) for f, p in spectra]
    fig = new_figure(fig_size)
    axes = _grid(fig, len(signals), max_plots, overlay, "Frequency (Hz)")
    unit = ("Normalised power" if norm else
            "PSD (mV$^2$/Hz)" if method == "fft" else "Power (mV$^2$)")
    for ax, (label, _), colour, (freqs, power) in zip(axes, signals, colours, spectra):
        ax.plot(freqs, power, color=colour, linewidth=line_width, label=_name(label))
        if not overlay:
            ax.set_title(_name(label))
        ax.set_xscale("log" if logx else "linear")
        ax.set_yscale("log" if logy else "linear")
        _fonts(ax, font_size)
    if overlay and axes:
        axes[0].legend(fontsize=max(font_size - 4, 1))
    fig.supylabel(unit, fontsize=font_size)
    fig.suptitle("LFP power spectral density", fontsize=font_size, fontweight="bold")
    fig.tight_layout()
    data.update(allFreqs=[f for f, _ in spectra], allSignal=[p for _, p in spectra],
                peakFreqs=[float(f[np.argmax(p)]) if len(p) else float("nan")
                           for f, p in spectra])
    return fig


def _spectrogram(t, signals, fs, data, *, method, min_freq, max_freq, step_freq, nfft,
                 noverlap, nperseg, logy, norm, max_plots, fig_size, font_size, line_width):
    start = float(t[0]) if len(t) else 0.0
    specs = [lfp_analysis.spectrogram(s, fs, method=method, t0=start, nperseg=nperseg,
                                      noverlap=noverlap, nfft=nfft, min_freq=min_freq,
                                      max_freq=max_freq, step_freq=step_freq, log_freqs=logy)
             for _, s in signals]
    if specs and len(specs[0][0]) < 2:
        raise ValueError(f"fewer than 2 frequencies of the spectrogram lie between minFreq "
                         f"({min_freq:g}) and maxFreq ({max_freq:g}) Hz; with "
                         f"transformMethod 'fft' the resolution is {fs / nfft:.3g} Hz "
                         "(sampling rate / NFFT)")
    top = max((float(p.max()) for _, _, p in specs), default=1.0) or 1.0
    if norm:
        specs = [(f, times, p / top) for f, times, p in specs]
    low, high = (0.0, 1.0) if norm else (min(float(p.min()) for _, _, p in specs), top)
    unit = ("Normalised power" if norm else
            "PSD (mV$^2$/Hz)" if method == "fft" else "Power (mV$^2$)")
    fig = new_figure(fig_size)
    axes = _grid(fig, len(signals), max_plots, False, "Time (ms)")
    mesh = None
    for ax, (label, _), (freqs, times, power) in zip(axes, signals, specs):
        stride = max(1, int(np.ceil(len(times) / MAX_DRAWN_COLUMNS)))
        mesh = ax.pcolormesh(times[::stride], freqs, power[:, ::stride], shading="nearest",
                             cmap="viridis", vmin=low, vmax=high)
        if logy:
            ax.set_yscale("log")
        ax.set_title(_name(label))
        _fonts(ax, font_size)
    fig.supylabel("Frequency (Hz)", fontsize=font_size)
    fig.suptitle("LFP spectrogram", fontsize=font_size, fontweight="bold")
    fig.tight_layout()
    if mesh is not None:  # one colour scale for all: after the layout, beside it
        fig.colorbar(mesh, ax=axes, label=unit)
    data.update(spec=[p for _, _, p in specs],
                specFreqs=specs[0][0] if specs else np.empty(0),
                specTimes=specs[0][1] if specs else np.empty(0))
    return fig


# -- locations -------------------------------------------------------------------------
def _locations(network, positions, colors, data, *, include_axon, fig_size, font_size,
               line_width):
    """The cells' shapes seen from the front (x, y) with the electrodes on them. Depth is
    drawn downwards: the electrodes at -y, as the cells are placed."""
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    if network is not None:
        draw_shapes(ax, network, range(network.num_cells), include_axon=include_axon)
    p = np.asarray(positions, dtype=float).reshape(-1, 3)
    drawn = np.column_stack([p[:, 0], -p[:, 1]])
    ax.scatter(drawn[:, 0], drawn[:, 1], marker="v", s=80, zorder=3, edgecolors="k",
               color=[_colour(i, colors) for i in range(len(p))], label="electrodes")
    for i, (x, y) in enumerate(drawn):
        ax.annotate(str(i), (x, y), xytext=(6, 4), textcoords="offset points",
                    fontsize=max(font_size - 4, 1))
    ax.autoscale()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("x (um)")
    ax.set_ylabel("y (um)")
    ax.set_title("LFP electrode locations")
    _fonts(ax, font_size)
    fig.tight_layout()
    data["electrodePositions"] = drawn
    return fig
