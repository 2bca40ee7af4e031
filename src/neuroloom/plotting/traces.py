"""Recorded traces (voltage, currents, ...) over time."""
from __future__ import annotations

import numpy as np

from .figures import new_figure, pop_colour


def plot_traces(t, traces: dict, network, gids, *, time_range, overlay=False,
                one_fig_per="cell", fig_size=(10, 8), colours=None, subtitles=False,
                axis=True, suptitles=None):
    """Returns (figure or list of figures, data), the figures NetPyNE's plotTraces draws.

    one_fig_per='cell': a figure per cell, with a panel per trace label (overlay=True:
    the traces together in one panel); one_fig_per='trace': a figure per trace label,
    with a panel per cell (overlay=True: the cells together). The labels are sorted, as
    NetPyNE sorts them; trace_figure_keys gives each figure's key. A list when there are
    several figures. ``colours``: the cells' colours in turn (default: their
    population's); ``subtitles``: each panel titled by its trace (and, per cell, the
    first by the cell); ``axis`` False or 'off': no axes drawn; ``suptitles``: {gid:
    title} of the per-cell figures."""
    gids = [int(g) for g in gids]
    labels = sorted(label for label, cells in traces.items() if any(g in cells for g in gids))
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
    figs = []
    if one_fig_per == "cell":
        for gid in gids:
            panels = ([(tuple(labels), [gid])] if overlay else
                      [((label,), [gid]) for label in labels])
            fig = _figure(data, panels, network, fig_size, time_range, style, cell=gid)
            if suptitles and gid in suptitles:
                fig.suptitle(suptitles[gid])
            figs.append(fig)
    else:
        for label in labels:
            panels = ([((label,), gids)] if overlay else
                      [((label,), [gid]) for gid in gids])
            figs.append(_figure(data, panels, network, fig_size, time_range, style))
    if not figs:  # no cell or no trace to draw (e.g. include names no population of the
        # network): NetPyNE draws nothing and saves an empty figure
        figs.append(_figure(data, [], network, fig_size, time_range, style))
    return (figs if len(figs) > 1 else figs[0]), data


def trace_figure_keys(traces: dict, gids, one_fig_per="cell") -> list:
    """The key NetPyNE gives each figure plot_traces draws, in their order: '_gid_<gid>'
    for a figure per cell, '_trace_<label>' for a figure per trace (its saved files are
    named after them when there are several)."""
    gids = [int(g) for g in gids]
    if one_fig_per == "cell":
        return [f"_gid_{gid}" for gid in gids]
    return [f"_trace_{label}" for label in
            sorted(label for label, cells in traces.items() if any(g in cells for g in gids))]


def _figure(data, panels, network, fig_size, time_range, style, cell=None):
    fig = new_figure(fig_size)
    t = data["t"]
    if not panels:
        ax = fig.add_subplot(1, 1, 1)
        ax.text(0.5, 0.5, "no recorded traces for these cells", ha="center",
                transform=ax.transAxes)
        return fig
    for i, (labels, gids) in enumerate(panels):
        ax = fig.add_subplot(len(panels), 1, i + 1)
        for label in labels:
            for gid in gids:
                samples = data["tracesData"].get(label, {}).get(f"cell_{gid}")
                if samples is None:
                    continue
                own = (f"cell {gid} ({network.pop_of(gid).label})" if len(labels) == 1
                       else label)
                colour = (style["colours"].get(gid, pop_colour(int(network.cells.pop[gid])))
                          if len(labels) == 1 else None)  # traces together: matplotlib's
                ax.plot(t[:len(samples)], samples, linewidth=1, color=colour, label=own)
        label = " / ".join(labels)
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
