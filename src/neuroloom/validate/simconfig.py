"""SimConfig -> RunSpec + OutputSpec (simConfig.analysis against the table of plots in
validate/plots.py)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model.rxd import species_regions
from ..suggest import hint
from .cell_lists import cell_list
from .checker import Checker, attr_path, item_path
from .conds import Tags, conds as parse_conds
from .grouping import grouping_problems
from .lfp import lfp_spec
from .options import LOAD_BALANCE, SIMCONFIG_OPTIONS, SIMCONFIG_PENDING
from .plots import analysis_specs
from .rxd_options import check_trace_var
from .traces import trace_cells
from .types import ConnOptions, OutputSpec, ReportSpec, RunSpec, TraceSpec

SEED_PURPOSES = ("conn", "stim", "loc")
TRACE_KEYS = ("sec", "loc", "var", "mech", "synMech", "pointp", "stim", "conds")
TRACE_OWNERS = ("mech", "synMech", "pointp", "stim")  # at most one: whose variable it is
TRACE_PENDING = {"index": "not supported"}

#: what saveDataInclude and sim.saveData(include=...) name ('net' is netCells and netPops)
DATA_PARTS = ("netParams", "net", "netCells", "netPops", "simConfig", "simData")
#: the fields of a connection NetPyNE's compactConnFormat may list (a cell's conns)
CONN_FIELDS = ("preGid", "preLabel", "sec", "loc", "synMech", "weight", "delay", "label")
#: compactConnFormat=True: NetPyNE's list (preLabel only when the network has stimuli)
COMPACT_DEFAULT = ("preGid", "sec", "loc", "synMech", "weight", "delay")


@dataclass(frozen=True)
class Names:
    """What a simConfig may refer to: the network's populations, synMechs and stimulus
    rules, and the tags of its cells."""

    pops: tuple
    syn_mechs: tuple
    stims: tuple
    tags: Tags
    rxd: tuple = ()  # (label, its regions) of the rxd species, states and parameters
    # label -> CellType, and population -> the labels of the cell types its cells get,
    # to check what recordTraces name (validate/traces.py)
    cell_types: dict = field(default_factory=dict)
    pop_rules: dict = field(default_factory=dict)

    @classmethod
    def of_spec(cls, net) -> "Names":
        return cls(tuple(p.label for p in net.pops), tuple(m.label for m in net.syn_mechs),
                   tuple(t.label for t in net.stim_targets),
                   Tags(net.pops, {t.label: t for t in net.cell_types}),
                   species_regions(net.rxd), {t.label: t for t in net.cell_types},
                   {p.label: rules_of(p, net.cell_rules) for p in net.pops})

    def with_broken_pops(self, pop_params) -> "Names":
        """These names and the labels of popParams' populations whose definition is wrong
        (reported there, so naming them here is no second problem)."""
        defined = [str(label) for label in pop_params] if isinstance(pop_params, dict) else []
        broken = [label for label in defined if label not in self.pops]
        self.tags.broken_pops = frozenset(broken)
        return replace(self, pops=self.pops + tuple(broken))

    @classmethod
    def of_network(cls, network) -> "Names":
        return cls(tuple(p.label for p in network.pops),
                   tuple(dict.fromkeys(m.user_label for m in network.syn_mechs)),
                   tuple(network.stim_rules), Tags.of_network(network),
                   species_regions(network.rxd), {t.label: t for t in network.cell_types})


def rules_of(pop, cell_rules) -> tuple:
    """The labels of the cellParams rules whose cell types a population's cells may get
    (by its label, cellType and cellModel; positions are not known before building)."""
    tags = {"pop": pop.label, "cellType": pop.cell_type, "cellModel": pop.cell_model}
    return tuple(rule.label for rule in cell_rules
                 if (rule.conds is None and rule.label == pop.cell_type)
                 or (rule.conds is not None and all(c.tag not in tags or tags[c.tag] in c.values
                                                    for c in rule.conds)))


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
        record_cells=cell_list(c.recordCells, "recordCells", pop_labels, check),
        traces=_traces(c.recordTraces, names, check),
        record_step=record_step, verbose=bool(c.verbose),
        progress=check.boolean(c.progress, "progress"),
        coreneuron=check.boolean(c.coreneuron, "coreneuron"),
        load_balance=_load_balance(c.loadBalance, check),
        lfp=lfp_spec(c, pop_labels, check),
        record_stim=check.boolean(_option(c, "recordStim", False), "recordStim"),
        record_final=check.boolean(_option(c, "recordFinalSample", False),
                                   "recordFinalSample"),
        create_neuron_obj=check.boolean(_option(c, "createNEURONObj", True),
                                        "createNEURONObj"),
        max_memory_gb=_max_memory(_option(c, "maxMemoryGB", None), check))
    include = data_parts(c.saveDataInclude, check) or data_parts(
        options["saveDataInclude"], check)
    label = c.simLabel if isinstance(c.simLabel, str) else check.string(c.simLabel, "simLabel")
    save_folder = c.saveFolder if isinstance(c.saveFolder, str) else \
        check.string(c.saveFolder, "saveFolder", default="")
    name = output_name(label, save_folder,
                       check.string(c.filename, "filename", default="model_output"))
    output = OutputSpec(
        filename=name, save_folder=save_folder,
        save_json=check.boolean(c.saveJson, "saveJson"),
        save_pickle=check.boolean(c.savePickle, "savePickle"),
        save_hdf5=check.boolean(c.saveHDF5, "saveHDF5"),
        save_dat=check.boolean(c.saveDat, "saveDat"),
        save_csv=check.boolean(c.saveCSV, "saveCSV"),
        spikes_file=_spikes_file(c.saveSpikesSonata, name, check),
        save_timing=check.boolean(c.saveTiming, "saveTiming"),
        timing=check.boolean(c.timing, "timing"),
        print_pop_avg_rates=_rate_windows(c.printPopAvgRates, check),
        include=tuple(include), analysis=analysis_specs(c.analysis, pop_labels, check, names.rxd),
        reports=_reports(c.sonataReports, pop_labels, check),
        sonata_populations=_sonata_populations(c.sonataPopulations, pop_labels, check),
        save_mat=check.boolean(_option(c, "saveMat", False), "saveMat"),
        save_cell_conns=check.boolean(_option(c, "saveCellConns", True), "saveCellConns"),
        save_cell_secs=check.boolean(_option(c, "saveCellSecs", True), "saveCellSecs"),
        save_weights=check.boolean(_option(c, "saveWeights", False), "saveWeights"))
    # accepted, checked, and without effect on neuroloom's files: a saved network holds
    # its connections as columns (already more compact than NetPyNE's lists); every rank
    # knows the whole network, so gathering moves only simData anyway. Reading NetPyNE's
    # files uses the compactConnFormat they were saved with (results/netpyne_data.py).
    compact_conn_format(_option(c, "compactConnFormat", False), bool(names.stims), check)
    check.boolean(_option(c, "gatherOnlySimData", False), "gatherOnlySimData")
    return run, output


def conn_options(sim_config, check: Checker) -> ConnOptions:
    """simConfig's options on making connections (allowSelfConns, allowConnsWithWeight0,
    connRandomSecFromList, distributeSynsUniformly), which NetPyNE reads while it builds
    the network.

    Parameters
    ----------
    sim_config : specs.SimConfig or attribute bag
        The user's simConfig; an option it lacks has NetPyNE's default.
    check : Checker
        Records a value that is not True or False.

    Returns
    -------
    ConnOptions
    """
    c = sim_config
    return ConnOptions(
        allow_self_conns=check.boolean(_option(c, "allowSelfConns", False), "allowSelfConns"),
        allow_weight0=check.boolean(_option(c, "allowConnsWithWeight0", True),
                                    "allowConnsWithWeight0", default=True),
        random_sec_from_list=check.boolean(_option(c, "connRandomSecFromList", True),
                                           "connRandomSecFromList", default=True),
        distribute_syns_uniformly=check.boolean(
            _option(c, "distributeSynsUniformly", True), "distributeSynsUniformly",
            default=True))


def output_name(sim_label: str, save_folder: str, filename: str) -> str:
    """What names a run's outputs, as NetPyNE: the simLabel inside a saveFolder, else the
    filename (which may hold folders)."""
    return sim_label if sim_label and save_folder else filename


def data_parts(include, check, path: str = "saveDataInclude") -> tuple:
    """The parts of a run to save (DATA_PARTS), 'net' as netCells and netPops; () after
    recording a problem."""
    if not isinstance(include, (list, tuple)) or not all(i in DATA_PARTS for i in include):
        bad = [i for i in include if i not in DATA_PARTS] if isinstance(include, (list, tuple)) \
            else [include]
        check.add(path, f"unknown parts {bad}; valid parts are {', '.join(DATA_PARTS)}")
        return ()
    parts = [p for i in include for p in (("netCells", "netPops") if i == "net" else (i,))]
    return tuple(dict.fromkeys(parts))


def _option(sim_config, name: str, default):
    """A SimConfig option, or NetPyNE's default when the object lacks it (a SimConfig made
    before the option was listed, a plain namespace)."""
    return getattr(sim_config, name, default)


def compact_conn_format(value, has_stims: bool, check=None,
                        path: str = "compactConnFormat") -> tuple:
    """NetPyNE's compactConnFormat: False (connections as dicts), True (its default list)
    or a list of connection fields; the fields, () for none."""
    if isinstance(value, (list, tuple)):
        fields = tuple(value)
        for field_name in fields:
            if field_name not in CONN_FIELDS and check is not None:
                check.add(path, f"unknown connection field {field_name!r}; "
                                f"{hint(str(field_name), CONN_FIELDS)}")
        return tuple(f for f in fields if f in CONN_FIELDS)
    if value is True or value == 1:
        return (COMPACT_DEFAULT[:1] + ("preLabel",) + COMPACT_DEFAULT[1:] if has_stims
                else COMPACT_DEFAULT)
    if value is False or value == 0 or value is None:
        return ()
    if check is not None:
        check.add(path, f"must be True, False or a list of connection fields "
                        f"({', '.join(CONN_FIELDS)}), not {value!r}")
    return ()


def _rate_windows(value, check) -> tuple:
    """printPopAvgRates as NetPyNE reads it: True (the whole run), [start, stop] ms, or
    several such windows -> ((start, stop or None for the run's end), ...); () is off."""
    path = "printPopAvgRates"
    if isinstance(value, bool) or value in (0, 1):
        return ((0.0, None),) if value else ()
    windows = value if isinstance(value, (list, tuple)) and value and all(
        isinstance(w, (list, tuple)) for w in value) else [value]
    found = []
    for i, window in enumerate(windows):
        where = path if len(windows) == 1 and windows[0] is value else item_path(path, i)
        if not (isinstance(window, (list, tuple)) and len(window) == 2):
            check.add(where, f"must be True, False, [start, stop] in ms or a list of such "
                             f"windows, not {window!r}")
            continue
        start = check.number(window[0], item_path(where, 0), minimum=0)
        stop = check.number(window[1], item_path(where, 1), minimum=0)
        if start is not None and stop is not None:
            if stop <= start:
                check.add(where, f"must end after it starts, not {list(window)!r}")
            else:
                found.append((float(start), float(stop)))
    return tuple(found)


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


REPORT_KEYS = ("cells", "var", "sections", "file", "units", "synType")
REPORT_SECTIONS = ("soma", "all", "synapses", "clamps")
CLAMP_REPORT_VARS = ("se", "ic")  # BMTK's clamp_report: voltage or current clamps


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
        if sections not in REPORT_SECTIONS:
            check.add(attr_path(path, "sections"), f"must be one of "
                                                   f"{', '.join(REPORT_SECTIONS)}, not "
                                                   f"{sections!r}")
        syn_type = check.string(spec.get("synType", "Exp2Syn"), attr_path(path, "synType"))
        if sections == "clamps" and var not in CLAMP_REPORT_VARS:
            check.add(attr_path(path, "var"), f"a clamp report records "
                                              f"{' or '.join(CLAMP_REPORT_VARS)}, not {var!r}")
        out.append(ReportSpec(
            label=str(label), cells=cell_list(spec.get("cells", ["all"]),
                                             attr_path(path, "cells"), pop_labels, check),
            var=var or "", sections=sections,
            file=check.string(spec.get("file", f"{label}.h5"), attr_path(path, "file")) or "",
            units=check.string(spec["units"], attr_path(path, "units")) or ""
            if "units" in spec else "",
            syn_type=(syn_type or "") if sections == "synapses" else ""))
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
            trace_cells(out[-1], path, bool(rule.get("conds")), names, check)
    return tuple(out)


def _max_memory(value, check: Checker) -> float | None:
    """simConfig.maxMemoryGB: None (the memory available) or a limit in GB (inf: none)."""
    if value is None:
        return None
    return check.number(value, "maxMemoryGB", positive=True, finite=False, default=None)
