"""Raster plot: one dot per spike, cells on the y axis."""
from __future__ import annotations

import numpy as np

from ..analysis.rates import pop_rates
from ..analysis.spectra import spike_histogram
from ..analysis.synchrony import raster_sync
from .figures import AUX, colour_of, new_figure


def plot_raster(spike_t, spike_gid, network, gids, *, time_range, order_by="gid",
                order_inverse=False, pop_rates_legend=True, marker_size=3, fig_size=(10, 6),
                sync_lines=False, spike_hist=False, spike_hist_bin=5.0, max_spikes=None,
                labels="legend", marker=None, line_width=None, pop_colours=None,
                colour_list=None):
    """Returns (figure, data). ``order_by``: 'gid' or a cell tag such as 'y' or 'pop'.
    ``sync_lines``: a faint vertical line at every spike, and NetPyNE's synchrony measure
    of the spikes shown in the title (data['syncMeasure'], analysis.raster_sync).
    ``spike_hist``: the spike count per ``spike_hist_bin`` ms drawn over the raster (True
    or 'overlay') or below it ('subplot'). ``max_spikes``: only the first ones (the time
    window ends at the next). ``pop_rates_legend``: True, 'minimal' (the rate alone) or
    False (the labels alone); ``labels``: 'legend' or 'overlay' (each population's label
    beside its rows). ``marker``, ``line_width``: matplotlib's (default: dots);
    ``pop_colours`` {population: colour} and ``colour_list`` (the colours populations
    take in turn) replace the default colours."""
    gids = np.asarray(gids, dtype=np.int64)
    row_of = np.full(network.num_cells, -1, dtype=np.int64)
    row_of[gids[_order(gids, network, order_by)]] = np.arange(len(gids))
    start, stop = time_range
    keep = (spike_t >= start) & (spike_t <= stop) & (row_of[spike_gid] >= 0)
    t, g = spike_t[keep], spike_gid[keep]
    if max_spikes is not None and len(t) > max_spikes:
        first = np.argsort(t, kind="stable")[:int(max_spikes)]
        first.sort()
        t, g = t[first], g[first]
    rows = row_of[g]
    pops = [p for p in network.pops if np.isin(np.asarray(p.gids), gids).any()]
    rates = pop_rates(spike_t, spike_gid, pops, time_range)
    fig = new_figure(fig_size)
    if spike_hist == "subplot":
        grid = fig.add_gridspec(3, 1)
        ax = fig.add_subplot(grid[:2, 0])
        hist_ax = fig.add_subplot(grid[2, 0], sharex=ax)
    else:
        ax = fig.add_subplot(1, 1, 1)
    pop_codes = network.cells.pop[g]
    style = {"marker": marker} if marker is not None else {}
    for pop in pops:
        code = network.pops.index(pop)
        mine = pop_codes == code
        label = (f"{pop.label} ({rates[pop.label]:.3g} Hz)" if pop_rates_legend is True else
                 f"{pop.label}: {rates[pop.label]:.3g} Hz" if pop_rates_legend == "minimal"
                 else pop.label)
        colour = colour_of(pop.label, code, pop_colours, colour_list)
        ax.scatter(t[mine], rows[mine], s=marker_size, color=colour, label=label,
                   linewidths=0 if line_width is None else line_width, **style)
        if labels == "overlay":
            members = row_of[np.asarray(pop.gids)]
            members = members[members >= 0]
            ax.text(stop, members.mean(), f" {label}", color=colour, va="center",
                    fontsize="small", clip_on=False)
    data = {"spkTimes": t, "spkGids": g, "spkInds": rows, "popRates": rates}
    title = "Raster plot"
    if sync_lines:
        ax.vlines(t, -1, len(gids), colors="red", linewidths=0.3, alpha=0.15, zorder=0)
        data["syncMeasure"] = raster_sync(t, stop - start)
        title += f" (sync = {data['syncMeasure']:.2f})"
    if spike_hist:
        starts, counts = spike_histogram(t, time_range, spike_hist_bin)
        if spike_hist != "subplot":
            hist_ax = ax.twinx()
            hist_ax.set_label(AUX)  # the figure options are the raster's
        else:
            hist_ax.set_label(AUX)
            hist_ax.set_xlabel("Time (ms)")
        hist_ax.plot(starts + spike_hist_bin / 2, counts, color="k", linewidth=1, alpha=0.7)
        hist_ax.set_ylabel(f"Spikes per {spike_hist_bin:g} ms")
        data["histCounts"], data["histBins"] = counts, starts
    ax.set_xlim(start, stop)
    ax.set_ylim(-1, len(gids))
    if order_inverse:
        ax.invert_yaxis()
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel(f"Cells (ordered by {order_by})")
    ax.set_title(title)
    if pops and labels == "legend":
        ax.legend(loc="upper right", markerscale=3, fontsize="small")
    fig.tight_layout()
    return fig, data


def _order(gids, network, order_by):
    if order_by == "gid":
        return np.argsort(gids, kind="stable")
    if order_by == "pop":
        return np.lexsort((gids, network.cells.pop[gids]))
    if order_by in ("x", "y", "z", "xnorm", "ynorm", "znorm"):
        return np.lexsort((gids, getattr(network.cells, order_by)[gids]))
    raise ValueError(f"orderBy must be 'gid', 'pop' or a position tag, not {order_by!r}")
