"""Recorded traces (voltage, currents, ...) over time."""
from __future__ import annotations

import numpy as np

from .figures import new_figure, pop_colour


def plot_traces(t, traces: dict, network, gids, *, time_range, overlay=True,
                one_fig_per="trace", fig_size=(10, 6), colours=None, subtitles=False,
                axis=True, suptitles=None):
    """Returns (figure or list of figures, data).

    one_fig_per='trace': one figure with a panel per trace label, the cells overlaid
    (overlay=True) or in panels of their own; one_fig_per='cell': a figure per cell with a
    panel per trace label. ``colours``: the cells' colours in turn (default: their
    population's); ``subtitles``: each panel titled by its trace (and, per cell, the
    first by the cell); ``axis`` False or 'off': no axes drawn; ``suptitles``: {gid:
    title} of the per-cell figures."""
    gids = [int(g) for g in gids]
    labels = [label for label, cells in traces.items() if any(g in cells for g in gids)]
    start, stop = time_range
    window = (t >= start) & (t <= stop)
    data = {"t": t[window], "tracesData": {}}
    for label in labels:
        for gid in gids:
            samples = traces[label].get(gid)
            if samples is not None:
                n = min(len(samples), len(t))
                data["tracesData"].setdefault(label, {})[f"cell_{gid}"] = \
                    np.asarray(samples)[:n][window[:n]]
    style = {"colours": {gid: colours[i % len(colours)] for i, gid in enumerate(gids)}
             if colours else {}, "subtitles": subtitles, "axis": axis}
    if one_fig_per == "cell":
        figs = []
        for gid in gids:
            fig = _figure(data, [(label, [gid]) for label in labels], network, fig_size,
                          time_range, style, cell=gid)
            if suptitles and gid in suptitles:
                fig.suptitle(suptitles[gid])
            figs.append(fig)
        return figs, data
    panels = ([(label, gids) for label in labels] if overlay else
              [(label, [gid]) for label in labels for gid in gids])
    return _figure(data, panels, network, fig_size, time_range, style), data


def _figure(data, panels, network, fig_size, time_range, style, cell=None):
    fig = new_figure(fig_size)
    t = data["t"]
    if not panels:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, "no recorded traces for these cells", ha="center",
                transform=ax.transAxes)
        return fig
    for i, (label, gids) in enumerate(panels):
        ax = fig.add_subplot(len(panels), 1, i + 1)
        for gid in gids:
            samples = data["tracesData"].get(label, {}).get(f"cell_{gid}")
            if samples is None:
                continue
            ax.plot(t[:len(samples)], samples, linewidth=1,
                    color=style["colours"].get(gid, pop_colour(int(network.cells.pop[gid]))),
                    label=f"cell {gid} ({network.pop_of(gid).label})")
        ax.set_ylabel(label)
        ax.set_xlim(*time_range)
        ax.legend(loc="upper right", fontsize="small")
        if style["subtitles"]:
            ax.set_title(f"Cell {cell}, Pop {network.pop_of(cell).label}"
                         if cell is not None and i == 0 else
                         label if cell is None else "")
        if style["axis"] is False or style["axis"] == "off":
            ax.set_axis_off()
    fig.axes[-1].set_xlabel("Time (ms)")
    fig.tight_layout()
    return fig
