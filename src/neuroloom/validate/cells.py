"""cellParams -> cell rules (CellRuleSpec) and CellType catalog entries.

A rule is validated on its own into the values it gives each section (only those it
gives), so that several rules can be merged for one cell the way NetPyNE applies them one
after the other (``merge_secs``); ``assemble`` then fills in NEURON's defaults and makes
the CellType. String functions (mechanism, point-process and geometry parameters, and the
rule's ``vars``) arrive compiled and are evaluated per cell by the builder
(builder/cell_rules.py) before assembling.
"""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from ..errors import FormatError
from ..expr import Expression
from ..model.catalog import CellType, PointProcess, Section
from ..suggest import hint
from .checker import Checker, attr_path, item_path
from .types import CellRuleSpec
from .values import expression

# NEURON's own defaults for a new section (NEURON 9)
SECTION_DEFAULTS = {"diam": 500.0, "L": 100.0, "Ra": 35.4, "cm": 1.0, "nseg": 1}

CELL_KEYS = ("secs", "secLists", "globals", "conds", "vars", "diversityFraction")
SEC_KEYS = ("geom", "topol", "mechs", "pointps", "ions", "vinit", "spikeGenLoc", "threshold",
            "weightNorm")
# NetPyNE reads a section's synMechs only when it loads a saved network
SEC_PENDING = {"synMechs": "not supported yet"}
GEOM_KEYS = ("diam", "L", "Ra", "cm", "nseg", "pt3d")
TOPOL_KEYS = ("parentSec", "parentX", "childX")
POINTP_RESERVED = ("mod", "loc", "vref", "synList")
ION_KEYS = ("e", "i", "o")

#: what cellParams string functions may use besides the rule's vars and the netParams
#: variables (NetPyNE's names): the cell's position, and for mechanisms the distance of
#: the segment from the middle of the soma, along the sections or straight (3D points)
CELL_POSITION = ("x", "y", "z", "xnorm", "ynorm", "znorm")
SEGMENT_DISTANCES = ("dist_path", "dist_euclidean")
GID = "gid"  # a point process parameter given as 'gid' gets the cell's gid (NetPyNE)
ONE_POINT_LENGTH = 1e-9  # um: what NEURON makes of a section with a single 3D point


@dataclass(frozen=True)
class Bound:
    """A string function of a rule, as merged into a cell's sections: the builder
    evaluates it with that rule's vars."""

    expression: Expression
    rule: str


class Patch(tuple):
    """A dict frozen as ((key, value), ...), so rule values can live in frozen specs;
    ``thaw`` gives the nested dicts back."""


def freeze(value):
    if isinstance(value, dict):
        return Patch((k, freeze(v)) for k, v in value.items())
    return value


def thaw(value):
    if isinstance(value, Patch):
        return {k: thaw(v) for k, v in value}
    return value


def cell_type_from_file(label, rule, threshold, where: str) -> CellType:
    """A cellParams rule made from a model file -> CellType with this threshold; its
    problems as one FormatError naming ``where`` (the file and item it came from)."""
    check = Checker()
    made = cell_type(label, rule, f"cell type '{label}'", threshold, check)
    if check.problems:
        problems = "; ".join(str(p) for p in check.problems)
        raise FormatError(f"{where}: {problems}")
    return made


def cell_type(label, rule, path, threshold, check, variables=()) -> CellType | None:
    """The CellType one cellParams rule gives a cell by itself (its conds not applied)."""
    return cell_rule(label, rule, path, threshold, variables, check)[1]


def cell_rule(label, rule, path, threshold, variables, check, elsewhere=()):
    """(CellRuleSpec without its conds, the CellType the rule gives alone) of one
    cellParams rule; (None, None) after a problem. ``variables``: the netParams variables
    string functions may use; ``elsewhere``: sections other rules define (a rule may hang
    its sections on them: they meet when both apply to a cell). The conds are parsed by
    the caller once populations are known (validate/conds.py), and set on the spec."""
    rule = check.mapping(rule, path)
    if rule is None:
        return None, None
    check.known_keys(rule, path, CELL_KEYS)
    fraction = None
    if "diversityFraction" in rule:
        fraction = check.number(rule["diversityFraction"], attr_path(path, "diversityFraction"),
                                minimum=0, maximum=1)
        if not isinstance(rule.get("conds"), dict) or not rule["conds"]:
            check.add(attr_path(path, "diversityFraction"), "needs conds selecting the cells "
                                                            "(e.g. {'cellType': 'E'})")
    rule_vars = _cell_vars(rule.get("vars", {}), attr_path(path, "vars"), variables, check)
    secs_path = attr_path(path, "secs")
    if "secs" not in rule:
        check.add(secs_path, "is required")
        return None, None
    secs = check.mapping(rule["secs"], secs_path)
    if secs is not None and not secs:
        check.add(secs_path, "must define at least one section")
    if not secs:
        return None, None
    cell_names = (*CELL_POSITION, *(n for n, _ in rule_vars), *variables)
    patches = [(str(name), _section_patch(sec, item_path(secs_path, name), cell_names, check))
               for name, sec in secs.items()]
    if any(p is None for _, p in patches):
        return None, None
    sec_lists = _sec_lists(rule.get("secLists", {}), attr_path(path, "secLists"), check)
    globals_ = check.mapping(rule.get("globals", {}), attr_path(path, "globals")) or {}
    globals_ = tuple((str(k), check.number(v, attr_path(attr_path(path, "globals"), k),
                                           default=0.0)) for k, v in globals_.items())
    spec = CellRuleSpec(label=str(label), conds=None, secs=freeze(dict(patches)),
                        sec_lists=sec_lists, globals=globals_, vars=rule_vars,
                        diversity_fraction=fraction, threshold=threshold)
    own = merge_secs([spec])
    for sec in own.values():  # hung on another rule's section: a root on its own
        if sec.get("topol", {}).get("parentSec") in set(elsewhere) - set(own):
            sec["topol"] = {}
    alone = assemble(str(label), placeholders(own), sec_lists, globals_, threshold, path,
                     check)
    return spec, alone


def _cell_vars(raw, path, variables, check):
    """A rule's vars: numbers, or string functions of the cell's position (and random
    draws), evaluated once per cell."""
    raw = check.mapping(raw, path) or {}
    out = []
    for name, value in raw.items():
        where = item_path(path, name)
        if isinstance(value, str):
            compiled = expression(check, value, where, (*CELL_POSITION, *variables),
                                  default=None)
            if compiled is not None:
                out.append((str(name), compiled))
        else:
            number = check.number(value, where)
            if number is not None:
                out.append((str(name), number))
    return tuple(out)


def merge_secs(rules) -> dict:
    """The sections of the rules applied in order, as NetPyNE applies them to one cell:
    each given value replaces the one before (geometry, topology and each mechanism,
    point process and ion parameter by name; the other section values whole). String
    functions become Bound to their rule."""
    merged = {}
    for rule in rules:
        for name, patch in thaw(rule.secs).items():
            sec = merged.setdefault(name, {})
            for key, value in patch.items():
                if key in ("geom", "topol"):
                    sec.setdefault(key, {}).update(_bind(value, rule.label))
                elif key in ("mechs", "pointps", "ions"):
                    group = sec.setdefault(key, {})
                    for item, params in value.items():
                        group.setdefault(item, {}).update(_bind(params, rule.label))
                else:
                    sec[key] = value
    return merged


def _bind(values: dict, rule: str) -> dict:
    return {k: Bound(v, rule) if isinstance(v, Expression) else v for k, v in values.items()}


def merge_lists(rules):
    """(secLists, globals) of rules applied in order (a later one replaces by name)."""
    sec_lists, globals_ = {}, {}
    for rule in rules:
        sec_lists.update(dict(rule.sec_lists))
        globals_.update(dict(rule.globals))
    return tuple(sec_lists.items()), tuple(globals_.items())


def has_functions(secs: dict) -> bool:
    """Whether merged sections hold string functions (or point process 'gid' values)."""
    return any(True for _ in _leaves(secs, lambda v: isinstance(v, Bound) or v == GID))


def placeholders(secs: dict) -> dict:
    """Merged sections with each string function as 1.0: their shape, for checks."""
    return map_leaves(secs, lambda v, where: 1.0 if isinstance(v, Bound) or v == GID else v)


def map_leaves(secs: dict, fn) -> dict:
    """A copy of merged sections with each parameter value v replaced by
    fn(v, (section, group, item, parameter)); group is 'geom', 'mechs', 'pointps' or
    'ions' (item None for geom)."""
    out = {}
    for name, sec in secs.items():
        new = dict(sec)
        if "geom" in sec:
            new["geom"] = {k: fn(v, (name, "geom", None, k)) for k, v in sec["geom"].items()}
        for group in ("mechs", "pointps", "ions"):
            if group in sec:
                new[group] = {item: {k: v if k in POINTP_RESERVED and group == "pointps"
                                     else fn(v, (name, group, item, k))
                                     for k, v in params.items()}
                              for item, params in sec[group].items()}
        out[name] = new
    return out


def _leaves(secs, test):
    for sec in secs.values():
        for v in sec.get("geom", {}).values():
            if test(v):
                yield v
        for group in ("mechs", "pointps", "ions"):
            for item in sec.get(group, {}).values():
                for k, v in item.items():
                    if not (group == "pointps" and k in POINTP_RESERVED) and test(v):
                        yield v


def weight_norms(secs: dict) -> dict:
    """{section: per-segment weight factors} of merged sections that have weightNorm."""
    return {name: sec["weightNorm"] for name, sec in secs.items() if "weightNorm" in sec}


def assemble(label, secs: dict, sec_lists, globals_, threshold, path, check) -> CellType | None:
    """Merged sections (numbers only: string functions evaluated) -> CellType, with
    NEURON's defaults for what no rule gave; problems are recorded under ``path``."""
    secs_path = attr_path(path, "secs")
    sections = [_section(name, sec, item_path(secs_path, name), check)
                for name, sec in secs.items()]
    if any(s is None for s in sections):
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
    lists_path = attr_path(path, "secLists")
    for name, members in sec_lists:
        where = item_path(lists_path, name)
        if name in names:
            check.add(where, f"'{name}' is already a section name")
        for member in members:
            check.reference(member, where, "section", names)
    # NetPyNE detects spikes where a section says spikeGenLoc, else in the middle of the
    # first section without a parent
    spike_sec = next((name for name in names if "spikeGenLoc" in secs[name]),
                     next(s.name for s in sections if s.parent is None))
    spike_loc = secs[spike_sec].get("spikeGenLoc", 0.5)
    threshold = secs[spike_sec].get("threshold", threshold)
    return CellType(label=label, sections=tuple(sections), spike_sec=spike_sec,
                    spike_loc=spike_loc, threshold=threshold, sec_lists=tuple(sec_lists),
                    globals=tuple(globals_))


def _sec_lists(lists, path, check):
    lists = check.mapping(lists, path) or {}
    out = []
    for name, members in lists.items():
        where = item_path(path, name)
        if not isinstance(members, (list, tuple)) or not all(isinstance(m, str)
                                                             for m in members):
            check.add(where, f"must be a list of section names, not {members!r}")
            continue
        out.append((str(name), tuple(members)))
    return tuple(out)


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


# -- one rule's values of one section ---------------------------------------------------
def _section_patch(sec, path, cell_names, check) -> dict | None:
    """What a rule gives one section, checked: only the keys it gives. ``cell_names``:
    what its string functions may use (mechanisms also the segment's distances)."""
    sec = check.mapping(sec, path)
    if sec is None:
        return None
    check.known_keys(sec, path, SEC_KEYS, SEC_PENDING)
    out = {}
    geom_path, topol_path = attr_path(path, "geom"), attr_path(path, "topol")
    geom = check.mapping(sec.get("geom", {}), geom_path) or {}
    check.known_keys(geom, geom_path, GEOM_KEYS)
    given = {}
    for key in ("diam", "L", "Ra", "cm"):
        if key in geom:
            given[key] = _number_or_function(geom[key], attr_path(geom_path, key), check,
                                             cell_names, positive=True)
    if "nseg" in geom:
        given["nseg"] = check.integer(geom["nseg"], attr_path(geom_path, "nseg"), minimum=1,
                                      default=1)
    if geom.get("pt3d"):
        given["pt3d"] = _pt3d(geom["pt3d"], attr_path(geom_path, "pt3d"), check)
    if given or "geom" in sec:
        out["geom"] = given
    topol = check.mapping(sec.get("topol", {}), topol_path) or {}
    check.known_keys(topol, topol_path, TOPOL_KEYS)
    if topol:
        out["topol"] = {}
        if "parentSec" in topol:
            out["topol"]["parentSec"] = check.string(topol["parentSec"],
                                                     attr_path(topol_path, "parentSec"))
        for key, default in (("parentX", 1.0), ("childX", 0.0)):
            if key in topol:
                out["topol"][key] = check.number(topol[key], attr_path(topol_path, key),
                                                 minimum=0, maximum=1, default=default)
    if "mechs" in sec:
        out["mechs"] = _mechs(sec["mechs"], attr_path(path, "mechs"),
                              (*SEGMENT_DISTANCES, *cell_names), check)
    if "pointps" in sec:
        out["pointps"] = _pointps(sec["pointps"], attr_path(path, "pointps"),
                                  (*cell_names, GID), check)
    if "ions" in sec:
        out["ions"] = _ions(sec["ions"], attr_path(path, "ions"), check)
    if "vinit" in sec:
        out["vinit"] = check.number(sec["vinit"], attr_path(path, "vinit"))
    if "spikeGenLoc" in sec:
        out["spikeGenLoc"] = check.number(sec["spikeGenLoc"], attr_path(path, "spikeGenLoc"),
                                          minimum=0, maximum=1, default=0.5)
    if "threshold" in sec:
        out["threshold"] = check.number(sec["threshold"], attr_path(path, "threshold"),
                                        default=0.0)
    if "weightNorm" in sec:
        out["weightNorm"] = _weight_norm(sec["weightNorm"], attr_path(path, "weightNorm"),
                                         check)
    return out


def _number_or_function(raw, path, check, names, **bounds):
    if isinstance(raw, str):
        return expression(check, raw, path, names, default=1.0, **bounds)
    return check.number(raw, path, default=1.0, **bounds)


def _mechs(raw, path, names, check) -> dict:
    """Density mechanisms: parameter -> a number, one number per segment (a list; one
    item: every segment), or a string function evaluated per segment. None leaves a
    parameter at its default (as in NetPyNE)."""
    raw = check.mapping(raw, path) or {}
    out = {}
    for mech, params in raw.items():
        where = item_path(path, mech)
        params = check.mapping(params, where)
        if params is None:
            continue
        values = {}
        for name, value in params.items():
            at = attr_path(where, name)
            if value is None:
                continue
            if isinstance(value, str):
                values[str(name)] = expression(check, value, at, names, default=0.0)
            elif isinstance(value, (list, tuple)):
                items = [check.number(v, f"{at}[{i}]", default=0.0)
                         for i, v in enumerate(value)]
                if not items:
                    check.add(at, "must not be an empty list")
                values[str(name)] = items[0] if len(items) == 1 else tuple(items)
            else:
                values[str(name)] = check.number(value, at, default=0.0)
        out[str(mech)] = values
    return out


def _weight_norm(raw, path, check):
    if not isinstance(raw, (list, tuple)) or not raw:
        check.add(path, f"must be a list of weight factors, one per segment, not {raw!r}")
        return ()
    items = [check.number(v, f"{path}[{i}]", default=1.0) for i, v in enumerate(raw)]
    return tuple(items)


def _pt3d(raw, path, check):
    points = []
    if isinstance(raw, (list, tuple)):
        for i, point in enumerate(raw):
            if (isinstance(point, (list, tuple)) and len(point) == 4
                    and all(isinstance(v, Real) and not isinstance(v, bool) for v in point)):
                points.append(tuple(float(v) for v in point))
            else:
                check.add(f"{path}[{i}]", f"must be [x, y, z, diam], not {point!r}")
                return ()
    if not points:
        check.add(path, "must list [x, y, z, diam] points")
    return tuple(points)


def _pointps(raw, path, names, check) -> dict:
    raw = check.mapping(raw, path) or {}
    out = {}
    for label, pointp in raw.items():
        where = item_path(path, label)
        pointp = check.mapping(pointp, where)
        if pointp is None:
            continue
        values = {}
        if "mod" in pointp:
            values["mod"] = check.string(pointp["mod"], attr_path(where, "mod"))
        if "loc" in pointp:
            values["loc"] = check.number(pointp["loc"], attr_path(where, "loc"), minimum=0,
                                         maximum=1, default=0.5)
        if pointp.get("vref") is not None:
            values["vref"] = check.string(pointp["vref"], attr_path(where, "vref"))
        if "synList" in pointp:
            syn_list = pointp["synList"]
            if not isinstance(syn_list, (list, tuple)) or not all(isinstance(m, str)
                                                                   for m in syn_list):
                check.add(attr_path(where, "synList"), f"must be a list of synMech labels, "
                                                       f"not {syn_list!r}")
                syn_list = []
            values["synList"] = tuple(syn_list)
        for key, value in pointp.items():
            if key in POINTP_RESERVED or str(key).startswith("_"):
                continue  # NetPyNE's own bookkeeping ('_...') is not a parameter
            at = attr_path(where, key)
            values[str(key)] = (GID if value == GID else
                                _number_or_function(value, at, check, names))
        out[str(label)] = values
    return out


def _ions(raw, path, check) -> dict:
    raw = check.mapping(raw, path) or {}
    out = {}
    for ion, values in raw.items():
        where = item_path(path, ion)
        values = check.mapping(values, where)
        if values is None:
            continue
        check.known_keys(values, where, ION_KEYS)
        out[str(ion)] = {k: check.number(v, attr_path(where, k), default=0.0)
                         for k, v in values.items() if k in ION_KEYS}
    return out


# -- merged values of one section -> Section -------------------------------------------
def _section(name, sec, path, check) -> Section | None:
    """A Section from merged values (numbers only), NEURON's defaults for the rest."""
    geom = sec.get("geom", {})
    values = dict(SECTION_DEFAULTS)
    for key in ("diam", "L", "Ra", "cm", "nseg"):
        if key in geom and geom[key] is not None:
            values[key] = geom[key]
    pt3d = geom.get("pt3d", ())
    if len(pt3d) == 1:  # NEURON: one 3D point makes the section 1e-9 um long
        values["L"] = ONE_POINT_LENGTH
    elif pt3d:  # as in NEURON, 3D points set the length and diameter
        points = np.asarray(pt3d)
        values["L"] = float(np.sum(np.linalg.norm(np.diff(points[:, :3], axis=0), axis=1)))
        values["diam"] = float(points[:, 3].mean())
    nseg = values["nseg"]
    topol = sec.get("topol", {})
    mechs = []
    for mech, params in sec.get("mechs", {}).items():
        items = []
        for param, value in params.items():
            if isinstance(value, tuple) and len(value) != nseg:
                check.add(attr_path(item_path(attr_path(path, "mechs"), mech), param),
                          f"lists {len(value)} values for {nseg} segments")
                return None
            items.append((param, value))
        mechs.append((mech, tuple(items)))
    if "weightNorm" in sec and len(sec["weightNorm"]) != nseg:
        check.add(attr_path(path, "weightNorm"), f"lists {len(sec['weightNorm'])} factors "
                                                 f"for {nseg} segments")
        return None
    pointps = []
    for label, params in sec.get("pointps", {}).items():
        if "mod" not in params:
            check.add(attr_path(item_path(attr_path(path, "pointps"), label), "mod"),
                      "is required")
            return None
        pointps.append(PointProcess(
            label=label, mod=params["mod"], loc=params.get("loc", 0.5),
            params=tuple((k, v) for k, v in params.items() if k not in POINTP_RESERVED),
            vref=params.get("vref"), syn_list=params.get("synList", ())))
    ions = tuple((ion, tuple(values.items())) for ion, values in sec.get("ions", {}).items())
    return Section(name=name, parent=topol.get("parentSec"),
                   parent_x=topol.get("parentX", 1.0), child_x=topol.get("childX", 0.0),
                   mechs=tuple(mechs), pointps=tuple(pointps), ions=ions,
                   vinit=sec.get("vinit"), pt3d=tuple(pt3d), **values)
