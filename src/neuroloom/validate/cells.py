"""cellParams -> CellType catalog entries."""
from __future__ import annotations

from numbers import Real

import numpy as np

from ..errors import FormatError
from ..model.catalog import CellType, PointProcess, Section
from ..suggest import hint
from .checker import Checker, attr_path, item_path

# NEURON's own defaults for a new section (NEURON 9)
SECTION_DEFAULTS = {"diam": 500.0, "L": 100.0, "Ra": 35.4, "cm": 1.0, "nseg": 1}

CELL_KEYS = ("secs", "secLists", "globals", "conds")
CELL_PENDING = {"diversityFraction": "not supported"}
SEC_KEYS = ("geom", "topol", "mechs", "pointps", "ions", "vinit", "spikeGenLoc", "threshold")
SEC_PENDING = dict.fromkeys(("synMechs", "weightNorm"), "not supported yet")
GEOM_KEYS = ("diam", "L", "Ra", "cm", "nseg", "pt3d")
TOPOL_KEYS = ("parentSec", "parentX", "childX")
POINTP_RESERVED = ("mod", "loc", "vref", "synList")
ION_KEYS = ("e", "i", "o")


def cell_type_from_file(label, rule, threshold, where: str) -> CellType:
    """A cellParams rule made from a model file -> CellType with this threshold; its
    problems as one FormatError naming ``where`` (the file and item it came from)."""
    check = Checker()
    made = cell_type(label, rule, f"cell type '{label}'", threshold, check)
    if check.problems:
        problems = "; ".join(str(p) for p in check.problems)
        raise FormatError(f"{where}: {problems}")
    return made


def cell_type(label, rule, path, threshold, check) -> CellType | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, CELL_KEYS, CELL_PENDING)
    if rule.get("conds"):  # NetPyNE's old style: rules applied by conditions
        check.add(attr_path(path, "conds"), "cell rules are chosen by the population's "
                                            "cellType, not by conds")
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
    # spikes are detected where a section says spikeGenLoc, else on the soma, else the root
    spike = next((name for name in names if "spikeGenLoc" in secs[name]), None)
    spike_sec = spike or ("soma" if "soma" in names else
                          next(s.name for s in sections if s.parent is None))
    spike_params = secs[spike_sec]
    spike_loc = check.number(spike_params.get("spikeGenLoc", 0.5),
                             attr_path(item_path(secs_path, spike_sec), "spikeGenLoc"),
                             minimum=0, maximum=1, default=0.5)
    if "threshold" in spike_params:
        threshold = check.number(spike_params["threshold"],
                                 attr_path(item_path(secs_path, spike_sec), "threshold"),
                                 default=threshold)
    globals_ = check.mapping(rule.get("globals", {}), attr_path(path, "globals")) or {}
    globals_ = tuple((str(k), check.number(v, attr_path(attr_path(path, "globals"), k),
                                           default=0.0)) for k, v in globals_.items())
    return CellType(label=label, sections=tuple(sections), spike_sec=spike_sec,
                    spike_loc=spike_loc, threshold=threshold, sec_lists=sec_lists,
                    globals=globals_)


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
    geom_path, topol_path, mechs_path = (attr_path(path, k) for k in ("geom", "topol", "mechs"))
    geom = check.mapping(sec.get("geom", {}), geom_path) or {}
    check.known_keys(geom, geom_path, GEOM_KEYS)
    values = dict(SECTION_DEFAULTS)
    for key in ("diam", "L", "Ra", "cm"):
        if key in geom:
            values[key] = check.number(geom[key], attr_path(geom_path, key), positive=True,
                                       default=values[key])
    pt3d = _pt3d(geom.get("pt3d", ()), attr_path(geom_path, "pt3d"), check)
    if pt3d:  # as in NEURON, 3D points set the length and diameter
        points = np.asarray(pt3d)
        values["L"] = float(np.sum(np.linalg.norm(np.diff(points[:, :3], axis=0), axis=1)))
        values["diam"] = float(points[:, 3].mean())
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
            (str(p), _per_segment(v, attr_path(mech_path, p), values["nseg"], check))
            for p, v in params.items())))
    pointps = _pointps(sec.get("pointps", {}), attr_path(path, "pointps"), check)
    ions = _ions(sec.get("ions", {}), attr_path(path, "ions"), check)
    vinit = None
    if "vinit" in sec:
        vinit = check.number(sec["vinit"], attr_path(path, "vinit"))
    return Section(name=str(name), parent=parent, parent_x=parent_x, child_x=child_x,
                   mechs=tuple(mech_specs), pointps=pointps, ions=ions, vinit=vinit,
                   pt3d=pt3d, **values)


def _per_segment(raw, path, nseg, check):
    """A mechanism parameter: one number for the whole section, or one per segment."""
    if isinstance(raw, (list, tuple)):
        if len(raw) != nseg:
            check.add(path, f"lists {len(raw)} values for {nseg} segments")
            return 0.0
        items = [check.number(v, f"{path}[{i}]", default=0.0) for i, v in enumerate(raw)]
        return tuple(items)
    return check.number(raw, path, default=0.0)


def _pt3d(raw, path, check):
    if not raw:
        return ()
    points = []
    if isinstance(raw, (list, tuple)):
        for i, point in enumerate(raw):
            if (isinstance(point, (list, tuple)) and len(point) == 4
                    and all(isinstance(v, Real) and not isinstance(v, bool) for v in point)):
                points.append(tuple(float(v) for v in point))
            else:
                check.add(f"{path}[{i}]", f"must be [x, y, z, diam], not {point!r}")
                return ()
    if len(points) < 2:
        check.add(path, "must list at least two [x, y, z, diam] points")
        return ()
    return tuple(points)


def _pointps(raw, path, check):
    raw = check.mapping(raw, path) or {}
    out = []
    for label, pointp in raw.items():
        where = item_path(path, label)
        pointp = check.mapping(pointp, where)
        if pointp is None:
            continue
        mod = check.required(pointp, "mod", where)
        if "mod" in pointp:
            mod = check.string(mod, attr_path(where, "mod"))
        loc = check.number(pointp.get("loc", 0.5), attr_path(where, "loc"), minimum=0,
                           maximum=1, default=0.5)
        vref = pointp.get("vref")
        if vref is not None:
            vref = check.string(vref, attr_path(where, "vref"))
        syn_list = pointp.get("synList", [])
        if not isinstance(syn_list, (list, tuple)) or not all(isinstance(m, str)
                                                               for m in syn_list):
            check.add(attr_path(where, "synList"), f"must be a list of synMech labels, not "
                                                   f"{syn_list!r}")
            syn_list = []
        params = tuple((str(k), check.number(v, attr_path(where, k), default=0.0))
                       for k, v in pointp.items() if k not in POINTP_RESERVED)
        if isinstance(mod, str):
            out.append(PointProcess(label=str(label), mod=mod, loc=loc, params=params,
                                    vref=vref, syn_list=tuple(syn_list)))
    return tuple(out)


def _ions(raw, path, check):
    raw = check.mapping(raw, path) or {}
    out = []
    for ion, values in raw.items():
        where = item_path(path, ion)
        values = check.mapping(values, where)
        if values is None:
            continue
        check.known_keys(values, where, ION_KEYS)
        out.append((str(ion), tuple((k, check.number(v, attr_path(where, k), default=0.0))
                                    for k, v in values.items() if k in ION_KEYS)))
    return tuple(out)
