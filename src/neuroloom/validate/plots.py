"""The table of plots: one entry per plot of simConfig.analysis and sim.analysis.

An entry (types.Plot) gives the plot's options and their defaults, their allowed values
and further checks, the name of its saved file, whether it draws a run's results, and a
one-line description. The drawing is the one part that lives elsewhere: sim/plots.py (the
sim layer: drawing needs the session and plotting/) keys it by the same name, checks at
import that the two agree, and makes from this table sim.analysis's functions, their
docstrings, the saving of their files and the dispatch of run_plot.

The table is here, not in sim/, because validate() checks simConfig.analysis with every
other option, in one SpecError, and is called without sim/ (builder.network_from_specs,
which ``neuroloom validate`` reads scripts through; tests of the specs alone); validate/
may not import sim/, so sim/ imports this table, the same object.
"""
from __future__ import annotations

from numbers import Real

from .cell_lists import cell_list
from .checker import attr_path, item_path
from .lfp_plots import LFP_PLOT_TYPES, check_csd_options, check_lfp_options
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


#: The table of plots: name -> its entry (validate/types.py Plot); see the module docstring.
PLOTS = {
    "plotRaster": Plot(
        "A raster of the spikes of the cells in include, a row per cell ordered by orderBy.",
        {"include": ("allCells",), "timeRange": None, "orderBy": "gid",
         "orderInverse": False, "popRates": True, "markerSize": 3, "syncLines": False,
         "spikeHist": False, "spikeHistBin": 5.0, "figSize": (10, 6), "saveFig": False},
        choices={"orderBy": ("gid", "pop", "x", "y", "z", "xnorm", "ynorm", "znorm")},
        file="_raster.png"),
    "plotTraces": Plot(
        "The recorded traces (simConfig.recordTraces) of the cells in include.",
        {"include": None, "timeRange": None, "overlay": True, "oneFigPer": "trace",
         "figSize": (10, 6), "saveFig": False},
        choices={"oneFigPer": ("trace", "cell")},
        file="_traces.png"),  # a figure per cell: _traces_cell_<gid>.png (sim/plots.py)
    "plotSpikeHist": Plot(
        "Spike counts per bin of each population over time, overlaid or stacked.",
        {"include": ("allCells",), "timeRange": None, "binSize": 5.0, "overlay": True,
         "figSize": (10, 4), "saveFig": False},
        file="_spikeHist.png"),
    "plotRatePSD": Plot(
        "The power spectral density of each population's firing rate (Welch).",
        {"include": ("allCells",), "timeRange": None, "binSize": 1.0, "maxFreq": 100.0,
         "segment": 256, "figSize": (8, 5), "saveFig": False},
        file="_ratePSD.png"),
    "plotSpikeStats": Plot(
        "Rate and ISI CV per cell and spike synchrony per population, by population.",
        {"include": ("allCells",), "timeRange": None, "stats": SPIKE_STATS,
         "figSize": (10, 4), "saveFig": False},
        check=_check_spike_stats, file="_spikeStats.png"),
    "plotShape": Plot(
        "The cells' morphologies in a plane (view), coloured by cvar.",
        {"include": ("allCells",), "cvar": None, "view": "xy", "figSize": (8, 8),
         "saveFig": False},
        choices={"view": VIEWS}, file="_shape.png", needs_run=False),
    "plot2Dnet": Plot(
        "The cells' positions in a plane (view), with their connections.",
        {"include": ("allCells",), "view": "xy", "showConns": True, "figSize": (6, 8),
         "saveFig": False},
        choices={"view": VIEWS}, file="_2Dnet.png", needs_run=False),
    "plotConn": Plot(
        "A matrix of a connectivity feature between populations or cells (groupBy).",
        {"includePre": ("allCells",), "includePost": ("allCells",), "feature": "strength",
         "groupBy": "pop", "orderBy": "gid", "synOrConn": "syn", "graphType": "matrix",
         "figSize": (8, 8), "saveFig": False},
        choices={"feature": ("strength", "weight", "delay", "probability", "numConns",
                             "convergence", "divergence"),
                 "groupBy": ("pop", "cell"), "synOrConn": ("syn", "conn"),
                 "graphType": ("matrix",),
                 "orderBy": ("gid", "x", "y", "z", "xnorm", "ynorm", "znorm")},
        check=_check_conn, file="_plot_conn_{groupBy}_{feature}_{graphType}.png",
        needs_run=False),
    # NetPyNE's options, without showFig
    "plotRxDConcentration": Plot(
        "A species' concentration in a region at the end of the run (tutorial 10): an "
        "extracellular grid averaged across the plane, or the cells coloured by it.",
        {"speciesLabel": None, "regionLabel": None, "plane": "xy", "figSize": (5, 10),
         "clim": None, "fontSize": 10, "title": True, "saveFig": False},
        check=check_rxd_plot_options, file="_rxd_concentration.png",
        arguments=("speciesLabel", "regionLabel")),
    # the LFP plots: sim/lfp_plots.py draws them, validate/lfp_plots.py checks them
    "plotLFP": Plot(
        "Tutorial 9's LFP plots: 'timeSeries', 'PSD', 'spectrogram', 'locations' (one "
        "figure each; a list when several).",
        {"timeRange": None, "electrodes": ("avg", "all"), "plots": LFP_PLOT_TYPES,
         "pop": None, "NFFT": 256, "noverlap": 128, "nperseg": 256, "minFreq": 1,
         "maxFreq": 100, "stepFreq": 1, "smooth": 0, "separation": 1.0,
         "includeAxon": True, "logx": False, "logy": False, "normSignal": False,
         "normPSD": False, "normSpec": False, "filtFreq": False, "filtOrder": 3,
         "detrend": False, "transformMethod": "morlet", "maxPlots": 8, "overlay": False,
         "colors": None, "figSize": (8, 8), "fontSize": 14, "lineWidth": 1.5, "dpi": 200,
         "saveData": None, "saveFig": False, "showFig": False},
        check=check_lfp_options,
        file=None),  # _LFP_timeseries.png, _LFP_psd.png, ... (sim/lfp_plots.py)
    "plotCSD": Plot(
        "Current source density of a laminar array of electrodes (simConfig.recordLFP).",
        {"timeRange": None, "spacing_um": None, "vaknin": True, "norm": False,
         "filtFreq": False, "filtOrder": 3, "overlay": "LFP", "hlines": False,
         "layerBounds": None, "smooth": True, "figSize": (8, 8), "fontSize": 12,
         "dpi": 200, "saveFig": False, "showFig": False},
        check=check_csd_options, file="_CSD.png"),
}
#: NetPyNE's analysis functions neuroloom does not have yet: an error that says so
ANALYSIS_PENDING = {**dict.fromkeys(("granger", "nTE", "plotSyncs", "plotEPSPAmp"),
                                    "not supported")}


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
            merged[key] = cell_list(merged[key], attr_path(path, key), pop_labels, check)
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
    if not isinstance(save, (bool, str)):
        check.add(attr_path(path, "saveFig"), f"must be True, False or a file name, not "
                                              f"{save!r}")
    return merged
