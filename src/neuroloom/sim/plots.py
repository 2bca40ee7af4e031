"""The plots of simConfig.analysis and sim.analysis, made from the table of plots.

The table, PLOTS, has one entry per plot (validate/types.py Plot): its options and their
defaults, their allowed values and further checks, its saved file's name, whether it draws
a run's results, and a one-line description. It is defined in validate/plots.py and
imported here, the same object: validate() checks simConfig.analysis against it with every
other option (one SpecError listing every problem), and validate/ may not import sim/, so
the table lives where both can read it (validate/plots.py says more).

What only the sim layer can do is here, driven by the table:

- DRAW: each plot's drawing, (session, options) -> (figure or figures, data), from options
  validated against its entry (validate/plots.py plot_options);
- saving: saveFig=True writes <filename> + the entry's ``file`` formatted with the options
  (a string: that file); SAVE holds the plots that save several files their own way;
- plot_function: the public function sim.analysis makes for every entry, with the entry's
  signature and docstring;
- run_plot: the dispatch by the table; a name that is not in it is an error.

Adding a plot: its entry in PLOTS, its drawing in DRAW (and the plotting/ function that
draws it). sim.analysis.<name>, the validation of simConfig.analysis[<name>], the
docstring and the saving follow from the entry; docs/api.md lists the members it shows.
"""
from __future__ import annotations

from inspect import Parameter, Signature

from .. import plotting
from ..errors import Problem, SpecError
from ..model.include import resolve_include
from ..model.rxd import species_regions
from ..suggest import hint
from ..validate.checker import Checker, item_path
from ..validate.plots import PLOTS, plot_options
from . import state
from .lfp_plots import draw_csd, draw_lfp, save_lfp
from .rxd_plots import draw_rxd_concentration


def run_plot(session, name: str, options: dict):
    """Draw one plot from validated options; returns (figure(s), data, saved paths)."""
    plot = _entry(name)
    if plot.needs_run and session.recordings is None:
        raise SpecError(Problem(item_path("analysis", name), "there are no results yet; run "
                                                             "the simulation first"))
    draw = DRAW.get(name)
    if draw is None:
        raise NotImplementedError(f"analysis['{name}'] is in the table of plots but "
                                  "sim/plots.py DRAW has no drawing of it")
    figure, data = draw(session, options)
    save = SAVE.get(name, _save)
    return figure, data, save(session, name, options, figure, data)


def plot_function(name: str, module: str):
    """The public function of the plot ``name`` (sim.analysis.<name>, in ``module``): its
    options as keyword arguments (the entry's ``arguments`` first, positional too), checked
    as simConfig.analysis[<name>] is, drawn from the current session; returns (figure(s),
    data)."""
    plot = _entry(name)
    signature = Signature(
        [Parameter(key, Parameter.POSITIONAL_OR_KEYWORD, default=plot.options[key])
         for key in plot.arguments] + [Parameter("options", Parameter.VAR_KEYWORD)])

    def function(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = dict(bound.arguments)
        options = given.pop("options")
        return _draw_now(name, {**given, **options})

    function.__name__ = function.__qualname__ = name
    function.__module__ = module
    function.__doc__ = _docstring(name, plot)
    function.__signature__ = signature
    return function


def _draw_now(name, options):
    session = state.current()
    check = Checker()
    options = plot_options(name, options, item_path("analysis", name),
                           [p.label for p in session.network.pops], check,
                           species_regions(session.network.rxd))
    check.raise_if_any()
    figure, data, _ = run_plot(session, name, options)
    return figure, data


def _entry(name):
    plot = PLOTS.get(name)
    if plot is None:
        raise SpecError(Problem(item_path("analysis", name), f"unknown analysis function "
                                                             f"'{name}'; {hint(name, PLOTS)}"))
    return plot


def _docstring(name, plot) -> str:
    options = ", ".join(f"`{key}={value!r}`" for key, value in plot.options.items())
    lines = [plot.description, "",
             f"Options and their defaults, as in simConfig.analysis['{name}']: {options}.", "",
             "Returns (figure, data); the figure is a list of figures when the plot draws "
             "several."]
    if plot.file is not None:
        lines.append(f"saveFig=True saves it as `<filename>{plot.file}`; a file name "
                     "saves it there.")
    else:
        lines.append("saveFig=True saves each figure in a file of its own.")
    if not plot.needs_run:
        lines.append("It draws the network: no run is needed.")
    return "\n".join(lines)


# -- the drawings ---------------------------------------------------------------------------
def _window(session, options) -> tuple:
    return tuple(options.get("timeRange") or (0.0, session.run_spec.duration))


def _gids(session, options):
    """The cells of options['include'] (None: not given)."""
    include = options.get("include")
    return resolve_include(include, session.network) if include is not None else None


def _raster(session, o):
    rec = session.recordings
    return plotting.plot_raster(
        rec.spike_t, rec.spike_gid, session.network, _gids(session, o),
        time_range=_window(session, o), order_by=o["orderBy"],
        order_inverse=o["orderInverse"], pop_rates_legend=o["popRates"],
        marker_size=o["markerSize"], sync_lines=o["syncLines"], spike_hist=o["spikeHist"],
        spike_hist_bin=o["spikeHistBin"], fig_size=o["figSize"])


def _traces(session, o):
    rec, gids = session.recordings, _gids(session, o)
    return plotting.plot_traces(
        rec.t, rec.traces, session.network, session.record_gids() if gids is None else gids,
        time_range=_window(session, o), overlay=o["overlay"], one_fig_per=o["oneFigPer"],
        fig_size=o["figSize"])


def _2dnet(session, o):
    return plotting.plot_2dnet(session.network, _gids(session, o), view=o["view"],
                               show_conns=o["showConns"], fig_size=o["figSize"])


def _conn(session, o):
    network = session.network
    return plotting.plot_conn(
        network, resolve_include(o["includePre"], network),
        resolve_include(o["includePost"], network), feature=o["feature"],
        group_by=o["groupBy"], syn_or_conn=o["synOrConn"], order_by=o["orderBy"],
        fig_size=o["figSize"])


def _spike_hist(session, o):
    rec = session.recordings
    return plotting.plot_spike_hist(rec.spike_t, rec.spike_gid, session.network,
                                    _gids(session, o), time_range=_window(session, o),
                                    bin_size=o["binSize"], overlay=o["overlay"],
                                    fig_size=o["figSize"])


def _rate_psd(session, o):
    rec = session.recordings
    return plotting.plot_rate_psd(rec.spike_t, rec.spike_gid, session.network,
                                  _gids(session, o), time_range=_window(session, o),
                                  bin_size=o["binSize"], max_freq=o["maxFreq"],
                                  segment=o["segment"], fig_size=o["figSize"])


def _spike_stats(session, o):
    rec = session.recordings
    return plotting.plot_spike_stats(rec.spike_t, rec.spike_gid, session.network,
                                     _gids(session, o), time_range=_window(session, o),
                                     stats=tuple(o["stats"]), fig_size=o["figSize"])


def _shape(session, o):
    # cells made by a program (SONATA biophysical cells) get their sections first
    return plotting.plot_shape(session.network_with_sections(), _gids(session, o),
                               cvar=o["cvar"], view=o["view"], fig_size=o["figSize"])


#: plot name -> its drawing, (session, validated options) -> (figure(s), data)
DRAW = {"plotRaster": _raster, "plotTraces": _traces, "plotSpikeHist": _spike_hist,
        "plotRatePSD": _rate_psd, "plotSpikeStats": _spike_stats, "plotShape": _shape,
        "plot2Dnet": _2dnet, "plotConn": _conn,
        "plotRxDConcentration": draw_rxd_concentration, "plotLFP": draw_lfp,
        "plotCSD": draw_csd}
if DRAW.keys() != PLOTS.keys():  # the table and the drawings must name the same plots
    raise ImportError(f"sim/plots.py DRAW and validate/plots.py PLOTS differ: "
                      f"{sorted(set(DRAW) ^ set(PLOTS))}")


# -- saving ---------------------------------------------------------------------------------
def _save(session, name, options, figure, data):
    """saveFig: True -> <filename> + the entry's file; a string: that file."""
    save = options["saveFig"]
    if not save:
        return None
    path = session.output_path(PLOTS[name].file.format(**options)) if save is True else save
    if "dpi" in options:
        plotting.save_figure(figure, path, dpi=options["dpi"])
    else:
        plotting.save_figure(figure, path)
    return path


def _save_traces(session, name, options, figure, data):
    """A figure per cell (oneFigPer='cell'): <filename>_traces_cell_<gid>.png each."""
    if not options["saveFig"] or not isinstance(figure, list):
        return _save(session, name, options, figure, data)
    gids = _gids(session, options)
    paths = []
    for gid, each in zip(gids if gids is not None else session.record_gids(), figure):
        path = session.output_path(f"_traces_cell_{gid}.png")
        plotting.save_figure(each, path)
        paths.append(path)
    return paths


#: the plots that save their files their own way: (session, name, options, figure(s),
#: data) -> the saved path(s)
SAVE = {"plotTraces": _save_traces, "plotLFP": save_lfp}
