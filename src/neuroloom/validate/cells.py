"""cellParams -> CellType catalog entries."""
from __future__ import annotations

from ..model.catalog import CellType, Section
from ..suggest import hint
from .checker import attr_path, item_path

# NEURON's own defaults for a new section (NEURON 9)
SECTION_DEFAULTS = {"diam": 500.0, "L": 100.0, "Ra": 35.4, "cm": 1.0, "nseg": 1}

LATER = "cell models and imported cells (issue 4)"
CELL_KEYS = ("secs", "secLists")
CELL_PENDING = dict.fromkeys(("globals", "conds", "diversityFraction"), LATER)
SEC_KEYS = ("geom", "topol", "mechs")
SEC_PENDING = dict.fromkeys(("pointps", "ions", "vinit", "spikeGenLoc", "threshold",
                             "synMechs", "weightNorm"), LATER)
GEOM_KEYS = ("diam", "L", "Ra", "cm", "nseg")
GEOM_PENDING = {"pt3d": LATER}
TOPOL_KEYS = ("parentSec", "parentX", "childX")


def cell_type(label, rule, path, threshold, check) -> CellType | None:
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
    sec_lists = _sec_lists(rule.get("secLists", {}), attr_path(path, "secLists"), names, check)
    spike_sec = "soma" if "soma" in names else next(s.name for s in sections if s.parent is None)
    return CellType(label=label, sections=tuple(sections), spike_sec=spike_sec,
                    spike_loc=0.5, threshold=threshold, sec_lists=sec_lists)


def _sec_lists(lists, path, names, check):
    lists = check.mapping(lists, path) or {}
    out = []
    for name, members in lists.items():
        where = item_path(path, name)
        if name in names:
            check.add(where, f"'{name}' is already a section name")
            continue
        if not isinstance(members, (list, tuple)) or not members:
            check.add(where, f"must be a non-empty list of section names, not {members!r}")
            continue
        for member in members:
            check.reference(member, where, "section", names)
        out.append((str(name), tuple(str(m) for m in members)))
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
