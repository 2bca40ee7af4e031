"""Spike histograms, rate spectra and spike statistics, by population."""
from __future__ import annotations

import numpy as np

from ..analysis.spectra import rate_psd, spike_histogram
from ..analysis.spikestats import cell_rates, isi_cv, trains
from ..analysis.synchrony import spike_sync
from .figures import new_figure, pop_colour


def _groups(network, gids):
    """(label, gids, colour) per population present in ``gids``."""
    out = []
    for code, pop in enumerate(network.pops):
        mine = gids[network.cells.pop[gids] == code]
        if len(mine):
            out.append((pop.label, mine, pop_colour(code)))
    return out


def plot_spike_hist(spike_t, spike_gid, network, gids, *, time_range, bin_size=5.0,
                    overlay=True, fig_size=(10, 4)):
    """Spike counts per bin, one line per population (overlaid or stacked)."""
    groups = _groups(network, np.asarray(gids))
    fig = new_figure(fig_size)
    axes = [fig.add_subplot(1, 1, 1)] * len(groups) if overlay else [
        fig.add_subplot(len(groups), 1, i + 1) for i in range(len(groups))]
    data = {"bins": None, "counts": {}}
    for ax, (label, members, colour) in zip(axes, groups):
        mine = np.isin(spike_gid, members)
        starts, counts = spike_histogram(spike_t[mine], time_range, bin_size)
        ax.plot(starts + bin_size / 2, counts, color=colour, label=label, linewidth=1)
        ax.set_ylabel(f"Spikes per {bin_size:g} ms")
        data["bins"], data["counts"][label] = starts, counts
        ax.legend(loc="upper right", fontsize="small")
    (axes[-1] if axes else fig.add_subplot(1, 1, 1)).set_xlabel("Time (ms)")
    fig.tight_layout()
    return fig, data


def plot_rate_psd(spike_t, spike_gid, network, gids, *, time_range, bin_size=1.0,
                  max_freq=100.0, segment=256, fig_size=(8, 5)):
    """Power spectral density of each population's rate (Welch)."""
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    data = {"freqs": None, "psd": {}, "peakFreq": {}}
    for label, members, colour in _groups(network, np.asarray(gids)):
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
                     stats=("rate", "isicv", "sync"), fig_size=(10, 4)):
    """Rate and ISI CV per cell (box plots by population) and SPIKE-synchronization per
    population (bars)."""
    groups = _groups(network, np.asarray(gids))
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
