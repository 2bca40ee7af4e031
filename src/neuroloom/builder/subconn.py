"""subConnParams: move existing synapses to other places on their postsynaptic cells.

As NetPyNE's subcellularConn: the synapses a post cell receives from the matching pre
cells (grouped mechanisms of one connection at one place move together) are sorted by
NetPyNE's key (section name, location and presynaptic gid joined as text) and given new
places in that order:
- 'uniform': spread evenly along the total length of the target sections;
- 'distance': all at the segment whose distance from a reference point (along the
  sections, or straight between 3D points with coord 'cartesian') is closest to a target
  (the last such segment, starting from the reference point itself);
- '1Dmap' / '2Dmap': as many per segment as a density map of depth (and x) interpolated
  at the segment says, scaled to the number of synapses and rounded (the largest
  remainders get the synapses rounding left out).
A moved synapse's weight is rescaled by the weightNorm of its new segment over that of its
old one (when its old section has weightNorm). Locations 0 and 1 become 0.00001 and
0.99999. No randomness is involved.
"""
from __future__ import annotations

import numpy as np

from ..errors import Problem, SpecError
from ..model.tables import ConnTable
from .conds import select_cells
from .contacts import spread_evenly
from .morphology import path_distance, point_at, segment_centres, shape_points

EDGE = 0.00001  # NetPyNE keeps synapses this far from a section's ends


def redistribute(conns: ConnTable, rule, ctx) -> ConnTable:
    pre = select_cells(rule.pre_conds, ctx.cells, ctx.pops, ctx.cell_types)
    post = select_cells(rule.post_conds, ctx.cells, ctx.pops, ctx.cell_types)
    rows = np.flatnonzero(np.isin(conns.pre_gid, pre) & np.isin(conns.post_gid, post))
    if len(rows) == 0:
        return conns
    sec, loc, weight = conns.sec.copy(), conns.loc.copy(), conns.weight.copy()
    grouped = np.isin(conns.syn_mech, [ctx.catalogs.syn_code[m] for m in rule.group_syn_mechs])
    names = ctx.catalogs.section_names
    rows = rows[np.argsort(conns.post_gid[rows], kind="stable")]  # each cell's in order
    starts = np.flatnonzero(np.r_[True, np.diff(conns.post_gid[rows]) != 0])
    for cell_rows in np.split(rows, starts[1:]):
        gid = int(conns.post_gid[cell_rows[0]])
        code = ctx.cells.cell_type[gid]
        cell_type = ctx.cell_types[code]
        targets = cell_type.resolve_secs(rule.sec) if rule.sec else (cell_type.default_sec,)
        units = _units(cell_rows, conns, grouped)
        units.sort(key=lambda unit: _netpyne_key(names[conns.sec[unit[0]]],
                                                 conns.loc[unit[0]], conns.pre_gid[unit[0]]))
        places = _places(rule, cell_type, targets, len(units), ctx, gid)
        norms = ctx.weight_norms[code] if ctx.weight_norms else {}
        for unit, (name, x) in zip(units, places):
            new_sec = ctx.catalogs.sec_code[name]
            old_sec, old_loc = int(conns.sec[unit[0]]), float(conns.loc[unit[0]])
            if old_sec in norms:
                new = _norm_at(norms[new_sec], x) if new_sec in norms else 1.0
                weight[unit] = weight[unit] / _norm_at(norms[old_sec], old_loc) * new
            sec[unit] = new_sec
            loc[unit] = EDGE if x == 0.0 else 1 - EDGE if x == 1.0 else x
    columns = conns.columns()
    columns.update(sec=sec, loc=loc, weight=weight)
    return ConnTable(**columns, extra=conns.extra)


def _netpyne_key(sec_name, loc, pre_gid) -> str:
    return f"{sec_name}{float(loc)!s}{int(pre_gid)}"


def _norm_at(norm, x) -> float:
    return float(norm[int(round(x * len(norm))) - 1])


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


def _places(rule, cell_type, targets, n, ctx, gid):
    """The new (section, location) of n synapses, in order."""
    if rule.density == "uniform":
        which, x = spread_evenly([cell_type.section(t).L for t in targets], np.arange(n), n)
        return [(targets[w], float(v)) for w, v in zip(which.tolist(), x.tolist())]
    if rule.density == "distance":
        return [_closest(cell_type, targets, rule)] * n
    return _mapped(rule, cell_type, targets, n, ctx, gid)


def _closest(cell_type, targets, rule):
    """NetPyNE's search: from the reference point, every segment middle of the targets
    whose distance is at least as close to the target distance as the best so far."""
    best, best_gap = (rule.ref_sec, rule.ref_seg), rule.target_distance
    if rule.coord == "cartesian":
        points = shape_points(cell_type)
        origin = point_at(points[rule.ref_sec], [rule.ref_seg])[0]
    for name in targets:
        xs = segment_centres(cell_type.section(name))
        if rule.coord == "cartesian":
            dists = np.linalg.norm(point_at(points[name], xs) - origin, axis=1).tolist()
        else:
            dists = [path_distance(cell_type, (rule.ref_sec, rule.ref_seg), (name, x))
                     for x in xs.tolist()]
        for x, d in zip(xs.tolist(), dists):
            if abs(d - rule.target_distance) <= best_gap:
                best, best_gap = (name, x), abs(d - rule.target_distance)
    return best


def _mapped(rule, cell_type, targets, n, ctx, gid):
    """Synapses per segment from the density map, as NetPyNE's 1Dmap/2Dmap."""
    points = shape_points(cell_type)
    if "soma" not in points:
        raise SpecError(Problem(f"subConnParams['{rule.label}']", f"cell type "
                                f"'{cell_type.label}' has no section named 'soma' (the map "
                                "is placed relative to it)"))
    offset = np.array([ctx.cells.x[gid], -ctx.cells.y[gid], ctx.cells.z[gid]])
    soma_x, soma_y, _ = point_at(points["soma"], [0.5])[0] + offset
    grid_y = list(rule.grid_y)
    if rule.fixed_soma_y is not None:  # the map was drawn for a soma at fixedSomaY
        grid_y = [y + (soma_y - rule.fixed_soma_y) for y in grid_y]
    grid_x = [x - soma_x for x in rule.grid_x]
    counts = {}
    for name in targets:
        section = cell_type.section(name)
        at = point_at(points[name], segment_centres(section)) + offset
        counts[name] = [_sigma(rule, grid_x, grid_y, x, y) * section.L / section.nseg
                        for x, y, _ in at.tolist()]
    total = sum(sum(c) for c in counts.values())
    scale = float(n) / float(total) if total > 0 else 0.0
    remainders = []
    for name, values in counts.items():
        for i, value in enumerate(values):
            exact = float(value * scale)
            values[i] = int(round(value * scale))
            if exact - values[i] > 0:
                remainders.append((exact - values[i], name, i))
    missing = n - sum(sum(c) for c in counts.values())
    if missing > 0:  # rounding left synapses out: the largest remainders get one each
        for _, name, i in sorted(remainders, key=lambda r: r[0], reverse=True)[:missing]:
            counts[name][i] += 1
    out = []
    for name, values in counts.items():
        xs = segment_centres(cell_type.section(name)).tolist()
        for x, count in zip(xs, values):
            out.extend([(name, x)] * count)
    return out


def _sigma(rule, grid_x, grid_y, x, y) -> float:
    """The map's density at (x, y): linear between the two nearest gridY points (1D),
    bilinear between the two nearest of each axis (2D)."""
    j1, j2 = sorted(np.argsort(np.abs(np.asarray(grid_y) - y), kind="stable")[:2].tolist())
    y1, y2 = grid_y[j1], grid_y[j2]
    if rule.density == "1Dmap":
        values = rule.grid_values
        return (values[j1] * (y2 - y) + values[j2] * (y - y1)) / (y2 - y1)
    i1, i2 = sorted(np.argsort(np.abs(np.asarray(grid_x) - x), kind="stable")[:2].tolist())
    x1, x2 = grid_x[i1], grid_x[i2]
    v = rule.grid_values
    return (v[i1][j1] * (x2 - x) * (y2 - y) + v[i2][j1] * (x - x1) * (y2 - y)
            + v[i1][j2] * (x2 - x) * (y - y1) + v[i2][j2] * (x - x1) * (y - y1)) / (
        (x2 - x1) * (y2 - y1))
