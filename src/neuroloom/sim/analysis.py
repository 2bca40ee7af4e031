"""``sim.analysis``: the tutorial's plots and analyses of the current session.

Each plot returns ``(figure, data)`` (a list of figures when it draws several); with
``saveFig=True`` the figure goes to ``<saveFolder>/<filename>_<plot>.png`` as NetPyNE names
them (a string gives the file name instead).
"""
from __future__ import annotations

from .. import plotting
from ..analysis.rates import pop_rates
from ..errors import SpecError
from ..model.include import resolve_include
from ..validate.checker import Checker, item_path
from ..validate.simconfig import plot_options
from ..model.rxd import species_regions
from . import state
from .rxd_plots import RXD_PLOTS, run_rxd_plot
from .lfp_plots import LFP_PLOTS, run_lfp_plot

SUFFIX = {"plotRaster": "_raster.png", "plotTraces": "_traces.png", "plot2Dnet": "_2Dnet.png",
          "plotSpikeHist": "_spikeHist.png", "plotRatePSD": "_ratePSD.png",
          "plotSpikeStats": "_spikeStats.png", "plotShape": "_shape.png"}
NEEDS_NO_RUN = ("plot2Dnet", "plotConn", "plotShape")


def plotRaster(**options):
    return _direct("plotRaster", options)


def plotTraces(**options):
    return _direct("plotTraces", options)


def plot2Dnet(**options):
    return _direct("plot2Dnet", options)


def plotConn(**options):
    return _direct("plotConn", options)


def plotSpikeHist(**options):
    return _direct("plotSpikeHist", options)


def plotRatePSD(**options):
    return _direct("plotRatePSD", options)


def plotSpikeStats(**options):
    return _direct("plotSpikeStats", options)


def plotShape(**options):
    return _direct("plotShape", options)


def plotLFP(**options):
    """Tutorial 9's LFP plots: 'timeSeries', 'PSD', 'spectrogram', 'locations' (one
    figure each; a list when several); sim/lfp_plots.py names their files."""
    return _direct("plotLFP", options)


def plotCSD(**options):
    """Current source density of a laminar array of electrodes (simConfig.recordLFP)."""
    return _direct("plotCSD", options)


def plotRxDConcentration(speciesLabel=None, regionLabel=None, **options):
    """A species' concentration in a region at the end of the run (tutorial 10):
    an extracellular grid averaged across the plane, or the cells coloured by it."""
    return _direct("plotRxDConcentration", {"speciesLabel": speciesLabel,
                                            "regionLabel": regionLabel, **options})


def plotData():
    """Every plot simConfig.analysis asks for; returns the saved files."""
    return state.current().plot_data()


def popAvgRates(timeRange=None, show=True) -> dict:
    """Mean rate (Hz) of each population; printed unless show=False."""
    session = state.current()
    rec = _recordings(session, "popAvgRates")
    rates = pop_rates(rec.spike_t, rec.spike_gid, session.network.pops,
                      timeRange or (0.0, session.run_spec.duration))
    if show:
        for label, rate in rates.items():
            session.log(f"  population '{label}': {rate:.2f} Hz")
    return rates


def _direct(name, options):
    session = state.current()
    check = Checker()
    options = plot_options(name, options, item_path("analysis", name),
                           [p.label for p in session.network.pops], check,
                           species_regions(session.network.rxd))
    check.raise_if_any()
    fig, data, _ = run_plot(session, name, options)
    return fig, data


def _recordings(session, name):
    if session.recordings is None:
        raise SpecError(f"analysis['{name}']: there are no results yet; run the simulation "
                        "first")
    return session.recordings


def run_plot(session, name: str, options: dict):
    """Draw one plot from validated options; returns (figure(s), data, saved paths)."""
    if name in RXD_PLOTS:
        return run_rxd_plot(session, name, options)
    if name in LFP_PLOTS:
        return run_lfp_plot(session, name, options)
    network = session.network
    rec = None if name in NEEDS_NO_RUN else _recordings(session, name)
    window = tuple(options.get("timeRange") or (0.0, session.run_spec.duration))
    include = options.get("include")
    gids = resolve_include(include, network) if include is not None else None
    size = options["figSize"]
    if name == "plotRaster":
        fig, data = plotting.plot_raster(
            rec.spike_t, rec.spike_gid, network, gids, time_range=window,
            order_by=options["orderBy"], order_inverse=options["orderInverse"],
            pop_rates_legend=options["popRates"], marker_size=options["markerSize"],
            sync_lines=options["syncLines"], spike_hist=options["spikeHist"],
            spike_hist_bin=options["spikeHistBin"], fig_size=size)
    elif name == "plotTraces":
        fig, data = plotting.plot_traces(
            rec.t, rec.traces, network, session.record_gids() if gids is None else gids,
            time_range=window, overlay=options["overlay"], one_fig_per=options["oneFigPer"],
            fig_size=size)
    elif name == "plot2Dnet":
        fig, data = plotting.plot_2dnet(network, gids, view=options["view"],
                                        show_conns=options["showConns"], fig_size=size)
    elif name == "plotConn":
        fig, data = plotting.plot_conn(
            network, resolve_include(options["includePre"], network),
            resolve_include(options["includePost"], network), feature=options["feature"],
            group_by=options["groupBy"], syn_or_conn=options["synOrConn"],
            order_by=options["orderBy"], fig_size=size)
    elif name == "plotSpikeHist":
        fig, data = plotting.plot_spike_hist(rec.spike_t, rec.spike_gid, network, gids,
                                             time_range=window, bin_size=options["binSize"],
                                             overlay=options["overlay"], fig_size=size)
    elif name == "plotRatePSD":
        fig, data = plotting.plot_rate_psd(rec.spike_t, rec.spike_gid, network, gids,
                                           time_range=window, bin_size=options["binSize"],
                                           max_freq=options["maxFreq"],
                                           segment=options["segment"], fig_size=size)
    elif name == "plotSpikeStats":
        fig, data = plotting.plot_spike_stats(rec.spike_t, rec.spike_gid, network, gids,
                                              time_range=window,
                                              stats=tuple(options["stats"]), fig_size=size)
    else:
        fig, data = plotting.plot_shape(network, gids, cvar=options["cvar"],
                                        view=options["view"], fig_size=size)
    return fig, data, _save(session, name, options, fig, gids)


def _save(session, name, options, fig, gids):
    save = options["saveFig"]
    if not save:
        return None
    if isinstance(fig, list):  # plotTraces with a figure per cell
        paths = []
        for gid, figure in zip(gids if gids is not None else session.record_gids(), fig):
            path = session.output_path(f"_traces_cell_{gid}.png")
            plotting.save_figure(figure, path)
            paths.append(path)
        return paths
    if save is True:
        suffix = SUFFIX.get(name) or (f"_plot_conn_{options['groupBy']}_"
                                      f"{options['feature']}_{options['graphType']}.png")
        path = session.output_path(suffix)
    else:
        path = save
    plotting.save_figure(fig, path)
    return path


__all__ = ["plotRaster", "plotTraces", "plot2Dnet", "plotConn", "plotSpikeHist",
           "plotRxDConcentration",
           "plotRatePSD", "plotSpikeStats", "plotShape", "plotLFP", "plotCSD", "plotData",
           "popAvgRates"]
