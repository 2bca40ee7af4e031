"""Recorded traces (voltage, currents, ...) over time."""
from __future__ import annotations

import numpy as np

from .figures import new_figure, pop_colour


def plot_traces(t, traces: dict, network, gids, *, time_range, fig_size=(10, 6)):
    """One panel per trace label, the included cells overlaid. Returns (figure, data)."""
    gids = [int(g) for g in gids]
    labels = [label for label, cells in traces.items() if any(g in cells for g in gids)]
    fig = new_figure(fig_size)
    start, stop = time_range
    window = (t >= start) & (t <= stop)
    data = {"t": t[window], "tracesData": {}}
    for i, label in enumerate(labels or [None]):
        ax = fig.add_subplot(max(1, len(labels)), 1, i + 1)
        if label is None:
            ax.text(0.5, 0.5, "no recorded traces for these cells", ha="center",
                    transform=ax.transAxes)
            break
        for gid in gids:
            samples = traces[label].get(gid)
            if samples is None:
                continue
            n = min(len(samples), len(t))
            keep = window[:n]
            colour = pop_colour(int(network.cells.pop[gid]))
            ax.plot(t[:n][keep], np.asarray(samples)[:n][keep], color=colour, linewidth=1,
                    label=f"cell {gid} ({network.pop_of(gid).label})")
            data["tracesData"].setdefault(label, {})[f"cell_{gid}"] = np.asarray(samples)[:n][keep]
        ax.set_ylabel(label)
        ax.set_xlim(start, stop)
        ax.legend(loc="upper right", fontsize="small")
    fig.axes[-1].set_xlabel("Time (ms)")
    fig.tight_layout()
    return fig, data
