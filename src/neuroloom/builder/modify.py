"""Modifying a built network (the tutorial's sim.net.modify*): NetPyNE's params syntax ->
the selected rows or cells, and a new Network with the new values.

A cell type or synapse type shared by cells that are not all selected is split: the
selected cells get a variant ('<label>_2', ...) so the others keep their values.
"""
from __future__ import annotations

from dataclasses import replace
from numbers import Real

import numpy as np

from ..errors import Problem, SpecError
from ..validate.checker import Checker, attr_path
from ..validate.cells import GEOM_KEYS
from ..validate.conds import Tags, conds as parse_conds
from .conds import select_cells

CONN_CONDS = ("label", "synMech", "sec", "loc", "weight", "delay", "preGid", "postGid")
STIM_CONDS = ("label", "source", "sec", "loc", "weight", "delay", "gid")


def selected_cells(network, raw, path, check) -> np.ndarray:
    conditions, _ = parse_conds(raw or {}, path, Tags.of_network(network), check)
    return select_cells(conditions, network.cells, network.pops, network.cell_types)


def _row_mask(network, table, raw, path, allowed, names, check) -> np.ndarray:
    """Rows whose own attributes match 'conds': a value, a list, or a [min, max] range."""
    raw = check.mapping(raw or {}, path) or {}
    check.known_keys(raw, path, allowed)
    mask = np.ones(len(table), dtype=bool)
    for key, wanted in raw.items():
        if key not in allowed:
            continue
        column = names[key](table)
        if (isinstance(wanted, (list, tuple)) and len(wanted) == 2
                and all(isinstance(v, Real) for v in wanted) and column.dtype.kind == "f"):
            mask &= (column >= wanted[0]) & (column <= wanted[1])
        else:
            values = list(wanted) if isinstance(wanted, (list, tuple)) else [wanted]
            mask &= np.isin(column, values)
    return mask


def _conn_columns(network):
    labels = np.asarray(network.conn_rules)
    return {"label": lambda c: labels[c.rule], "preGid": lambda c: c.pre_gid,
            "postGid": lambda c: c.post_gid, "weight": lambda c: c.weight,
            "delay": lambda c: c.delay, "loc": lambda c: c.loc,
            "synMech": lambda c: _labels(network.syn_mechs, c.syn_mech),
            "sec": lambda c: _labels(network.section_names, c.sec)}


def _labels(catalog, codes):
    names = np.asarray([getattr(e, "user_label", e) for e in catalog] + [""])
    return names[np.asarray(codes, dtype=np.int64)]  # code -1: ''


def modify_conns(network, params):
    """(new network, modified row indices, values). params: conds (on the connections:
    label, synMech, sec, loc, weight, delay, preGid, postGid), preConds and postConds
    (on the cells), and the new 'weight' and/or 'delay'."""
    check = Checker()
    params = check.mapping(params, "modifyConns") or {}
    check.known_keys(params, "modifyConns", ("conds", "preConds", "postConds", "weight",
                                             "delay"))
    c = network.conns
    mask = _row_mask(network, c, params.get("conds"), "modifyConns.conds", CONN_CONDS,
                     _conn_columns(network), check)
    if "preConds" in params:
        mask &= np.isin(c.pre_gid, selected_cells(network, params["preConds"],
                                                  "modifyConns.preConds", check))
    if "postConds" in params:
        mask &= np.isin(c.post_gid, selected_cells(network, params["postConds"],
                                                   "modifyConns.postConds", check))
    values = _values(params, ("weight", "delay"), "modifyConns", check)
    check.raise_if_any()
    rows = np.flatnonzero(mask)
    columns = c.columns()
    for name, value in values.items():
        columns[name] = columns[name].copy()
        columns[name][rows] = value
    return replace(network, conns=type(c)(**columns, extra=c.extra)), rows, values


def _values(params, names, path, check):
    out = {}
    for name in names:
        if name in params:
            value = check.number(params[name], attr_path(path, name))
            if value is not None:
                out[name] = value
    if not out:
        check.add(path, f"gives no value to set (one of {', '.join(names)})")
    return out


def modify_cells(network, params):
    """(new network, selected gids, {section: {'geom': ..., 'mechs': ...}}). params: conds
    on the cells' tags, and 'secs' with the geometry and mechanism values to set."""
    check = Checker()
    params = check.mapping(params, "modifyCells") or {}
    check.known_keys(params, "modifyCells", ("conds", "secs"))
    gids = selected_cells(network, params.get("conds"), "modifyCells.conds", check)
    changes = check.mapping(params.get("secs", {}), "modifyCells.secs") or {}
    types = sorted(set(network.cells.cell_type[gids].tolist()))
    for code in types:
        _check_changes(network.cell_types[code], changes, check)
    check.raise_if_any()
    cell_types = list(network.cell_types)
    cell_type_column = network.cells.cell_type.copy()
    for code in types:
        new = _apply_to_type(cell_types[code], changes)
        members = network.cells.cell_type == code
        if np.all(np.isin(np.flatnonzero(members), gids)):
            cell_types[code] = new  # every cell of the type: change the type itself
        else:
            cell_types.append(replace(new, label=_variant(new.user_label, cell_types),
                                      variant_of=new.user_label))
            cell_type_column[np.intersect1d(np.flatnonzero(members), gids)] = len(cell_types) - 1
    cells = network.cells
    columns = cells.columns()
    columns["cell_type"] = cell_type_column
    return (replace(network, cell_types=tuple(cell_types),
                    cells=type(cells)(**columns, extra=cells.extra)), gids, changes)


def _variant(label, cell_types):
    taken = {t.label for t in cell_types}
    n = 2
    while f"{label}_{n}" in taken:
        n += 1
    return f"{label}_{n}"


def _check_changes(cell_type, changes, check):
    for sec_name, change in changes.items():
        path = f"modifyCells.secs['{sec_name}']"
        if sec_name not in cell_type.section_names:
            check.reference(sec_name, path, f"section of cell type '{cell_type.label}'",
                            cell_type.section_names)
            continue
        change = check.mapping(change, path) or {}
        check.known_keys(change, path, ("geom", "mechs"))
        geom = check.mapping(change.get("geom", {}), f"{path}.geom") or {}
        check.known_keys(geom, f"{path}.geom", [k for k in GEOM_KEYS if k != "pt3d"])
        for key, value in geom.items():
            check.number(value, f"{path}.geom.{key}", positive=True)
        inserted = dict(cell_type.section(sec_name).mechs)
        for mech, values in (check.mapping(change.get("mechs", {}), f"{path}.mechs")
                             or {}).items():
            if mech not in inserted:
                check.add(f"{path}.mechs['{mech}']", f"mechanism '{mech}' is not inserted in "
                                                    f"section '{sec_name}'")
            for name, value in (check.mapping(values, f"{path}.mechs['{mech}']") or {}).items():
                check.number(value, f"{path}.mechs['{mech}'].{name}")


def _apply_to_type(cell_type, changes):
    sections = []
    for sec in cell_type.sections:
        change = changes.get(sec.name)
        if change is None:
            sections.append(sec)
            continue
        geom = {k: (int(v) if k == "nseg" else float(v))
                for k, v in change.get("geom", {}).items()}
        mechs = tuple((m, tuple({**dict(p), **{k: float(v) for k, v in
                                              change.get("mechs", {}).get(m, {}).items()}}
                                .items())) for m, p in sec.mechs)
        sections.append(replace(sec, mechs=mechs, **geom))
    return replace(cell_type, sections=tuple(sections))


def modify_syn_mechs(network, params):
    """(new network, the (gid, section code, loc, old synMech code) places of the
    synapses changed, {old code: code of its new variant}, values). params: conds
    ('label' of the synMech, 'sec', 'loc'), cellConds on the cells, and the mechanism's
    parameters to set."""
    check = Checker()
    params = dict(check.mapping(params, "modifySynMechs") or {})
    conds = check.mapping(params.pop("conds", {}), "modifySynMechs.conds") or {}
    check.known_keys(conds, "modifySynMechs.conds", ("label", "sec", "loc"))
    gids = selected_cells(network, params.pop("cellConds", {}), "modifySynMechs.cellConds",
                          check)
    known = list(dict.fromkeys(m.user_label for m in network.syn_mechs))
    labels = conds.get("label", known)
    labels = list(labels) if isinstance(labels, (list, tuple)) else [labels]
    for label in labels:
        check.reference(label, "modifySynMechs.conds.label", "synMech", known)
    values = {k: check.number(v, f"modifySynMechs.{k}") for k, v in params.items()}
    if not values:
        check.add("modifySynMechs", "gives no parameter to set")
    check.raise_if_any()
    codes = [i for i, m in enumerate(network.syn_mechs) if m.user_label in labels]
    where = {k: conds[k] for k in ("sec", "loc") if k in conds}
    conns, stims = network.conns, network.stims
    syn_mechs = list(network.syn_mechs)
    tables = {}
    for name, table, gid_column in (("conns", conns, "post_gid"), ("stims", stims, "gid")):
        rows = np.isin(getattr(table, gid_column), gids) & np.isin(table.syn_mech, codes)
        rows &= _row_mask(network, table, where, "modifySynMechs.conds", ("sec", "loc"),
                          {"sec": lambda t: _labels(network.section_names, t.sec),
                           "loc": lambda t: t.loc}, check)
        tables[name] = rows
    places = {(int(g), int(sec), float(loc), int(m))
              for name, table, gid_column in (("conns", conns, "post_gid"), ("stims", stims, "gid"))
              for g, sec, loc, m in zip(*(getattr(table, col)[tables[name]]
                                          for col in (gid_column, "sec", "loc", "syn_mech")))}
    remap = {}
    for code in codes:
        used_elsewhere = any(np.any((t.syn_mech == code) & ~tables[n])
                             for n, t in (("conns", conns), ("stims", stims)))
        new = replace(syn_mechs[code], params=tuple({**dict(syn_mechs[code].params),
                                                     **values}.items()))
        if used_elsewhere:
            syn_mechs.append(replace(new, label=_variant(new.user_label, syn_mechs),
                                     variant_of=new.user_label))
            remap[code] = len(syn_mechs) - 1
        else:
            syn_mechs[code] = new
    new_tables = {}
    for name, table in (("conns", conns), ("stims", stims)):
        columns = table.columns()
        column = columns["syn_mech"].copy()
        for old, new in remap.items():
            column[tables[name] & (column == old)] = new
        columns["syn_mech"] = column
        new_tables[name] = type(table)(**columns, extra=table.extra)
    return replace(network, syn_mechs=tuple(syn_mechs), **new_tables), places, remap, values


def modify_stims(network, params):
    """(new network, modified rows, values). params: conds on the stimuli ('label' of the
    rule, 'source', 'sec', 'loc', ...), cellConds on the target cells, and the values to
    set: 'weight', 'delay' or any parameter of the source (e.g. 'interval', 'amp')."""
    check = Checker()
    params = dict(check.mapping(params, "modifyStims") or {})
    s = network.stims
    labels = np.asarray(network.stim_rules)
    sources = np.asarray([x.label for x in network.stim_sources])
    mask = _row_mask(network, s, params.pop("conds", {}), "modifyStims.conds", STIM_CONDS,
                     {"label": lambda t: labels[t.rule], "source": lambda t: sources[t.source],
                      "sec": lambda t: _labels(network.section_names, t.sec),
                      "loc": lambda t: t.loc, "weight": lambda t: t.weight,
                      "delay": lambda t: t.delay, "gid": lambda t: t.gid}, check)
    if "cellConds" in params:
        mask &= np.isin(s.gid, selected_cells(network, params.pop("cellConds"),
                                              "modifyStims.cellConds", check))
    values = {k: check.number(v, f"modifyStims.{k}") for k, v in params.items()}
    if "rate" in values and values["rate"]:
        values["interval"] = 1000.0 / values.pop("rate")
    if not values:
        check.add("modifyStims", "gives no value to set")
    check.raise_if_any()
    rows = np.flatnonzero(mask)
    columns, extra = s.columns(), dict(s.extra)
    for name, value in values.items():
        if name in ("weight", "delay"):
            columns[name] = columns[name].copy()
            columns[name][rows] = value
        else:  # a source parameter, now per target
            column = extra.get(name, np.full(len(s), np.nan)).copy()
            column[rows] = value
            extra[name] = column
    if not len(rows):
        raise SpecError(Problem("modifyStims.conds", "select no stimuli"))
    return replace(network, stims=type(s)(**columns, extra=extra)), rows, values
