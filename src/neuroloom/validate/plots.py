"""The table of plots: one entry per plot of simConfig.analysis and sim.analysis.

An entry (types.Plot) gives the plot's options and their defaults, their allowed values
and further checks, the name of its saved file, whether it draws a run's results, and a
one-line description. The drawing is the one part that lives elsewhere: sim/plots.py (the
sim layer: drawing needs the session and plotting/) keys it by the same name, checks at
import that the two agree, and makes from this table sim.analysis's functions, their
docstrings, the saving of their files and the dispatch of run_plot.

Every option of NetPyNE's function of the same name (its analysis and plotting signatures,
and the figure options its plotter takes) is in the entry: FIGURE_OPTIONS, which every
NetPyNE plot takes, and the plot's own. Most are drawn; PLOT_NO_EFFECT lists those that
cannot change a file or a figure (showFig: there is no display), with why, and
PLOT_NOT_DRAWN those neuroloom does not draw yet: given, the figure is drawn without them
and a warning says so.

The table is here, not in sim/, because validate() checks simConfig.analysis with every
other option, in one SpecError, and is called without sim/ (builder.network_from_specs,
which ``neuroloom validate`` reads scripts through; tests of the specs alone); validate/
may not import sim/, so sim/ imports this table, the same object.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Real

from ..analysis.fi_curve import FEATURES
from ..suggest import hint
from .cell_lists import PLOT_INCLUDE_SPECIAL, cell_list
from .checker import attr_path, item_path, outside_neuroloom
from .lfp_plots import (CSD_OPTIONS, LFP_KIND_PLOTS, LFP_OPTIONS, check_csd_options,
                        check_lfp_options, lfp_kind_check, lfp_options_of)
from .rxd_options import check_rxd_plot_options
from .types import Plot

SPIKE_STATS = ("rate", "isicv", "sync")
POP_MEASURES = ("probability", "convergence", "divergence")  # plotConn's, by population
VIEWS = ("xy", "xz", "zy")


def _check_spike_stats(options, path, pop_labels, rxd, check) -> None:
    stats = options.get("stats")
    if stats is not None and (isinstance(stats, str) or not set(stats) <= set(SPIKE_STATS)):
        check.add(attr_path(path, "stats"), f"must list some of 'rate', 'isicv', 'sync', not "
                                            f"{stats!r}")


def _check_conn(options, path, pop_labels, rxd, check) -> None:
    if options.get("groupBy") == "cell" and options.get("feature") in POP_MEASURES:
        check.add(attr_path(path, "feature"), f"'{options['feature']}' is a population "
                                              "measure: use groupBy 'pop'")


def _is_pair(value) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, Real) and not isinstance(v, bool) for v in value))


def _check_figure(options, path, check) -> None:
    """The figure options (FIGURE_OPTIONS) a plot has, over their defaults."""
    for key in ("xlim", "ylim", "clim"):
        value = options.get(key)
        if value is not None and not (_is_pair(value) and value[0] < value[1]):
            check.add(attr_path(path, key), f"must be [min, max] with min < max, not "
                                            f"{value!r}")
    for key in ("title", "xlabel", "ylabel"):
        value = options.get(key)
        if value is not None and not isinstance(value, str) and not (
                key == "title" and isinstance(value, bool)):
            check.add(attr_path(path, key), f"must be a string, not {value!r}")
    for key in ("legendKwargs", "rcParams"):
        if options.get(key) is not None:
            check.mapping(options[key], attr_path(path, key))
    legend = options.get("legend", True)
    if not isinstance(legend, (bool, Mapping)) and legend not in (0, 1):
        check.add(attr_path(path, "legend"), f"must be True, False or legend options, not "
                                             f"{legend!r}")
    for key in ("dpi", "fontSize"):
        if options.get(key) is not None:
            check.number(options[key], attr_path(path, key), positive=True)
    if "overwrite" in options:
        check.boolean(options["overwrite"], attr_path(path, "overwrite"))
    save = options.get("saveData")
    if not (save is None or isinstance(save, bool) or save in (0, 1) or (
            isinstance(save, str) and save.lower().endswith((".pkl", ".json")))):
        check.add(attr_path(path, "saveData"), f"must be True, False or a file name ending "
                                               f"in .pkl or .json, not {save!r}")
    kind = options.get("fileType")
    if kind is not None and kind not in DATA_FILE_TYPES:
        check.reference(kind, attr_path(path, "fileType"), "fileType", DATA_FILE_TYPES)


def _check_colours(options, path, pop_labels, rxd, check) -> None:
    """popColors: {population: colour} (a colour table may name populations this network
    lacks: NetPyNE's are shared by models); colorList/colors: a list of colours."""
    if options.get("popColors") is not None:
        check.mapping(options["popColors"], attr_path(path, "popColors"))
    for key in ("colorList", "colors"):
        value = options.get(key)
        if value is not None and (isinstance(value, str) or not isinstance(
                value, (list, tuple)) or not value):
            check.add(attr_path(path, key), f"must be a list of colours, not {value!r}")


def _check_raster(options, path, pop_labels, rxd, check) -> None:
    _check_colours(options, path, pop_labels, rxd, check)
    check.number(options["maxSpikes"], attr_path(path, "maxSpikes"), positive=True)
    for key in ("markerSize", "s", "lw", "linewidth"):
        if options.get(key) is not None:
            check.number(options[key], attr_path(path, key), minimum=0)
    phase = options.get("colorbyPhase")
    if phase is not None:
        check.mapping(phase, attr_path(path, "colorbyPhase"))


def _check_spike_hist(options, path, pop_labels, rxd, check) -> None:
    _check_colours(options, path, pop_labels, rxd, check)
    smooth = options.get("smooth")
    if smooth is not None:
        check.integer(smooth, attr_path(path, "smooth"), minimum=1)
    for key in ("norm", "cumulative", "log"):
        check.boolean(options[key], attr_path(path, key))


def _check_shape(options, path, pop_labels, rxd, check) -> None:
    for key in ("showSyns", "showElectrodes", "includeAxon", "axisLabels"):
        check.boolean(options[key], attr_path(path, key))
    check.number(options["synSize"], attr_path(path, "synSize"), positive=True)
    if not isinstance(options["kind"], str) or not options["kind"]:
        check.add(attr_path(path, "kind"), f"must be a name, not {options['kind']!r}")
    if options["aspect"] not in ("equal", "auto") and not isinstance(options["aspect"], Real):
        check.add(attr_path(path, "aspect"), f"must be 'equal', 'auto' or a number, not "
                                             f"{options['aspect']!r}")


#: plotfI's target curves: option -> the key of ``target`` it stands for
FI_TARGETS = {"targetRates": "rates", "targetRatesOnset": "ratesOnset",
              "targetRatesSteady": "ratesSteady"}


def _check_fi(options, path, pop_labels, rxd, check) -> None:
    """plotfI: amps and times (one per current step), dur, and the curves' targets."""
    lists = {}
    for key in ("amps", "times"):
        value = options.get(key)
        if value is None:
            check.add(attr_path(path, key), "is required (a list: one per current step)")
        elif isinstance(value, (str, Mapping)) or not isinstance(value, (list, tuple)) or \
                not all(isinstance(v, Real) and not isinstance(v, bool) for v in value):
            check.add(attr_path(path, key), f"must be a list of numbers, not {value!r}")
        else:
            lists[key] = value
    if len(lists) == 2 and len(lists["amps"]) != len(lists["times"]):
        check.add(attr_path(path, "times"), f"must give one start per amplitude of amps "
                                            f"({len(lists['amps'])}), not {len(lists['times'])}")
    if options.get("dur") is None:
        check.add(attr_path(path, "dur"), "is required (ms of each current step)")
    else:
        check.number(options["dur"], attr_path(path, "dur"), positive=True)
    if options.get("durSteady") is not None:
        check.number(options["durSteady"], attr_path(path, "durSteady"), positive=True)
    check.boolean(options["calculateOnset"], attr_path(path, "calculateOnset"))
    features = options.get("calculateFeatures") or ()
    if isinstance(features, str) or not isinstance(features, (list, tuple)):
        check.add(attr_path(path, "calculateFeatures"), f"must list some of "
                                                        f"{', '.join(FEATURES)}, not "
                                                        f"{features!r}")
    else:
        for i, name in enumerate(features):
            check.reference(name, f"{attr_path(path, 'calculateFeatures')}[{i}]",
                            "feature", FEATURES)
    n = len(lists["amps"]) if "amps" in lists else None
    curves = [(attr_path(path, key), options.get(key)) for key in FI_TARGETS]
    target = options.get("target")
    if target is not None and check.mapping(target, attr_path(path, "target")) is not None:
        check.known_keys(target, attr_path(path, "target"),
                         tuple(FI_TARGETS.values()) + tuple(FEATURES))
        curves += [(item_path(attr_path(path, "target"), k), v) for k, v in target.items()]
    for where, value in curves:
        if value is not None and (not isinstance(value, (list, tuple)) or (
                n is not None and len(value) not in (0, n))):
            check.add(where, f"must be a list of one value per amplitude of amps, not "
                             f"{value!r}")


#: the figure options every NetPyNE plot takes (its plotter's, and showFig, saveFig,
#: saveData), with neuroloom's defaults: None is neuroloom's own (dpi, fontSize, labels)
FIGURE_OPTIONS = {
    "saveFig": False,  # True: <filename> + the entry's file; a string: that file
    "saveData": None,  # True: <filename>_<name>.pkl (DATA_FILES); a .pkl or .json name
    "showFig": False,  # no effect: see PLOT_NO_EFFECT
    "dpi": None,  # of the saved image (None: 150)
    "fontSize": None,  # of every label, title, tick and legend
    "title": None, "xlabel": None, "ylabel": None,  # of the main axes
    "xlim": None, "ylim": None,  # [min, max] of every data axes
    "legend": True,  # False: none
    "legendKwargs": None,  # matplotlib's legend() options, e.g. {'loc': 'upper left'}
    "rcParams": None,  # matplotlib rcParams while the figure is drawn
    "overwrite": True,  # False: an existing file is kept, the new one numbered _01, _02
    "returnPlotter": False,  # no effect: see PLOT_NO_EFFECT
}
#: NetPyNE's options of saving a plot's data (prepareRaster, prepareSpikeHist): the file
#: is <fileDir>/<fileName or filename>_<fileDesc>.<fileType>
DATA_FILE_OPTIONS = {"fileName": None, "fileDesc": None, "fileType": None, "fileDir": None}
DATA_FILE_TYPES = ("pkl", "pickle", ".pkl", "json", ".json")


def _options(own: dict, figure: dict | None = None) -> dict:
    """An entry's options: the figure options (``figure`` overriding their defaults),
    then the plot's own."""
    return {**FIGURE_OPTIONS, **(figure or {}), **own}


#: The table of plots: name -> its entry (validate/types.py Plot); see the module docstring.
PLOTS = {
    "plotRaster": Plot(
        "A raster of the spikes of the cells in include, a row per cell ordered by orderBy.",
        _options({"include": ("allCells",), "timeRange": None, "maxSpikes": 1e8,
                  "orderBy": "gid", "orderInverse": False, "labels": "legend",
                  "popRates": True, "markerSize": 3, "marker": None, "lw": None, "s": None,
                  "linewidth": None, "syncLines": False, "spikeHist": False,
                  "spikeHistBin": 5.0, "popColors": None, "colorList": None,
                  "figSize": (10, 6), "colorbyPhase": None, "rasterData": None,
                  "popNumCells": None, "popLabels": None, "axis": None, "sim": None,
                  **DATA_FILE_OPTIONS}),
        choices={"orderBy": ("gid", "pop", "x", "y", "z", "xnorm", "ynorm", "znorm"),
                 "labels": ("legend", "overlay"), "popRates": (True, False, "minimal"),
                 "spikeHist": (False, True, None, "overlay", "subplot")},
        check=_check_raster, file="_raster.png"),
    "plotTraces": Plot(
        "The recorded traces (simConfig.recordTraces) of the cells in include.",
        _options({"include": None, "timeRange": None, "overlay": False, "oneFigPer": "cell",
                  "rerun": False, "subtitles": True, "colors": None, "axis": True,
                  "scaleBarLoc": 1, "figSize": (10, 8)}),
        choices={"oneFigPer": ("cell", "trace"), "axis": (True, False, "on", "off")},
        check=_check_colours,
        # several figures: _traces__gid_<gid>_.png or _traces__trace_<label>_.png, as
        # NetPyNE names them (sim/plots.py)
        file="_traces.png"),
    "plotSpikeHist": Plot(
        "Spike counts (or rates) per bin of each population over time, overlaid or stacked.",
        _options({"include": ("allCells",), "timeRange": None, "binSize": 5.0,
                  "overlay": True, "graphType": "line", "measure": "count", "norm": False,
                  "smooth": None, "cumulative": False, "log": False, "axis": True,
                  "popColors": None, "colorList": None, "filtFreq": None, "filtOrder": 3,
                  "histData": None, "histType": "step", "stacked": False, "density": False,
                  "popNumCells": None, "popLabels": None, "sim": None,
                  "figSize": (10, 4), **DATA_FILE_OPTIONS}),
        choices={"graphType": ("line", "bar"), "measure": ("count", "rate"),
                 "axis": (True, False, "on", "off")},
        check=_check_spike_hist, file="_histogram.png"),  # NetPyNE's plot kind
    "plotRatePSD": Plot(
        "The power spectral density of each population's firing rate (Welch).",
        _options({"include": ("allCells",), "timeRange": None, "binSize": 1.0,
                  "maxFreq": 100.0, "segment": 256, "popColors": None, "minFreq": 1,
                  "transformMethod": "morlet", "stepFreq": 1, "NFFT": 256, "noverlap": 128,
                  "smooth": 0, "norm": False, "overlay": True, "yLogScale": True,
                  "lineWidth": 1.5, "figSize": (8, 5)}),
        check=_check_colours, file="_plot_spikePSD.png"),
    "plotSpikeStats": Plot(
        "Rate and ISI CV per cell and spike synchrony per population, by population.",
        _options({"include": ("allCells",), "timeRange": None, "stats": SPIKE_STATS,
                  "popColors": None, "statDataIn": None, "graphType": "boxplot",
                  "bins": 50, "histlogy": False, "histlogx": False, "histmin": 0.0,
                  "density": False, "includeRate0": False, "legendLabels": None,
                  "normfit": False, "histShading": True, "figSize": (10, 4)}),
        check=_check_spike_stats, file="_spikeStats.png"),
    "plotShape": Plot(
        "The cells' morphologies in a plane (view), coloured by cvar.",
        _options({"include": ("allCells",), "includePre": ("all",),
                  "includePost": ("all",), "cvar": None, "cvals": None, "clim": None,
                  "view": "xy", "showSyns": False, "synStyle": ".", "synSize": 3,
                  "synColor": "red", "showElectrodes": False, "includeAxon": True,
                  "bkgColor": None, "aspect": "equal", "axisLabels": True,
                  "kind": "shape", "dist": 0.6, "elev": 90, "azim": -90, "iv": False,
                  "ivprops": None, "axis": None, "figSize": (8, 8)}),
        choices={"view": VIEWS}, check=_check_shape, file="_{kind}.png", needs_run=False),
    "plot2Dnet": Plot(
        "The cells' positions in a plane (view), with their connections.",
        _options({"include": ("allCells",), "view": "xy", "showConns": True,
                  "popColors": None, "lineWidth": None, "tagsFile": None,
                  "figSize": (6, 8)}),
        choices={"view": VIEWS}, check=_check_colours, file="_plot_2Dnet.png", needs_run=False),
    "plotConn": Plot(
        "A matrix of a connectivity feature between populations or cells (groupBy).",
        _options({"includePre": ("allCells",), "includePost": ("allCells",),
                  "feature": "strength", "groupBy": "pop", "orderBy": "gid",
                  "synOrConn": "syn", "graphType": "matrix", "clim": None,
                  "logPlot": False, "synMech": None, "groupByIntervalPre": None,
                  "groupByIntervalPost": None, "removeWeightNorm": False, "connsFile": None,
                  "tagsFile": None, "figSize": (8, 8)}),
        choices={"feature": ("strength", "weight", "delay", "probability", "numConns",
                             "convergence", "divergence"),
                 "groupBy": ("pop", "cell"), "synOrConn": ("syn", "conn"),
                 "graphType": ("matrix",),
                 "orderBy": ("gid", "x", "y", "z", "xnorm", "ynorm", "znorm")},
        check=_check_conn, file="_plot_conn_{groupBy}_{feature}_{graphType}.png",
        needs_run=False),
    "plotfI": Plot(
        "The f-I curve: the rate of all spikes in each current step (amps starting at "
        "times, dur ms each) against its amplitude, and the first spikes' features.",
        _options({"amps": None, "times": None, "dur": None, "target": None,
                  "targetRates": None, "calculateOnset": False, "targetRatesOnset": None,
                  "durSteady": None, "targetRatesSteady": None, "calculateFeatures": (),
                  "figSize": (10, 6)}),
        check=_check_fi, arguments=("amps", "times", "dur"),  # NetPyNE's positional ones
        file=None),  # _fI.png, then _fI_<feature>.png for each feature (sim/plots.py)
    "plotRxDConcentration": Plot(
        "A species' concentration in a region at the end of the run (tutorial 10): an "
        "extracellular grid averaged across the plane, or the cells coloured by it.",
        _options({"speciesLabel": None, "regionLabel": None, "plane": "xy",
                  "figSize": (5, 10), "clim": None, "fontSize": 10, "title": True,
                  "scalebar": False},
                 {"saveFig": True}),  # NetPyNE's plotRxDConcentration saves by default
        check=check_rxd_plot_options, file="_rxd_concentration.png",
        arguments=("speciesLabel", "regionLabel")),
    # the LFP plots: sim/lfp_plots.py draws them, validate/lfp_plots.py checks them
    "plotLFP": Plot(
        "Tutorial 9's LFP plots: 'timeSeries', 'PSD', 'spectrogram', 'locations' (one "
        "figure each; a list when several).",
        _options(LFP_OPTIONS, {"dpi": 200, "fontSize": 14}),
        check=check_lfp_options,
        file=None),  # _LFPTimeSeries.png, _LFPPSD.png, ... (sim/lfp_plots.py)
    **{name: Plot(
        f"NetPyNE's {name}: plotLFP's '{kind}' figure alone.",
        _options(lfp_options_of(kind), {"dpi": 200, "fontSize": 14}),
        check=lfp_kind_check(kind), file=f"_{name[4:]}.png")
       for name, kind in LFP_KIND_PLOTS.items()},
    "plotCSD": Plot(
        "Current source density of a laminar array of electrodes (simConfig.recordLFP).",
        _options(CSD_OPTIONS, {"dpi": 200, "fontSize": 12}),
        check=check_csd_options, file="_CSD.png"),
}
_NO_DISPLAY = "figures are drawn without a display and returned (or saved)"
_ONE_PLANE = "neuroloom draws the cells in a plane (view), without a 3D camera"
#: options accepted that cannot change a file or a figure -> why (every plot)
FIGURE_NO_EFFECT = {
    "showFig": _NO_DISPLAY,
    "returnPlotter": "neuroloom's plot functions return (figure, data)",
    "sim": "the current session is drawn",
}
#: plot -> its own options that cannot change a file or a figure -> why
PLOT_NO_EFFECT = {
    "plotTraces": {"rerun": "the cells plotTraces shows are recorded during the run "
                            "already"},
    "plotShape": {"dist": _ONE_PLANE, "elev": _ONE_PLANE, "azim": _ONE_PLANE,
                  "iv": "NEURON's InterViews window: " + _NO_DISPLAY,
                  "ivprops": "NEURON's InterViews window: " + _NO_DISPLAY},
    "plotCSD": {"getAllData": "the returned data always hold the CSD and its LFP"},
}
_OWN_DATA = "drawing data given instead of the run's"
_MPL_AXIS = "drawing into a matplotlib axis of your own"
#: plot -> options neuroloom does not draw yet -> what they do; given (not at their
#: default), the figure is drawn without them and a warning says so
PLOT_NOT_DRAWN = {
    "plotRaster": {"colorbyPhase": "spikes coloured by the phase of a filtered signal",
                   "rasterData": _OWN_DATA, "popNumCells": _OWN_DATA, "popLabels": _OWN_DATA,
                   "axis": _MPL_AXIS},
    "plotTraces": {"scaleBarLoc": "a scale bar instead of the axes"},
    "plotSpikeHist": {"filtFreq": "a filtered histogram", "filtOrder": "a filtered histogram",
                      "histData": _OWN_DATA, "popNumCells": _OWN_DATA,
                      "popLabels": _OWN_DATA, "histType": "matplotlib's histogram types",
                      "stacked": "stacked histograms", "density": "a density histogram"},
    "plotRatePSD": dict.fromkeys(("minFreq", "transformMethod", "stepFreq", "NFFT",
                                  "noverlap", "smooth", "norm", "overlay", "yLogScale",
                                  "lineWidth"), "NetPyNE's spectral options (neuroloom: "
                                                "Welch's method over segment bins)"),
    "plotSpikeStats": dict.fromkeys(("statDataIn", "graphType", "bins", "histlogy",
                                     "histlogx", "histmin", "density", "includeRate0",
                                     "legendLabels", "normfit", "histShading"),
                                    "NetPyNE's other spike statistics graphs"),
    "plotShape": {"cvals": "a colour value per segment given by you", "axis": _MPL_AXIS},
    "plot2Dnet": {"tagsFile": _OWN_DATA},
    "plotConn": {"synMech": "connections of one synaptic mechanism",
                 "groupByIntervalPre": "groups by intervals of a cell tag",
                 "groupByIntervalPost": "groups by intervals of a cell tag",
                 "removeWeightNorm": "weights without their weightNorm factor",
                 "connsFile": _OWN_DATA, "tagsFile": _OWN_DATA},
    "plotRxDConcentration": {"scalebar": "a scale bar"},
    "plotLFP": {"inputLFP": _OWN_DATA},
    "plotLFPTimeSeries": {"LFPData": _OWN_DATA, "orderInverse": "electrodes bottom-up",
                          "scalebar": "a scale bar", "axis": _MPL_AXIS},
    "plotLFPPSD": {"PSDData": _OWN_DATA, "orderInverse": "electrodes bottom-up",
                   "roundOffset": "offsets rounded for display", "axis": _MPL_AXIS},
    "plotLFPSpectrogram": {"SpectData": _OWN_DATA, "axis": _MPL_AXIS},
    "plotLFPLocations": {"axis": _MPL_AXIS},
    "plotCSD": {"CSDData": _OWN_DATA, "LFPData": _OWN_DATA, "dt": _OWN_DATA,
                "sampr": _OWN_DATA, "ymax": "a depth limit", "stimTimes": "stimulus times",
                "colorbar": "a CSD without its colour bar", "pad": "the colour bar's pad",
                "minf": "NetPyNE's band-pass of the LFP (neuroloom: filtFreq)",
                "maxf": "NetPyNE's band-pass of the LFP (neuroloom: filtFreq)"},
}
#: plot -> the name of its saveData=True file after <filename>, as NetPyNE names it
DATA_FILES = {"plotRaster": "_raster", "plotTraces": "_traces", "plotSpikeHist": "_spikeHist",
              "plotRatePSD": "_spikePSD", "plotSpikeStats": "_spikeStats",
              "plotShape": "_shape", "plot2Dnet": "_2Dnet", "plotConn": "_conn",
              "plotfI": "_fI",
              "plotRxDConcentration": "_rxd_concentration", "plotLFP": "_lfp",
              **{name: f"_{name[4:]}" for name in LFP_KIND_PLOTS}, "plotCSD": "_CSD"}


def no_effect(name: str) -> dict:
    """The options of plot ``name`` that cannot change what it draws or saves -> why."""
    plot = PLOTS[name]
    return {k: why for k, why in {**FIGURE_NO_EFFECT, **PLOT_NO_EFFECT.get(name, {})}.items()
            if k in plot.options}


#: NetPyNE's analysis functions neuroloom does not have yet: an error that says so
ANALYSIS_PENDING = {
    **dict.fromkeys(("granger", "nTE", "plotSyncs", "plotEPSPAmp"), "not supported"),
    **dict.fromkeys(("plotRates", "plotRateSpectrogram", "plotSpikeFreq",
                     "plot2Dfiring", "plotDipole", "plotEEG", "plotCSDTimeSeries",
                     "plotCSDPSD"), "not in neuroloom's table of plots"),
    **dict.fromkeys(("iplotDipole", "iplotDipoleSpectrogram", "iplotDipolePSD",
                     "iplotRaster", "iplotSpikeHist", "iplotRatePSD", "iplotTraces",
                     "iplotLFP", "iplotConn", "iplotRxDConcentration", "iplot2Dnet",
                     "iplotSpikeStats"), "NetPyNE's interactive (bokeh) plots"),
}


def analysis_specs(analysis, pop_labels, check, rxd=()) -> tuple:
    """simConfig.analysis checked against PLOTS: (name, options items) of each plot
    asked for."""
    analysis = check.mapping(analysis, "analysis") or {}
    out = []
    for name, options in analysis.items():
        path = item_path("analysis", name)
        if name in ANALYSIS_PENDING:
            check.add(path, f"'{name}' is not supported yet ({ANALYSIS_PENDING[name]})")
            continue
        if name not in PLOTS:
            check.reference(name, path, "analysis function", PLOTS)
            continue
        if options is False or options is None:
            continue
        options = plot_options(name, {} if options is True else options, path, pop_labels,
                               check, rxd)
        if options is not None:
            out.append((name, tuple(options.items())))
    return tuple(out)


#: NetPyNE's include items that name all cells (plots draw each population anyway)
EACH_POP = ("eachPop",)
#: NetPyNE's include items that name stimuli, which plots do not draw yet
NETSTIM_ITEMS = ("allNetStims",)


def _drawable(include, path, pop_labels, check) -> list:
    """A plot's include without the items it cannot draw, each named in a warning (as in
    NetPyNE, a population the network lacks draws nothing; 'eachPop' is all cells, each
    population drawn apart as every plot does; NetStims are not drawn yet)."""
    items = [include] if isinstance(include, (str, int)) or (
        isinstance(include, tuple) and len(include) == 2 and isinstance(include[0], str)) \
        else include
    if not isinstance(items, (list, tuple, range)):
        return include  # cell_list says what is wrong with it
    kept = []
    for i, item in enumerate(items):
        label = item if isinstance(item, str) else item[0] if isinstance(
            item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str) else None
        if label in EACH_POP:
            kept.append("allCells")
        elif label is None or label in pop_labels or label in PLOT_INCLUDE_SPECIAL:
            kept.append(item)
        elif check.warn:
            why = ("NetStims are not drawn yet" if label in NETSTIM_ITEMS else
                   f"the network has no population '{label}' "
                   f"({hint(label, pop_labels)}): it draws nothing, as in NetPyNE")
            warnings.warn(f"{path}[{i}]: {why}", UserWarning,
                          stacklevel=outside_neuroloom())
    return kept


def plot_options(name, options, path, pop_labels, check, rxd=()) -> dict | None:
    """The options of one plot (an entry of PLOTS), checked, with defaults filled in and
    'include' resolved to normalised items (None: every recorded cell). ``rxd``:
    Names.rxd."""
    options = check.mapping(options, path)
    if options is None:
        return None
    plot = PLOTS[name]
    check.known_keys(options, path, plot.options)
    merged = {**plot.options, **options}
    for key in ("include", "includePre", "includePost"):
        if merged.get(key) is not None:
            drawable = _drawable(merged[key], attr_path(path, key), pop_labels, check)
            merged[key] = cell_list(drawable, attr_path(path, key), pop_labels, check)
    for key, value in merged.items():
        choices = plot.choices.get(key)
        if choices is not None and value not in choices:
            check.reference(value, attr_path(path, key), key, choices)
    if plot.check is not None:
        plot.check(merged, path, pop_labels, rxd, check)
    time_range = merged.get("timeRange")
    if time_range is not None and not (
            isinstance(time_range, (list, tuple)) and len(time_range) == 2
            and all(isinstance(v, Real) for v in time_range) and time_range[0] < time_range[1]):
        check.add(attr_path(path, "timeRange"), f"must be [start, stop] in ms, not "
                                                f"{time_range!r}")
    save = merged["saveFig"]
    if isinstance(save, int) and not isinstance(save, bool) and save in (0, 1):
        merged["saveFig"] = save = bool(save)  # NetPyNE's examples write saveFig: 1
    if not isinstance(save, (bool, str)):
        check.add(attr_path(path, "saveFig"), f"must be True, False or a file name, not "
                                              f"{save!r}")
    _check_figure(merged, path, check)
    return merged
