"""Recorded traces (voltage, currents, ...) over time."""
from __future__ import annotations

import numpy as np

from .figures import new_figure, pop_colour


def plot_traces(t, traces: dict, network, gids, *, time_range, overlay=True,
                one_fig_per="trace", fig_size=(10, 6)):
    """Returns (figure or list of figures, data).

    one_fig_per='trace': one figure with a panel per trace label, the cells overlaid
    (overlay=True) or in panels of their own; one_fig_per='cell': a figure per cell with a
    panel per trace label."""
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
    if one_fig_per == "cell":
        figs = [_figure(data, [(label, [gid]) for label in labels], network, fig_size,
                        time_range) for gid in gids]
        return figs, data
    panels = ([(label, gids) for label in labels] if overlay else
              [(label, [gid]) for label in labels for gid in gids])
    return _figure(data, panels, network, fig_size, time_range), data


def _figure(data, panels, network, fig_size, time_range):
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
                    color=pop_colour(int(network.cells.pop[gid])),
                    label=f"cell {gid} ({network.pop_of(gid).label})")
        ax.set_ylabel(label)
        ax.set_xlim(*time_range)
        ax.legend(loc="upper right", fontsize="small")
    fig.axes[-1].set_xlabel("Time (ms)")
    fig.tight_layout()
    return fig
