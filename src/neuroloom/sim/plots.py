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

import warnings
from contextlib import contextmanager
from inspect import Parameter, Signature
from pathlib import Path

import numpy as np

from .. import plotting
from ..analysis.fi_curve import fi_features, fi_rates
from ..errors import Problem, SpecError
from ..model.include import resolve_include
from ..model.rxd import species_regions
from ..suggest import hint
from ..validate.checker import Checker, item_path, outside_neuroloom
from ..results.save import save_json, save_pickle
from ..validate.lfp_plots import LFP_KIND_PLOTS
from ..validate.plots import (DATA_FILES, FI_TARGETS, PLOT_NOT_DRAWN, PLOTS, no_effect,
                              plot_options)
from . import state
from .lfp_plots import draw_csd, draw_lfp, lfp_kind_drawing, save_lfp
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
    _warn_not_drawn(name, options)
    path = item_path("analysis", name)
    with _problem_at(path, KeyError, ValueError):  # matplotlib's refusal of rcParams
        context = plotting.rc_context(options.get("rcParams"))
    with context:
        with _problem_at(path, ValueError):  # e.g. a colour or marker matplotlib lacks
            figure, data = draw(session, options)
        with _problem_at(path, TypeError, ValueError):  # e.g. legendKwargs
            for each in figure if isinstance(figure, list) else [figure]:
                if hasattr(each, "axes"):  # a figure (a test's drawing may be anything)
                    plotting.finish_figure(each, **_figure_options(name, options))
    save = SAVE.get(name, _save)
    paths = save(session, name, options, figure, data)
    if options.get("saveData") and name not in SAVES_DATA:
        path = _save_data(session, name, options, data)
        paths = [*(paths if isinstance(paths, list) else [paths] if paths else []), path]
    return figure, data, paths


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


def _warn_not_drawn(name, options) -> None:
    """A warning naming the options given that neuroloom does not draw yet."""
    plot = PLOTS[name]
    given = [key for key in PLOT_NOT_DRAWN.get(name, {})
             if key in options and not _same(options[key], plot.options[key])]
    for key in given:
        warnings.warn(f"analysis['{name}'].{key}: not drawn yet "
                      f"({PLOT_NOT_DRAWN[name][key]}); the figure is drawn without it",
                      UserWarning, stacklevel=outside_neuroloom())


def _same(value, default) -> bool:
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # arrays
        return False


#: the figure options a plot's own drawing applies (finish_figure leaves them alone)
_DRAWN_BY_PLOT = {"plotLFP": ("fontSize",), "plotCSD": ("fontSize",),
                  "plotRxDConcentration": ("fontSize", "title"),
                  "plotTraces": ("title",)}


def _figure_options(name, options) -> dict:
    """finish_figure's arguments from a plot's validated options."""
    own = _DRAWN_BY_PLOT.get(name, ()) + (("fontSize",) if name in LFP_KIND_PLOTS else ())
    pick = {"title": "title", "xlabel": "xlabel", "ylabel": "ylabel", "xlim": "xlim",
            "ylim": "ylim", "legend": "legend", "legendKwargs": "legend_kwargs",
            "fontSize": "font_size"}
    return {argument: options[key] for key, argument in pick.items()
            if key in options and key not in own}


@contextmanager
def _problem_at(path, *errors):
    """matplotlib's refusal of an option given to it (rcParams, legendKwargs, a colour:
    one of ``errors``) as a SpecError at ``path``."""
    try:
        yield
    except SpecError:
        raise
    except errors as error:
        raise SpecError(Problem(path, f"{error}")) from None


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
    if "saveData" in plot.options:
        lines.append(f"saveData=True saves the returned data as "
                     f"`<filename>{DATA_FILES.get(name, '_' + name)}.pkl`; a .pkl or .json "
                     "file name saves them there.")
    if not plot.needs_run:
        lines.append("It draws the network: no run is needed.")
    if name in PLOTS and (ignored := no_effect(name)):
        lines += ["", "Accepted with no effect: " + "; ".join(
            f"`{key}` ({why})" for key, why in ignored.items()) + "."]
    if PLOT_NOT_DRAWN.get(name):
        lines += ["", "Accepted, not drawn yet (a warning says so when given): " + "; ".join(
            f"`{key}` ({why})" for key, why in PLOT_NOT_DRAWN[name].items()) + "."]
    return "\n".join(lines)


# -- the drawings ---------------------------------------------------------------------------
def _window(session, options) -> tuple:
    return tuple(options.get("timeRange") or (0.0, session.run_spec.duration))


def _gids(session, options, key="include"):
    """The cells of options[key] (None: not given)."""
    include = options.get(key)
    return resolve_include(include, session.network) if include is not None else None


def _first(*values):
    """The first value that is given (not None): NetPyNE's synonyms of an option."""
    return next((v for v in values if v is not None), None)


def _raster(session, o):
    rec = session.recordings
    return plotting.plot_raster(
        rec.spike_t, rec.spike_gid, session.network, _gids(session, o),
        time_range=_window(session, o), order_by=o["orderBy"],
        order_inverse=o["orderInverse"], pop_rates_legend=o["popRates"],
        marker_size=_first(o.get("s"), o["markerSize"]), sync_lines=o["syncLines"],
        spike_hist=o["spikeHist"], spike_hist_bin=o["spikeHistBin"],
        fig_size=o["figSize"], max_spikes=o.get("maxSpikes"),
        labels=o.get("labels", "legend"), marker=o.get("marker"),
        line_width=_first(o.get("linewidth"), o.get("lw")),
        pop_colours=o.get("popColors"), colour_list=o.get("colorList"))


#: cell tags plotTraces' title may name (NetPyNE: a tag of the cell -> the figure's title)
_TITLE_TAGS = {"pop": lambda net, gid: net.pop_of(gid).label,
               "cellType": lambda net, gid: net.cell_type_of(gid).label,
               "gid": lambda net, gid: str(gid)}


def _traces(session, o):
    rec, gids = session.recordings, _gids(session, o)
    gids = session.record_gids() if gids is None else gids
    network, title = session.network, o.get("title")
    suptitles = ({int(g): _TITLE_TAGS[title](network, int(g)) for g in gids}
                 if title in _TITLE_TAGS else
                 {int(g): title for g in gids} if title else None)
    figure, data = plotting.plot_traces(
        rec.t, rec.traces, network, gids, time_range=_window(session, o),
        overlay=o["overlay"], one_fig_per=o["oneFigPer"], fig_size=o["figSize"],
        colours=o.get("colors"), subtitles=o.get("subtitles", False),
        axis=o.get("axis", True), suptitles=suptitles)
    if title and title not in _TITLE_TAGS:  # a tag titles the figure of each cell
        for each in figure if isinstance(figure, list) else [figure]:
            each.suptitle(title)
    return figure, data


def _2dnet(session, o):
    return plotting.plot_2dnet(session.network, _gids(session, o), view=o["view"],
                               show_conns=o["showConns"], fig_size=o["figSize"],
                               pop_colours=o.get("popColors"),
                               line_width=o.get("lineWidth"))


def _conn(session, o):
    network = session.network
    return plotting.plot_conn(
        network, resolve_include(o["includePre"], network),
        resolve_include(o["includePost"], network), feature=o["feature"],
        group_by=o["groupBy"], syn_or_conn=o["synOrConn"], order_by=o["orderBy"],
        fig_size=o["figSize"], clim=o.get("clim"), log_plot=o.get("logPlot", False))


def _spike_hist(session, o):
    rec = session.recordings
    return plotting.plot_spike_hist(
        rec.spike_t, rec.spike_gid, session.network, _gids(session, o),
        time_range=_window(session, o), bin_size=o["binSize"], overlay=o["overlay"],
        fig_size=o["figSize"], graph_type=o.get("graphType", "line"),
        measure=o.get("measure", "count"), norm=o.get("norm", False),
        smooth=o.get("smooth"), cumulative=o.get("cumulative", False),
        log=o.get("log", False), axis=o.get("axis", True),
        pop_colours=o.get("popColors"), colour_list=o.get("colorList"))


def _rate_psd(session, o):
    rec = session.recordings
    return plotting.plot_rate_psd(rec.spike_t, rec.spike_gid, session.network,
                                  _gids(session, o), time_range=_window(session, o),
                                  bin_size=o["binSize"], max_freq=o["maxFreq"],
                                  segment=o["segment"], fig_size=o["figSize"],
                                  pop_colours=o.get("popColors"))


def _spike_stats(session, o):
    rec = session.recordings
    return plotting.plot_spike_stats(rec.spike_t, rec.spike_gid, session.network,
                                     _gids(session, o), time_range=_window(session, o),
                                     stats=tuple(o["stats"]), fig_size=o["figSize"],
                                     pop_colours=o.get("popColors"))


def _shape(session, o):
    # cells made by a program (SONATA biophysical cells) get their sections first
    network = session.network_with_sections()
    drawn = _gids(session, o)
    post = _gids(session, o, "includePost")
    if post is not None:
        drawn = post if drawn is None else np.intersect1d(drawn, post)
    pre = o.get("includePre")
    pre = None if pre is None or any(i in ("all", "allCells") for i in pre) else \
        resolve_include(pre, network)
    electrodes = None
    if o.get("showElectrodes"):
        spec = getattr(session.run_spec, "lfp", None)
        electrodes = spec.electrodes if spec is not None else \
            (session.sim_config or {}).get("recordLFP")
    return plotting.plot_shape(
        network, drawn, cvar=o["cvar"], view=o["view"], fig_size=o["figSize"],
        pre_gids=pre, show_syns=o.get("showSyns", False), syn_style=o.get("synStyle", "."),
        syn_size=o.get("synSize", 3), syn_colour=o.get("synColor", "red"),
        electrodes=electrodes, clim=o.get("clim"), include_axon=o.get("includeAxon", True),
        bkg_colour=o.get("bkgColor"), aspect=o.get("aspect", "equal"),
        axis_labels=o.get("axisLabels", True))


def fi_measures(session, options) -> dict:
    """NetPyNE's calculatefI from plotfI's validated options: 'fI' (the rate of all
    spikes in each current step), 'fI_onset' (calculateOnset), 'fI_steady' (durSteady)
    and 'fI_<feature>' (calculateFeatures, from the 'V_soma' trace of cell 0 that
    NetPyNE reads; without it they are left out, with a warning, as NetPyNE goes on)."""
    rec = session.recordings
    out = fi_rates(rec.spike_t, options["times"], options["dur"],
                   onset=options["calculateOnset"], dur_steady=options.get("durSteady"))
    features = tuple(options.get("calculateFeatures") or ())
    trace = rec.traces.get("V_soma", {}).get(0)
    if features and trace is None:
        warnings.warn("analysis['plotfI'].calculateFeatures: the features come from the "
                      "trace 'V_soma' of cell 0 (simConfig.recordTraces['V_soma'], cell 0 "
                      "recorded), which this run lacks; they are left out",
                      UserWarning, stacklevel=outside_neuroloom())
    elif features:
        threshold = getattr(session.net_params, "defaultThreshold", None)
        out.update(fi_features(trace, session.run_spec.record_step, options["times"],
                               options["dur"], 10.0 if threshold is None else threshold,
                               features))
    return out


def gathered_sim_data(session) -> dict:
    """The simData entries NetPyNE's gatherData adds for the plots simConfig.analysis
    asks for (plotfI: calculatefI's), so that they are saved with the run."""
    for name, options in session.output.analysis:
        if name == "plotfI":
            return fi_measures(session, dict(options))
    return {}


def _fi(session, o):
    measured = fi_measures(session, o)
    target = {key: list(o[option]) for option, key in FI_TARGETS.items() if o.get(option)}
    target.update(o.get("target") or {})
    figures, data = plotting.plot_fi(o["amps"], measured, target, fig_size=o["figSize"])
    return (figures if len(figures) > 1 else figures[0]), data


#: plot name -> its drawing, (session, validated options) -> (figure(s), data)
DRAW = {"plotRaster": _raster, "plotTraces": _traces, "plotSpikeHist": _spike_hist,
        "plotRatePSD": _rate_psd, "plotSpikeStats": _spike_stats, "plotShape": _shape,
        "plot2Dnet": _2dnet, "plotConn": _conn, "plotfI": _fi,
        "plotRxDConcentration": draw_rxd_concentration, "plotLFP": draw_lfp,
        **{name: lfp_kind_drawing(kind) for name, kind in LFP_KIND_PLOTS.items()},
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
    path = _free(path, options)
    plotting.save_figure(figure, path, dpi=options.get("dpi"))
    return path


def _free(path, options):
    """``path``, or with overwrite=False and a file already there, the first free
    numbered name as NetPyNE numbers them (<name>_01.png, <name>_02.png, ...)."""
    path = Path(path)
    if options.get("overwrite", True) or not path.exists():
        return path
    number = 1
    while (candidate := path.with_name(f"{path.stem}_{number:02d}{path.suffix}")).exists():
        number += 1
    return candidate


def _save_traces(session, name, options, figure, data):
    """One figure: as any plot (<filename>_traces.png, or saveFig's name). Several (a
    figure per cell or per trace), as NetPyNE names them: the name with '_<key>_' put
    before its last four characters (its extension), the key '_gid_<gid>' or
    '_trace_<label>' (<filename>_traces__gid_5_.png)."""
    if not options["saveFig"] or not isinstance(figure, list):
        return _save(session, name, options, figure, data)
    save = options["saveFig"]
    name_of = str(session.output_path(PLOTS[name].file)) if save is True else str(save)
    gids = _gids(session, options)
    keys = plotting.trace_figure_keys(session.recordings.traces,
                                      session.record_gids() if gids is None else gids,
                                      options["oneFigPer"])
    paths = []
    for key, each in zip(keys, figure):
        path = _free(f"{name_of[:-4]}_{key}_{name_of[-4:]}", options)
        plotting.save_figure(each, path, dpi=options.get("dpi"))
        paths.append(path)
    return paths


def _save_fi(session, name, options, figure, data):
    """NetPyNE's names: <filename>_fI.png, then <filename>_fI_<feature>.png for each
    feature. saveFig a file name: the f-I figure there, each feature's beside it with
    _<feature> before the extension (NetPyNE saves them all over that one file)."""
    save = options["saveFig"]
    if not save:
        return None
    paths = []
    for key, each in zip(plotting.fi_figure_names(data),
                         figure if isinstance(figure, list) else [figure]):
        if save is True:
            path = session.output_path(f"_{key}.png")
        else:
            given = Path(save)
            path = given if key == "fI" else \
                given.with_name(f"{given.stem}{key[len('fI'):]}{given.suffix}")
        path = _free(path, options)
        plotting.save_figure(each, path, dpi=options.get("dpi"))
        paths.append(path)
    return paths


def _save_data(session, name, options, data) -> Path:
    """saveData: the plot's returned data, as NetPyNE saves it: True -> <filename> +
    DATA_FILES[name] + '.pkl'; a file name ending in .pkl or .json: that file. NetPyNE's
    fileName, fileDesc, fileType and fileDir (prepareRaster's) name it their way:
    <fileDir>/<fileName or filename>_<fileDesc or 'data'>.<fileType or pkl>."""
    save = options["saveData"]
    naming = {k: options.get(k) for k in ("fileName", "fileDesc", "fileType", "fileDir")}
    if any(v is not None for v in naming.values()):
        ext = ".json" if str(naming["fileType"] or "pkl").lstrip(".") == "json" else ".pkl"
        stem = naming["fileName"] or str(session.output_path(""))
        stem = stem[:-len(ext)] if stem.endswith(ext) else stem
        path = Path(f"{stem}_{naming['fileDesc'] or 'data'}{ext}")
        if naming["fileDir"] is not None:
            path = Path(naming["fileDir"]) / path
    elif isinstance(save, str):
        path = Path(save)
    else:
        path = session.output_path(f"{DATA_FILES.get(name, '_' + name)}.pkl")
    writer = save_json if path.suffix.lower() == ".json" else save_pickle
    return writer(path, dict(data) if isinstance(data, dict) else {"data": data})


#: the plots that save their files their own way: (session, name, options, figure(s),
#: data) -> the saved path(s)
SAVE = {"plotTraces": _save_traces, "plotLFP": save_lfp, "plotfI": _save_fi}
#: the plots whose own saving writes their saveData file too
SAVES_DATA = ("plotLFP",)
