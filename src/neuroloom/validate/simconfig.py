"""SimConfig -> RunSpec + OutputSpec, and the table of plots.

The table of plots, PLOTS, is the one place a plot of simConfig.analysis (and
sim.analysis) is defined: its options and their defaults, their allowed values and further
checks, the name of its saved file, whether it draws a run's results, and a one-line
description. The plot's drawing is the only part of it that lives elsewhere: sim/plots.py
(the sim layer: drawing needs the session and plotting/) keys it by the same name, and
makes from this table sim.analysis's functions, their docstrings, the saving of their files
and the dispatch of run_plot.

Why the table is here and not in sim/: validate() checks simConfig.analysis with every other
option, in one SpecError, and it is called without sim/ (builder.network_from_specs, which
``neuroloom validate`` reads scripts through; tests of the specs alone). validate/ may not
import sim/, so the table sim/ needs is one validate/ can read: sim/ imports it from here,
the same object, never a copy.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

from .checker import Checker, attr_path, item_path
from .conds import Tags, conds as parse_conds
from .grouping import grouping_problems
from .lfp import lfp_spec
from .options import LOAD_BALANCE, SIMCONFIG_OPTIONS, SIMCONFIG_PENDING
from .types import OutputSpec, Plot, ReportSpec, RunSpec, TraceSpec
from ..model.rxd import species_regions
from .rxd_options import check_rxd_plot_options, check_trace_var
from .lfp_plots import LFP_PLOT_TYPES, check_csd_options, check_lfp_options

SEED_PURPOSES = ("conn", "stim", "loc")
TRACE_KEYS = ("sec", "loc", "var", "mech", "synMech", "pointp", "stim", "conds")
TRACE_OWNERS = ("mech", "synMech", "pointp", "stim")  # at most one: whose variable it is
TRACE_PENDING = {"index": "not supported"}

PLOT_INCLUDE_SPECIAL = ("all", "allCells")
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
DATA_PARTS = ("netParams", "netCells", "netPops", "simConfig", "simData")


@dataclass(frozen=True)
class Names:
    """What a simConfig may refer to: the network's populations, synMechs and stimulus
    rules, and the tags of its cells."""

    pops: tuple
    syn_mechs: tuple
    stims: tuple
    tags: Tags
    rxd: tuple = ()  # (label, its regions) of the rxd species, states and parameters

    @classmethod
    def of_spec(cls, net) -> "Names":
        return cls(tuple(p.label for p in net.pops), tuple(m.label for m in net.syn_mechs),
                   tuple(t.label for t in net.stim_targets),
                   Tags(net.pops, {t.label: t for t in net.cell_types}),
                   species_regions(net.rxd))

    @classmethod
    def of_network(cls, network) -> "Names":
        return cls(tuple(p.label for p in network.pops),
                   tuple(dict.fromkeys(m.user_label for m in network.syn_mechs)),
                   tuple(network.stim_rules), Tags.of_network(network),
                   species_regions(network.rxd))


def validate_sim_config(sim_config, names: Names, check: Checker) -> tuple[RunSpec,
                                                                           OutputSpec]:
    pop_labels = list(names.pops)
    options = SIMCONFIG_OPTIONS
    check.top_level(sim_config, "SimConfig", options, SIMCONFIG_PENDING)
    c = sim_config
    duration = check.number(c.duration, "duration", minimum=0, default=1000.0)
    dt = check.number(c.dt, "dt", positive=True, default=0.025)
    # NEURON's globals keep their values between runs in one process, so every run sets
    # the defaults of those not given
    hparams = {**options["hParams"], **(check.mapping(c.hParams, "hParams") or {})}
    hparams = tuple((str(k), check.number(v, attr_path("hParams", k), default=0.0))
                    for k, v in hparams.items())
    seeds = dict(options["seeds"])
    given_seeds = check.mapping(c.seeds, "seeds") or {}
    check.known_keys(given_seeds, "seeds", SEED_PURPOSES)
    for purpose in SEED_PURPOSES:
        if purpose in given_seeds:
            seeds[purpose] = check.integer(given_seeds[purpose], attr_path("seeds", purpose),
                                           minimum=0, default=1)
    linear = c.linearSynMechs
    if not isinstance(linear, (list, tuple, set)) or not all(isinstance(m, str) for m in linear):
        check.add("linearSynMechs", f"must be a list of mechanism names, not {linear!r}")
        linear = options["linearSynMechs"]
    record_step = check.number(c.recordStep, "recordStep", positive=True, default=0.1)
    folders = [c.modFolders] if isinstance(c.modFolders, str) else c.modFolders
    if not isinstance(folders, (list, tuple)) or not all(isinstance(f, str) for f in folders):
        check.add("modFolders", f"must be a folder or a list of folders, not {folders!r}")
        folders = []
    run = RunSpec(
        duration=duration, dt=dt, hparams=hparams, seeds=tuple(seeds.items()),
        one_syn_per_netcon=check.boolean(c.oneSynPerNetcon, "oneSynPerNetcon"),
        linear_syn_mechs=frozenset(linear), mod_folders=tuple(folders),
        record_cells=_include(c.recordCells, "recordCells", pop_labels, check),
        traces=_traces(c.recordTraces, names, check),
        record_step=record_step, verbose=bool(c.verbose),
        progress=check.boolean(c.progress, "progress"),
        coreneuron=check.boolean(c.coreneuron, "coreneuron"),
        load_balance=_load_balance(c.loadBalance, check),
        lfp=lfp_spec(c, pop_labels, check, _include))
    include = c.saveDataInclude
    if not isinstance(include, (list, tuple)) or not all(i in DATA_PARTS for i in include):
        bad = [i for i in include if i not in DATA_PARTS] if isinstance(include, (list, tuple)) \
            else [include]
        check.add("saveDataInclude", f"unknown parts {bad}; valid parts are "
                                     f"{', '.join(DATA_PARTS)}")
        include = options["saveDataInclude"]
    label = c.simLabel if isinstance(c.simLabel, str) else check.string(c.simLabel, "simLabel")
    output = OutputSpec(
        filename=label or check.string(c.filename, "filename", default="model_output"),
        save_folder=c.saveFolder if isinstance(c.saveFolder, str) else
        check.string(c.saveFolder, "saveFolder", default=""),
        save_json=check.boolean(c.saveJson, "saveJson"),
        save_pickle=check.boolean(c.savePickle, "savePickle"),
        save_hdf5=check.boolean(c.saveHDF5, "saveHDF5"),
        save_dat=check.boolean(c.saveDat, "saveDat"),
        save_csv=check.boolean(c.saveCSV, "saveCSV"),
        spikes_file=_spikes_file(c.saveSpikesSonata, label or c.filename, check),
        save_timing=check.boolean(c.saveTiming, "saveTiming"),
        timing=check.boolean(c.timing, "timing"),
        print_pop_avg_rates=check.boolean(c.printPopAvgRates, "printPopAvgRates"),
        include=tuple(include), analysis=_analysis(c.analysis, pop_labels, check, names.rxd),
        reports=_reports(c.sonataReports, pop_labels, check),
        sonata_populations=_sonata_populations(c.sonataPopulations, pop_labels, check))
    return run, output


def _load_balance(value, check) -> str:
    if value not in LOAD_BALANCE:
        check.add("loadBalance", f"must be one of {', '.join(map(repr, LOAD_BALANCE))}, not "
                                 f"{value!r}")
        return LOAD_BALANCE[0]
    return value


def _spikes_file(value, filename, check) -> str:
    """saveSpikesSonata: True (<filename>_spikes.h5), False, or the file's name."""
    if isinstance(value, str) and value:
        return value
    return f"{filename}_spikes.h5" if check.boolean(value, "saveSpikesSonata") else ""


def _sonata_populations(grouping, pop_labels, check) -> tuple:
    grouping = check.mapping(grouping, "sonataPopulations") or {}
    problems = grouping_problems(grouping, pop_labels)
    for key, message in problems:
        check.add(f"sonataPopulations{key}", message)
    if problems:
        return ()
    return tuple((name, tuple(labels)) for name, labels in grouping.items())


REPORT_KEYS = ("cells", "var", "sections", "file", "units")


def _reports(reports, pop_labels, check) -> tuple[ReportSpec, ...]:
    out = []
    for label, spec in (check.mapping(reports, "sonataReports") or {}).items():
        path = item_path("sonataReports", label)
        spec = check.mapping(spec, path)
        if spec is None:
            continue
        check.known_keys(spec, path, REPORT_KEYS)
        var = check.string(check.required(spec, "var", path), attr_path(path, "var"))
        sections = spec.get("sections", "soma")
        if sections not in ("soma", "all"):
            check.add(attr_path(path, "sections"), f"must be 'soma' or 'all', not "
                                                   f"{sections!r}")
        out.append(ReportSpec(
            label=str(label), cells=_include(spec.get("cells", ["all"]),
                                             attr_path(path, "cells"), pop_labels, check),
            var=var or "", sections=sections,
            file=check.string(spec.get("file", f"{label}.h5"), attr_path(path, "file")) or "",
            units=check.string(spec["units"], attr_path(path, "units")) or ""
            if "units" in spec else ""))
    return tuple(out)


def _traces(traces, names, check) -> tuple[TraceSpec, ...]:
    traces = check.mapping(traces, "recordTraces") or {}
    out = []
    for label, rule in traces.items():
        path = item_path("recordTraces", label)
        rule = check.mapping(rule, path)
        if rule is None:
            continue
        check.known_keys(rule, path, TRACE_KEYS, TRACE_PENDING)
        var = check.required(rule, "var", path)
        if "var" in rule:
            var = check.string(var, attr_path(path, "var"))
            check_trace_var(var, attr_path(path, "var"), names.rxd, check)
        sec = rule.get("sec")
        if sec is not None:
            sec = check.string(sec, attr_path(path, "sec"))
        owners = {key: check.string(rule[key], attr_path(path, key))
                  for key in TRACE_OWNERS if key in rule}
        if len(owners) > 1:
            check.add(path, f"records from one of {', '.join(TRACE_OWNERS)}, not "
                            f"{' and '.join(owners)}")
        if "synMech" in owners:
            check.reference(owners["synMech"], attr_path(path, "synMech"), "synMech",
                            list(names.syn_mechs))
        if "stim" in owners:
            check.reference(owners["stim"], attr_path(path, "stim"), "stimTarget",
                            list(names.stims))
        loc = check.number(rule.get("loc", 0.5), attr_path(path, "loc"), minimum=0, maximum=1,
                           default=0.5)
        cell_conds, _ = parse_conds(rule.get("conds", {}), attr_path(path, "conds"),
                                    names.tags, check)
        if isinstance(var, str):
            out.append(TraceSpec(label=str(label), var=var, sec=sec, loc=loc,
                                 mech=owners.get("mech"), syn_mech=owners.get("synMech"),
                                 pointp=owners.get("pointp"), stim=owners.get("stim"),
                                 conds=tuple(cell_conds)))
    return tuple(out)


def _include(include, path, pop_labels, check) -> tuple:
    """A list of cells as the tutorial writes them: 'all', gids, pop labels, (pop, index)
    or (pop, [indices]) tuples. Returned as a tuple of normalised items."""
    if isinstance(include, (str, int)) or (isinstance(include, tuple) and len(include) == 2
                                           and isinstance(include[0], str)):
        include = [include]
    if not isinstance(include, (list, tuple, range)):
        check.add(path, f"must be a list of gids, population labels or (pop, index) pairs, "
                        f"not {include!r}")
        return ()
    items = []
    for i, item in enumerate(include):
        item_where = f"{path}[{i}]"
        if isinstance(item, bool):
            check.add(item_where, f"must be a gid, a population label or (pop, index), "
                                  f"not {item!r}")
        elif isinstance(item, Real) and float(item).is_integer() and item >= 0:
            items.append(int(item))
        elif isinstance(item, str):
            if item not in PLOT_INCLUDE_SPECIAL:
                check.reference(item, item_where, "population", list(pop_labels)
                                + list(PLOT_INCLUDE_SPECIAL))
            items.append(item)
        elif isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            check.reference(item[0], item_where, "population", pop_labels)
            index = item[1]
            index = list(index) if isinstance(index, (list, tuple, range)) else [index]
            if not all(isinstance(j, int) and not isinstance(j, bool) and j >= 0 for j in index):
                check.add(item_where, f"cell indices must be whole numbers >= 0, not {item[1]!r}")
            else:
                items.append((item[0], tuple(index)))
        else:
            check.add(item_where, f"must be a gid, a population label or (pop, index), "
                                  f"not {item!r}")
    return tuple(items)


def _analysis(analysis, pop_labels, check, rxd=()) -> tuple:
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
            merged[key] = _include(merged[key], attr_path(path, key), pop_labels, check)
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
