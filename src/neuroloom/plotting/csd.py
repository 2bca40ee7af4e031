"""Current source density of a laminar electrode array: depth x time, sinks in red."""
from __future__ import annotations

import numpy as np

from ..analysis import lfp as lfp_analysis
from .figures import new_figure

OVERLAYS = (None, "LFP", "CSD")


def plot_csd(t, lfp, positions, *, time_range=None, spacing_um=None, vaknin=True,
             norm=False, filt_freq=False, filt_order=3, sigma=lfp_analysis.SIGMA,
             overlay="LFP", hlines=False, layer_bounds=None, smooth=True, fig_size=(8, 8),
             font_size=12):
    """Returns (figure, data).

    ``t`` (ms) and ``lfp`` (samples x electrodes, mV) as in simData, ``positions`` the
    electrodes' [x, y, z] (um, y is depth) in depth order. ``spacing_um``: the contact
    spacing, by default that of the positions, which must then be one evenly spaced
    column. ``norm``: each electrode's mean over the window removed first. ``overlay``:
    each electrode's LFP (or CSD) trace drawn at its depth; ``hlines``: a line at each
    electrode; ``layer_bounds``: {label: depth in um} drawn as dashed lines."""
    fs = lfp_analysis.sampling_rate(t)
    t, lfp = lfp_analysis.time_window(t, lfp, time_range)
    positions = np.asarray(positions, dtype=float).reshape(-1, 3)
    if spacing_um is None:
        spacing_um = lfp_analysis.laminar_spacing(positions)
    lfp = lfp_analysis.preprocess(lfp, fs, filt_freq=filt_freq, filt_order=filt_order)
    if norm:
        lfp = lfp - lfp.mean(axis=0)
    csd = lfp_analysis.csd(lfp, spacing_um, vaknin=vaknin, sigma=sigma)
    # the rows' depths: every electrode's with vaknin, the interior ones' without
    depths = positions[:, 1] if vaknin else positions[1:-1, 1]
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    order = np.argsort(depths)
    shallow, deep = float(depths[order[0]]), float(depths[order[-1]])
    half = spacing_um / 2.0
    limit = float(np.abs(csd).max()) or 1.0
    image = ax.imshow(csd[order], aspect="auto", cmap="RdBu", vmin=-limit, vmax=limit,
                      origin="upper", interpolation="bilinear" if smooth else "nearest",
                      extent=(float(t[0]), float(t[-1]), deep + half, shallow - half))
    fig.colorbar(image, ax=ax, label="CSD ($\\mu$A/mm$^3$)")
    if overlay == "LFP":
        _traces(ax, t, lfp.T, positions[:, 1], spacing_um)
    elif overlay == "CSD":
        _traces(ax, t, csd, depths, spacing_um)
    if hlines:
        for depth in positions[:, 1]:
            ax.axhline(depth, color="k", linewidth=0.5, alpha=0.5)
    for label, depth in (layer_bounds or {}).items():
        ax.axhline(depth, color="k", linestyle="--", linewidth=1)
        ax.text(float(t[0]), depth, f" {label}", va="bottom", ha="left",
                fontsize=max(font_size - 2, 1))
    ax.set_xlabel("Time (ms)", fontsize=font_size)
    ax.set_ylabel("Electrode depth y (um)", fontsize=font_size)
    ax.set_title("Current source density" + (f" with {overlay}" if overlay else ""),
                 fontsize=font_size)
    ax.tick_params(labelsize=max(font_size - 2, 1))
    fig.tight_layout()
    return fig, {"CSD": csd, "csdDepths": depths, "t": t, "LFP": lfp,
                 "spacing_um": float(spacing_um), "vaknin": vaknin}


def _traces(ax, t, rows, depths, spacing_um):
    """Each row drawn at its depth, the largest excursion 0.45 spacing; up is positive
    (the depth axis points down)."""
    scale = 0.45 * spacing_um / (float(np.abs(rows).max()) or 1.0)
    for samples, depth in zip(rows, depths):
        ax.plot(t, depth - samples * scale, color="k", linewidth=0.8)
