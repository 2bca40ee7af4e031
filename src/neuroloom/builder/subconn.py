"""subConnParams: move existing synapses to other places on their postsynaptic cells.

'uniform' spreads a cell's synapses from the matching cells evenly along the total length
of the target sections; 'distance' puts them all at the segment whose path distance from a
reference point is closest to a target. Synapses are taken in NetPyNE's order (section,
location, presynaptic gid); no randomness is involved.
"""
from __future__ import annotations

import numpy as np

from ..model.tables import ConnTable
from .conds import select_cells


def redistribute(conns: ConnTable, rule, ctx) -> ConnTable:
    pre = select_cells(rule.pre_conds, ctx.cells, ctx.pops, ctx.cell_types)
    post = select_cells(rule.post_conds, ctx.cells, ctx.pops, ctx.cell_types)
    rows = np.flatnonzero(np.isin(conns.pre_gid, pre) & np.isin(conns.post_gid, post))
    if len(rows) == 0:
        return conns
    sec, loc = conns.sec.copy(), conns.loc.copy()
    grouped = np.isin(conns.syn_mech, [ctx.catalogs.syn_code[m] for m in rule.group_syn_mechs])
    names = ctx.catalogs.section_names
    order = np.lexsort((conns.pre_gid[rows], conns.loc[rows],
                        np.asarray(names)[conns.sec[rows]], conns.post_gid[rows]))
    rows = rows[order]
    starts = np.flatnonzero(np.r_[True, np.diff(conns.post_gid[rows]) != 0])
    for cell_rows in np.split(rows, starts[1:]):
        cell_type = ctx.cell_types[ctx.cells.cell_type[conns.post_gid[cell_rows[0]]]]
        targets = cell_type.resolve_secs(rule.sec) if rule.sec else (cell_type.default_sec,)
        units = _units(cell_rows, conns, grouped)
        if rule.density == "uniform":
            places = _even(cell_type, targets, len(units))
        else:
            places = [_closest(cell_type, targets, rule)] * len(units)
        for unit, (name, x) in zip(units, places):
            sec[unit], loc[unit] = ctx.catalogs.sec_code[name], x
    columns = conns.columns()
    columns.update(sec=sec, loc=loc)
    return ConnTable(**columns, extra=conns.extra)


def _units(cell_rows, conns, grouped):
    """Rows that move together: grouped mechanisms of one connection at one place."""
    units, seen = [], {}
    for row in cell_rows.tolist():
        if not grouped[row]:
            units.append([row])
            continue
        place = (int(conns.pre_gid[row]), int(conns.sec[row]), float(conns.loc[row]))
        if place in seen:
            units[seen[place]].append(row)
        else:
            seen[place] = len(units)
            units.append([row])
    return units


def _even(cell_type, targets, n):
    lengths = np.asarray([cell_type.section(t).L for t in targets])
    cumulative = np.cumsum(lengths)
    position = (np.arange(n) + 0.5) / n * cumulative[-1]
    which = np.minimum(np.searchsorted(cumulative, position, side="right"), len(targets) - 1)
    x = (position - (cumulative[which] - lengths[which])) / lengths[which]
    return [(targets[w], float(v)) for w, v in zip(which.tolist(), x.tolist())]


def _closest(cell_type, targets, rule):
    """The segment centre of the targets closest to the rule's target distance."""
    best = None
    for name in targets:
        nseg = cell_type.section(name).nseg
        for x in ((np.arange(nseg) + 0.5) / nseg).tolist():
            d = path_distance(cell_type, (rule.ref_sec, rule.ref_seg), (name, x))
            score = abs(d - rule.target_distance)
            if best is None or score < best[0]:
                best = (score, name, x)
    return best[1], best[2]


def path_distance(cell_type, a, b) -> float:
    """Distance (um) along the sections between points (section, x) a and b."""
    up_a, up_b = _path_to_root(cell_type, *a), _path_to_root(cell_type, *b)
    positions_b = {name: (x, walked) for name, x, walked in up_b}
    for name, x_a, walked_a in up_a:  # the first section both paths reach
        if name in positions_b:
            x_b, walked_b = positions_b[name]
            return walked_a + walked_b + abs(x_a - x_b) * cell_type.section(name).L
    raise ValueError("the two points are not on one connected cell")


def _path_to_root(cell_type, name, x):
    """(section, position on it, distance walked) from a point up to the root section."""
    out, walked = [], 0.0
    while True:
        out.append((name, x, walked))
        sec = cell_type.section(name)
        if sec.parent is None:
            return out
        walked += abs(x - sec.child_x) * sec.L
        name, x = sec.parent, sec.parent_x
