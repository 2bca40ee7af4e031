"""SimConfig -> RunSpec + OutputSpec."""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

from .checker import Checker, attr_path, item_path
from .conds import Tags, conds as parse_conds
from .lfp import lfp_spec
from ..sonata.layout import grouping_problems
from .types import OutputSpec, ReportSpec, RunSpec, TraceSpec
from ..model.rxd import species_regions
from .rxd_options import RXD_ANALYSIS_OPTIONS, check_rxd_plot_options, check_trace_var
from .lfp_plots import LFP_ANALYSIS_OPTIONS, check_lfp_plot_options

SEED_PURPOSES = ("conn", "stim", "loc")
TRACE_KEYS = ("sec", "loc", "var", "mech", "synMech", "pointp", "stim", "conds")
TRACE_OWNERS = ("mech", "synMech", "pointp", "stim")  # at most one: whose variable it is
TRACE_PENDING = {"index": "not supported"}

#: plot name -> its options and their defaults
ANALYSIS_OPTIONS = {
    "plotRaster": {"include": ("allCells",), "timeRange": None, "orderBy": "gid",
                   "orderInverse": False, "popRates": True, "markerSize": 3,
                   "syncLines": False, "spikeHist": False, "spikeHistBin": 5.0,
                   "figSize": (10, 6), "saveFig": False},
    "plotTraces": {"include": None, "timeRange": None, "overlay": True, "oneFigPer": "trace",
                   "figSize": (10, 6), "saveFig": False},
    "plotSpikeHist": {"include": ("allCells",), "timeRange": None, "binSize": 5.0,
                      "overlay": True, "figSize": (10, 4), "saveFig": False},
    "plotRatePSD": {"include": ("allCells",), "timeRange": None, "binSize": 1.0,
                    "maxFreq": 100.0, "segment": 256, "figSize": (8, 5), "saveFig": False},
    "plotSpikeStats": {"include": ("allCells",), "timeRange": None,
                       "stats": ("rate", "isicv", "sync"), "figSize": (10, 4),
                       "saveFig": False},
    "plotShape": {"include": ("allCells",), "cvar": None, "view": "xy", "figSize": (8, 8),
                  "saveFig": False},
    "plot2Dnet": {"include": ("allCells",), "view": "xy", "showConns": True,
                  "figSize": (6, 8), "saveFig": False},
    "plotConn": {"includePre": ("allCells",), "includePost": ("allCells",),
                 "feature": "strength", "groupBy": "pop", "orderBy": "gid",
                 "synOrConn": "syn", "graphType": "matrix", "figSize": (8, 8),
                 "saveFig": False},
    **RXD_ANALYSIS_OPTIONS,  # plotRxDConcentration: validate/rxd_options.py
    **LFP_ANALYSIS_OPTIONS,  # plotLFP, plotCSD: validate/lfp_plots.py
}
CHOICES = {("plotConn", "feature"): ("strength", "weight", "delay", "probability", "numConns",
                                     "convergence", "divergence"),
           ("plotConn", "groupBy"): ("pop", "cell"),
           ("plotConn", "synOrConn"): ("syn", "conn"),
           ("plotConn", "graphType"): ("matrix",),
           ("plotConn", "orderBy"): ("gid", "x", "y", "z", "xnorm", "ynorm", "znorm"),
           ("plotRaster", "orderBy"): ("gid", "pop", "x", "y", "z", "xnorm", "ynorm",
                                       "znorm"),
           ("plot2Dnet", "view"): ("xy", "xz", "zy"),
           ("plotShape", "view"): ("xy", "xz", "zy"),
           ("plotTraces", "oneFigPer"): ("trace", "cell")}
ANALYSIS_PENDING = {**dict.fromkeys(("granger", "nTE", "plotSyncs", "plotEPSPAmp"),
                                    "not supported")}
SIMCONFIG_PENDING = {
    **dict.fromkeys(("recordStim", "saveMat", "gatherOnlySimData", "compactConnFormat",
                     "saveCellSecs", "saveCellConns", "createNEURONObj", "createPyStruct",
                     "addSynMechs", "includeParamsLabel", "backupCfgFile", "checkErrors",
                     "checkErrorsVerbose", "recordDipolesHNN"), "not supported"),
    **dict.fromkeys(("cache_efficient", "gpu", "cvode_active", "cvode_atol",
                     "allowSelfConns"), "engine options (issue 8)"),
}
PLOT_INCLUDE_SPECIAL = ("all", "allCells")
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
    options = sim_config.DEFAULTS
    check.top_level(sim_config, SIMCONFIG_PENDING)
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
    from ..engine.balance import METHODS

    if value not in METHODS:
        check.add("loadBalance", f"must be one of {', '.join(map(repr, METHODS))}, not "
                                 f"{value!r}")
        return METHODS[0]
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
        if name not in ANALYSIS_OPTIONS:
            check.reference(name, path, "analysis function", ANALYSIS_OPTIONS)
            continue
        if options is False or options is None:
            continue
        options = plot_options(name, {} if options is True else options, path, pop_labels,
                               check, rxd)
        if options is not None:
            out.append((name, tuple(options.items())))
    return tuple(out)


def plot_options(name, options, path, pop_labels, check, rxd=()) -> dict | None:
    """The options of one plot, checked, with defaults filled in and 'include' resolved
    to normalised items (None: every recorded cell). ``rxd``: Names.rxd."""
    options = check.mapping(options, path)
    if options is None:
        return None
    defaults = ANALYSIS_OPTIONS[name]
    check.known_keys(options, path, defaults)
    merged = {**defaults, **options}
    if name in RXD_ANALYSIS_OPTIONS:
        check_rxd_plot_options(merged, path, rxd, check)
    if name in LFP_ANALYSIS_OPTIONS:
        check_lfp_plot_options(name, merged, path, pop_labels, check)
    for key in ("include", "includePre", "includePost"):
        if merged.get(key) is not None:
            merged[key] = _include(merged[key], attr_path(path, key), pop_labels, check)
    for key, value in merged.items():
        choices = CHOICES.get((name, key))
        if choices is not None and value not in choices:
            check.reference(value, attr_path(path, key), key, choices)
    stats = merged.get("stats") if name == "plotSpikeStats" else None
    if stats is not None and (isinstance(stats, str) or not set(stats) <= {"rate", "isicv",
                                                                         "sync"}):
        check.add(attr_path(path, "stats"), f"must list some of 'rate', 'isicv', 'sync', not "
                                            f"{stats!r}")
    if (name, merged.get("groupBy"), merged.get("feature")) in (
            ("plotConn", "cell", f) for f in ("probability", "convergence", "divergence")):
        check.add(attr_path(path, "feature"), f"'{merged['feature']}' is a population "
                                              "measure: use groupBy 'pop'")
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
