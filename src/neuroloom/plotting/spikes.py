"""Spike histograms, rate spectra and spike statistics, by population."""
from __future__ import annotations

import numpy as np

from ..analysis.spectra import rate_psd, spike_histogram
from ..analysis.spikestats import cell_rates, isi_cv, trains
from ..analysis.synchrony import spike_sync
from .figures import colour_of, new_figure


def _groups(network, gids, pop_colours=None, colour_list=None):
    """(label, gids, colour) per population present in ``gids``."""
    out = []
    for code, pop in enumerate(network.pops):
        mine = gids[network.cells.pop[gids] == code]
        if len(mine):
            out.append((pop.label, mine, colour_of(pop.label, code, pop_colours,
                                                   colour_list)))
    return out


def plot_spike_hist(spike_t, spike_gid, network, gids, *, time_range, bin_size=5.0,
                    overlay=True, fig_size=(10, 4), graph_type="line", measure="count",
                    norm=False, smooth=None, cumulative=False, log=False, axis=True,
                    pop_colours=None, colour_list=None):
    """Spikes per bin, one line per population (overlaid or stacked).

    ``measure``: 'count' (spikes per bin) or 'rate' (Hz per cell); ``norm``: each line
    divided by its maximum; ``smooth``: a moving average over that many bins;
    ``cumulative``: the running sum; ``graph_type``: 'line' or 'bar'; ``log``: a
    logarithmic y axis; ``axis`` False or 'off': no axes drawn. data['counts'] holds the
    spike counts per bin whatever is drawn, data['values'] what is drawn."""
    groups = _groups(network, np.asarray(gids), pop_colours, colour_list)
    fig = new_figure(fig_size)
    axes = [fig.add_subplot(1, 1, 1)] * len(groups) if overlay else [
        fig.add_subplot(len(groups), 1, i + 1) for i in range(len(groups))]
    data = {"bins": None, "counts": {}, "values": {}}
    unit = {"count": f"Spikes per {bin_size:g} ms", "rate": "Rate (Hz)"}[measure]
    for ax, (label, members, colour) in zip(axes, groups):
        mine = np.isin(spike_gid, members)
        starts, counts = spike_histogram(spike_t[mine], time_range, bin_size)
        values = counts.astype(float)
        if measure == "rate":
            values = values / len(members) / (bin_size / 1000.0)
        if smooth:
            values = np.convolve(values, np.ones(smooth) / smooth, mode="same")
        if cumulative:
            values = np.cumsum(values)
        if norm and values.max() > 0:
            values = values / values.max()
        if graph_type == "bar":
            ax.bar(starts, values, width=bin_size, align="edge", color=colour, label=label,
                   alpha=0.6 if overlay else 1.0)
        else:
            ax.plot(starts + bin_size / 2, values, color=colour, label=label, linewidth=1)
        if log:
            ax.set_yscale("log")
        ax.set_ylabel(("Normalised " + unit.lower()) if norm else unit)
        data["bins"], data["counts"][label], data["values"][label] = starts, counts, values
        ax.legend(loc="upper right", fontsize="small")
        if axis is False or axis == "off":
            ax.set_axis_off()
    (axes[-1] if axes else fig.add_subplot(1, 1, 1)).set_xlabel("Time (ms)")
    fig.tight_layout()
    return fig, data


def plot_rate_psd(spike_t, spike_gid, network, gids, *, time_range, bin_size=1.0,
                  max_freq=100.0, segment=256, fig_size=(8, 5), pop_colours=None):
    """Power spectral density of each population's rate (Welch)."""
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    data = {"freqs": None, "psd": {}, "peakFreq": {}}
    for label, members, colour in _groups(network, np.asarray(gids), pop_colours):
        mine = np.isin(spike_gid, members)
        freqs, psd = rate_psd(spike_t[mine], len(members), time_range, bin_size, segment)
        keep = (freqs > 0) & (freqs <= max_freq)
        ax.plot(freqs[keep], psd[keep], color=colour, label=label)
        data["freqs"], data["psd"][label] = freqs, psd
        data["peakFreq"][label] = float(freqs[keep][np.argmax(psd[keep])]) if keep.any() \
            else float("nan")
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Power spectral density (Hz$^2$/Hz)")
    ax.set_title("Rate PSD")
    ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    return fig, data


def plot_spike_stats(spike_t, spike_gid, network, gids, *, time_range,
                     stats=("rate", "isicv", "sync"), fig_size=(10, 4), pop_colours=None):
    """Rate and ISI CV per cell (box plots by population) and SPIKE-synchronization per
    population (bars)."""
    groups = _groups(network, np.asarray(gids), pop_colours)
    fig = new_figure(fig_size)
    data = {}
    for i, stat in enumerate(stats):
        ax = fig.add_subplot(1, len(stats), i + 1)
        labels = [label for label, _, _ in groups]
        if stat == "sync":
            values = [spike_sync(trains(spike_t, spike_gid, members, time_range))
                      for _, members, _ in groups]
            ax.bar(range(len(groups)), np.nan_to_num(values),
                   color=[colour for _, _, colour in groups])
            ax.set_ylim(0, 1)
            data["sync"] = dict(zip(labels, values))
        else:
            compute = cell_rates if stat == "rate" else isi_cv
            values = [compute(spike_t, spike_gid, members, time_range)
                      for _, members, _ in groups]
            ax.boxplot([v[np.isfinite(v)] for v in values], positions=range(len(groups)))
            data[stat] = dict(zip(labels, values))
        ax.set_xticks(range(len(groups)), labels)
        ax.set_title({"rate": "Rate (Hz)", "isicv": "ISI CV", "sync": "SPIKE-sync"}[stat])
    fig.tight_layout()
    return fig, data
