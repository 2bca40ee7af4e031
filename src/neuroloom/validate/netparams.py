"""NetParams -> NetSpec: checks every rule, fills in defaults, resolves references."""
from __future__ import annotations

from numbers import Real

from ..model.catalog import CellType, Section, StimSource, SynMech
from ..specs.netparams import RULE_DICTS
from ..suggest import hint
from .checker import Checker, attr_path, item_path, looks_like_typo
from .types import Cond, ConnRuleSpec, NetSpec, PopSpec, StimTargetSpec

# NEURON's own defaults for a new section (NEURON 9)
SECTION_DEFAULTS = {"diam": 500.0, "L": 100.0, "Ra": 35.4, "cm": 1.0, "nseg": 1}

LATER_CELL = "cell models and imported cells (issue 4)"
LATER_SPATIAL = "spatial networks and string functions (issue 3)"
LATER_STIM = "stimulation types (issue 4)"

CELL_KEYS = ("secs",)
CELL_PENDING = dict.fromkeys(("globals", "secLists", "conds", "diversityFraction"), LATER_CELL)
SEC_KEYS = ("geom", "topol", "mechs")
SEC_PENDING = dict.fromkeys(("pointps", "ions", "vinit", "spikeGenLoc", "threshold",
                             "synMechs", "weightNorm"), LATER_CELL)
GEOM_KEYS = ("diam", "L", "Ra", "cm", "nseg")
GEOM_PENDING = {"pt3d": LATER_CELL}
TOPOL_KEYS = ("parentSec", "parentX", "childX")

POP_KEYS = ("cellType", "numCells", "cellModel")
POP_PENDING = {
    **dict.fromkeys(("density", "gridSpacing", "xRange", "yRange", "zRange", "xnormRange",
                     "ynormRange", "znormRange", "cellsList"), LATER_SPATIAL),
    **dict.fromkeys(("rate", "noise", "start", "number", "interval", "spkTimes", "pulses",
                     "seed"), "artificial cell populations (issue 4)"),
}
ARTIFICIAL_MODELS = ("NetStim", "VecStim", "IntFire1", "IntFire2", "IntFire4")

SYNMECH_PENDING = dict.fromkeys(("selfNetCon", "pointerParams", "loc"), LATER_CELL)

STIM_TYPES = ("NetStim",)
STIM_PENDING_TYPES = ("IClamp", "VClamp", "SEClamp", "AlphaSynapse", "VecStim")
NETSTIM_KEYS = ("type", "rate", "interval", "noise", "start", "number")

TARGET_KEYS = ("source", "conds", "weight", "delay", "synMech", "sec", "loc")
TARGET_PENDING = dict.fromkeys(("synMechWeightFactor", "synsPerConn"), LATER_STIM)

CONN_KEYS = ("preConds", "postConds", "probability", "convergence", "divergence", "weight",
             "delay", "synMech", "sec", "loc")
CONN_PENDING = dict.fromkeys(("connList", "synsPerConn", "synMechWeightFactor", "shape",
                              "plast", "weightIndex", "threshold", "disynapticBias",
                              "connFunc", "synMechLocs"), "later connectivity features")
CONNECTORS = ("probability", "convergence", "divergence")

COND_KEYS = ("pop", "cellType", "cellModel")
COND_PENDING = dict.fromkeys(("x", "y", "z", "xnorm", "ynorm", "znorm", "cellList"),
                             LATER_SPATIAL)

NETPARAMS_PENDING = {
    **dict.fromkeys(("shape", "scale", "rotateCellsRandomly", "correctBorder",
                     "scaleConnWeightModels", "popTagsCopiedToCells"), LATER_SPATIAL),
}


def validate_net_params(net_params, check: Checker) -> NetSpec:
    options = net_params.DEFAULTS
    variables = []
    for name, value in net_params.items():
        if name in options:
            continue
        if name in NETPARAMS_PENDING:
            check.add(name, f"'{name}' is not supported yet ({NETPARAMS_PENDING[name]})")
        elif (typo := looks_like_typo(name, options)) is not None:
            check.add(name, f"unknown NetParams option '{name}'; did you mean '{typo}'?")
        elif isinstance(value, Real) and not isinstance(value, bool):
            variables.append((name, float(value)))
    rules = {name: check.mapping(net_params[name], name) or {} for name in RULE_DICTS}
    for name in ("subConnParams", "rxdParams"):
        if rules[name]:
            check.add(name, "is not supported yet")

    size = tuple(check.number(net_params[a], a, positive=True, default=100.0)
                 for a in ("sizeX", "sizeY", "sizeZ"))
    defaults = {name: check.number(net_params[name], name, default=options[name])
                for name in ("defaultWeight", "defaultDelay", "defaultThreshold",
                             "scaleConnWeight", "scaleConnWeightNetStims")}

    cell_types = tuple(filter(None, (
        _cell_type(label, rule, item_path("cellParams", label), defaults, check)
        for label, rule in rules["cellParams"].items())))
    types_by_label = {c.label: c for c in cell_types}
    pops = tuple(filter(None, (
        _pop(label, rule, item_path("popParams", label), types_by_label, rules["cellParams"],
             check)
        for label, rule in rules["popParams"].items())))
    syn_mechs = tuple(filter(None, (
        _syn_mech(label, rule, item_path("synMechParams", label), check)
        for label, rule in rules["synMechParams"].items())))
    stim_sources = tuple(filter(None, (
        _stim_source(label, rule, item_path("stimSourceParams", label), check)
        for label, rule in rules["stimSourceParams"].items())))

    refs = _References(pops, types_by_label, rules["cellParams"], syn_mechs, stim_sources)
    weight_scale = defaults["scaleConnWeight"]
    stim_scale = defaults["scaleConnWeightNetStims"]
    stim_targets = tuple(filter(None, (
        _stim_target(label, rule, item_path("stimTargetParams", label), refs, defaults,
                     stim_scale, check)
        for label, rule in rules["stimTargetParams"].items())))
    conn_rules = tuple(filter(None, (
        _conn_rule(label, rule, item_path("connParams", label), refs, defaults, weight_scale,
                   check)
        for label, rule in rules["connParams"].items())))
    return NetSpec(cell_types=cell_types, pops=pops, syn_mechs=syn_mechs,
                   stim_sources=stim_sources, stim_targets=stim_targets,
                   conn_rules=conn_rules, size=size, variables=tuple(variables))


# -- cells --------------------------------------------------------------------------------
def _cell_type(label, rule, path, defaults, check) -> CellType | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, CELL_KEYS, CELL_PENDING)
    secs_path = attr_path(path, "secs")
    if "secs" not in rule:
        check.add(secs_path, "is required")
        return None
    secs = check.mapping(rule["secs"], secs_path)
    if secs is not None and not secs:
        check.add(secs_path, "must define at least one section")
    if not secs:
        return None
    sections = [s for s in (_section(name, sec, item_path(secs_path, name), check)
                            for name, sec in secs.items()) if s is not None]
    if len(sections) != len(secs):
        return None
    names = [s.name for s in sections]
    for s in sections:
        if s.parent is not None and s.parent not in names:
            check.add(attr_path(item_path(secs_path, s.name), "topol.parentSec"),
                      f"unknown section '{s.parent}' in cell type '{label}'; "
                      + hint(s.parent, [n for n in names if n != s.name]))
            return None
    if _has_cycle(sections):
        check.add(secs_path, f"the sections of cell type '{label}' form a loop via parentSec")
        return None
    spike_sec = "soma" if "soma" in names else next(s.name for s in sections if s.parent is None)
    return CellType(label=label, sections=tuple(sections), spike_sec=spike_sec,
                        spike_loc=0.5, threshold=defaults["defaultThreshold"])


def _has_cycle(sections) -> bool:
    parent = {s.name: s.parent for s in sections}
    for start in parent:
        seen, node = set(), start
        while node is not None:
            if node in seen:
                return True
            seen.add(node)
            node = parent.get(node)
    return False


def _section(name, sec, path, check) -> Section | None:
    sec = check.mapping(sec, path)
    if sec is None:
        return None
    check.known_keys(sec, path, SEC_KEYS, SEC_PENDING)
    geom_path, topol_path, mechs_path = (attr_path(path, k) for k in SEC_KEYS)
    geom = check.mapping(sec.get("geom", {}), geom_path) or {}
    check.known_keys(geom, geom_path, GEOM_KEYS, GEOM_PENDING)
    values = dict(SECTION_DEFAULTS)
    for key in ("diam", "L", "Ra", "cm"):
        if key in geom:
            values[key] = check.number(geom[key], attr_path(geom_path, key), positive=True,
                                       default=values[key])
    if "nseg" in geom:
        values["nseg"] = check.integer(geom["nseg"], attr_path(geom_path, "nseg"), minimum=1,
                                       default=1)
    topol = check.mapping(sec.get("topol", {}), topol_path) or {}
    check.known_keys(topol, topol_path, TOPOL_KEYS)
    parent = None
    if "parentSec" in topol:
        parent = check.string(topol["parentSec"], attr_path(topol_path, "parentSec"))
    parent_x = check.number(topol.get("parentX", 1.0), attr_path(topol_path, "parentX"),
                            minimum=0, maximum=1, default=1.0)
    child_x = check.number(topol.get("childX", 0.0), attr_path(topol_path, "childX"),
                           minimum=0, maximum=1, default=0.0)
    mechs = check.mapping(sec.get("mechs", {}), mechs_path) or {}
    mech_specs = []
    for mech, params in mechs.items():
        mech_path = item_path(mechs_path, mech)
        params = check.mapping(params, mech_path)
        if params is None:
            continue
        mech_specs.append((str(mech), tuple(
            (str(p), check.number(v, attr_path(mech_path, p), default=0.0))
            for p, v in params.items())))
    return Section(name=str(name), parent=parent, parent_x=parent_x, child_x=child_x,
                       mechs=tuple(mech_specs), **values)


def _pop(label, rule, path, types_by_label, cell_rules, check) -> PopSpec | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, POP_KEYS, POP_PENDING)
    cell_model = rule.get("cellModel", "HH")
    if cell_model in ARTIFICIAL_MODELS:
        check.add(attr_path(path, "cellModel"),
                  f"'{cell_model}' populations are not supported yet (issue 4)")
        return None
    cell_model = check.string(cell_model, attr_path(path, "cellModel"), default="HH")
    cell_type = check.required(rule, "cellType", path)
    if "cellType" in rule:
        cell_type = check.reference(cell_type, attr_path(path, "cellType"), "cellType",
                                    cell_rules)
    num_cells = check.required(rule, "numCells", path)
    if "numCells" in rule:
        num_cells = check.integer(num_cells, attr_path(path, "numCells"), minimum=0)
    # an invalid cell type is reported where it is defined; skip the pop silently
    if cell_type not in types_by_label or not isinstance(num_cells, int):
        return None
    return PopSpec(label=str(label), cell_type=cell_type, cell_model=cell_model,
                   num_cells=num_cells)


def _syn_mech(label, rule, path, check) -> SynMech | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    mod = check.required(rule, "mod", path)
    for key in rule:
        if key in SYNMECH_PENDING:
            check.add(attr_path(path, key), f"'{key}' is not supported yet ({SYNMECH_PENDING[key]})")
    params = tuple((str(k), check.number(v, attr_path(path, k), default=0.0))
                   for k, v in rule.items() if k != "mod" and k not in SYNMECH_PENDING)
    if not isinstance(mod, str):
        if "mod" in rule:
            check.add(attr_path(path, "mod"), f"must name a NEURON point process, not {mod!r}")
        return None
    return SynMech(label=str(label), mod=mod, params=params)


def _stim_source(label, rule, path, check) -> StimSource | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    stim_type = check.required(rule, "type", path)
    if stim_type in STIM_PENDING_TYPES:
        check.add(attr_path(path, "type"), f"'{stim_type}' stimuli are not supported yet "
                                           "(issue 4)")
        return None
    if stim_type not in STIM_TYPES:
        if "type" in rule:
            check.reference(stim_type, attr_path(path, "type"), "stimulus type",
                            STIM_TYPES + STIM_PENDING_TYPES)
        return None
    check.known_keys(rule, path, NETSTIM_KEYS)
    if ("rate" in rule) == ("interval" in rule):
        check.add(path, "a NetStim needs exactly one of 'rate' (Hz) and 'interval' (ms)")
        return None
    if "rate" in rule:
        rate = check.number(rule["rate"], attr_path(path, "rate"), positive=True)
        interval = 1000.0 / rate if rate else None
    else:
        interval = check.number(rule["interval"], attr_path(path, "interval"), positive=True)
    params = (
        ("interval", interval),
        ("number", check.number(rule.get("number", 1e9), attr_path(path, "number"), minimum=0)),
        ("start", check.number(rule.get("start", 0.0), attr_path(path, "start"))),
        ("noise", check.number(rule.get("noise", 0.0), attr_path(path, "noise"), minimum=0,
                               maximum=1)),
    )
    if any(v is None for _, v in params):
        return None
    return StimSource(label=str(label), type="NetStim", params=params)


# -- rules that refer to other rules ------------------------------------------------------
class _References:
    def __init__(self, pops, types_by_label, cell_rules, syn_mechs, stim_sources):
        self.pops = {p.label: p for p in pops}
        self.types = types_by_label
        self.cell_rules = cell_rules
        self.syn_mechs = [s.label for s in syn_mechs]
        self.stim_sources = {s.label: s for s in stim_sources}


def _conds(conds, path, refs: _References, check) -> tuple[Cond, ...]:
    conds = check.mapping(conds, path)
    if conds is None:
        return ()
    check.known_keys(conds, path, COND_KEYS, COND_PENDING)
    known = {"pop": list(refs.pops), "cellType": list(refs.cell_rules),
             "cellModel": sorted({p.cell_model for p in refs.pops.values()})}
    out = []
    for tag in COND_KEYS:
        if tag not in conds:
            continue
        values = conds[tag]
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        tag_path = attr_path(path, tag)
        for v in values:
            if tag != "cellModel":
                check.reference(v, tag_path, tag, known[tag])
            elif not isinstance(v, str):
                check.add(tag_path, f"must name a cellModel, not {v!r}")
        out.append(Cond(tag=tag, values=tuple(values)))
    return tuple(out)


def _matching_types(conds, refs: _References) -> set[str]:
    """The cell types a set of conditions can select (to check 'sec' against)."""
    types = set()
    for pop in refs.pops.values():
        tags = {"pop": pop.label, "cellType": pop.cell_type, "cellModel": pop.cell_model}
        if all(tags[c.tag] in c.values for c in conds):
            types.add(pop.cell_type)
    return types


def _synapse_target(rule, path, conds, refs, defaults, check):
    """synMech, sec and loc of a rule that puts synapses on the cells its conds select."""
    syn_mech = rule.get("synMech", refs.syn_mechs[0] if refs.syn_mechs else None)
    if syn_mech is None:
        check.add(attr_path(path, "synMech"), "no synMechParams are defined to default to")
    else:
        syn_mech = check.reference(syn_mech, attr_path(path, "synMech"), "synMech",
                                   refs.syn_mechs)
    sec = rule.get("sec")
    if sec is not None:
        sec = check.string(sec, attr_path(path, "sec"))
        for type_label in sorted(_matching_types(conds, refs)):
            names = refs.types[type_label].section_names if type_label in refs.types else ()
            if names and sec is not None and sec not in names:
                check.reference(sec, attr_path(path, "sec"), f"section of cell type "
                                f"'{type_label}'", names)
    loc = check.number(rule.get("loc", 0.5), attr_path(path, "loc"), minimum=0, maximum=1,
                       default=0.5)
    weight = check.number(rule.get("weight", defaults["defaultWeight"]),
                          attr_path(path, "weight"), default=0.0)
    delay = check.number(rule.get("delay", defaults["defaultDelay"]), attr_path(path, "delay"),
                         minimum=0, default=1.0)
    return syn_mech, sec, loc, weight, delay


def _stim_target(label, rule, path, refs, defaults, scale, check) -> StimTargetSpec | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, TARGET_KEYS, TARGET_PENDING)
    source = check.required(rule, "source", path)
    if "source" in rule:
        source = check.reference(source, attr_path(path, "source"), "stim source",
                                 refs.stim_sources)
    conds = _conds(rule.get("conds", {}), attr_path(path, "conds"), refs, check)
    syn_mech, sec, loc, weight, delay = _synapse_target(rule, path, conds, refs, defaults, check)
    if None in (source, syn_mech) or not isinstance(source, str):
        return None
    return StimTargetSpec(label=str(label), source=source, conds=conds, weight=weight * scale,
                          delay=delay, syn_mech=syn_mech, sec=sec, loc=loc)


def _conn_rule(label, rule, path, refs, defaults, scale, check) -> ConnRuleSpec | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, CONN_KEYS, CONN_PENDING)
    pre = _conds(rule.get("preConds", {}), attr_path(path, "preConds"), refs, check)
    post = _conds(rule.get("postConds", {}), attr_path(path, "postConds"), refs, check)
    given = [k for k in CONNECTORS if k in rule]
    connector, amount = "full", 0.0
    if len(given) > 1:
        check.add(path, f"give at most one of probability, convergence, divergence "
                        f"(found {', '.join(given)})")
    elif given:
        connector = given[0]
        amount = check.number(rule[connector], attr_path(path, connector), minimum=0,
                              maximum=1 if connector == "probability" else None, default=0.0)
    syn_mech, sec, loc, weight, delay = _synapse_target(rule, path, post, refs, defaults, check)
    if syn_mech is None:
        return None
    return ConnRuleSpec(label=str(label), pre_conds=pre, post_conds=post, connector=connector,
                        amount=amount, weight=weight * scale, delay=delay, syn_mech=syn_mech,
                        sec=sec, loc=loc)
