"""``sim.analysis``: the tutorial's plots of the current session.

Each function returns ``(figure, data)``; with ``saveFig=True`` the figure is written to
``<saveFolder>/<filename>_<plot>.png`` (a string gives the file name instead).
"""
from __future__ import annotations

from ..errors import SpecError
from ..model.include import resolve_include
from ..plotting import plot_2dnet, plot_conn, plot_raster, plot_traces, save_figure
from ..validate.checker import Checker, item_path
from ..validate.simconfig import plot_options
from . import state

FILE_SUFFIX = {"plotRaster": "_raster.png", "plotTraces": "_traces.png",
               "plot2Dnet": "_2Dnet.png"}


def plotRaster(**options):
    return _direct("plotRaster", options)


def plotTraces(**options):
    return _direct("plotTraces", options)


def plot2Dnet(**options):
    return _direct("plot2Dnet", options)


def plotConn(**options):
    return _direct("plotConn", options)


def _direct(name, options):
    session = state.current()
    check = Checker()
    options = plot_options(name, options, item_path("analysis", name),
                           [p.label for p in session.network.pops], check)
    check.raise_if_any()
    fig, data, _ = run_plot(session, name, options)
    return fig, data


def run_plot(session, name: str, options: dict):
    """Draw one plot from validated options; returns (figure, data, saved path or None)."""
    network, rec = session.network, session.recordings
    if rec is None and name not in ("plot2Dnet", "plotConn"):
        raise SpecError(f"analysis['{name}']: there are no results yet; run the simulation "
                        "first")
    time_range = options.get("timeRange") or (0.0, session.run_spec.duration)
    include = options.get("include")
    if name == "plotRaster":
        fig, data = plot_raster(rec.spike_t, rec.spike_gid, network,
                                resolve_include(include, network), time_range=time_range,
                                order_by=options["orderBy"],
                                order_inverse=options["orderInverse"],
                                pop_rates_legend=options["popRates"],
                                marker_size=options["markerSize"], fig_size=options["figSize"])
    elif name == "plotTraces":
        gids = session.record_gids() if include is None else resolve_include(include, network)
        fig, data = plot_traces(rec.t, rec.traces, network, gids, time_range=time_range,
                                fig_size=options["figSize"])
    elif name == "plot2Dnet":
        fig, data = plot_2dnet(network, resolve_include(include, network),
                               view=options["view"], show_conns=options["showConns"],
                               fig_size=options["figSize"])
    else:
        fig, data = plot_conn(network, resolve_include(options["includePre"], network),
                              resolve_include(options["includePost"], network),
                              feature=options["feature"], group_by=options["groupBy"],
                              syn_or_conn=options["synOrConn"], order_by=options["orderBy"],
                              fig_size=options["figSize"])
    path = None
    if options["saveFig"]:
        save = options["saveFig"]
        suffix = FILE_SUFFIX.get(name) or (f"_plot_conn_{options['groupBy']}_"
                                           f"{options['feature']}_{options['graphType']}.png")
        path = session.output_path(suffix) if save is True else save
        save_figure(fig, path)
    return fig, data, path
