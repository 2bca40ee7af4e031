"""Cell shapes as line segments, for drawing (no NEURON needed).

Sections with 3D points use them (placed at the cell's position as the engine places them:
x and z added, y subtracted, unless the cell type keeps them as given); sections without are
laid out as straight lines of their length, fanned out from the point where they attach (a
root section from the cell's position, y subtracted as well: y is depth). Each section's
points run from its 0 end to its 1 end, so positions along it are NEURON's.
"""
from __future__ import annotations

import numpy as np


def cell_segments(network, gid, placed=None) -> dict[str, np.ndarray]:
    """Section name -> (n, 3) points of that section, in um. ``placed``: section name ->
    its points as NEURON holds them (the engine's), used instead of the spec's."""
    cell_type = network.cell_type_of(gid)
    c = network.cells
    origin = np.array([c.x[gid], -c.y[gid], c.z[gid]])
    shift = origin if cell_type.place_pt3d else np.zeros(3)
    placed = placed or {}
    points, children = {}, {}
    for sec in cell_type.sections:
        children.setdefault(sec.parent, []).append(sec)
    queue = [(sec, 0.0) for sec in children.get(None, [])]
    for i, (sec, _) in enumerate(queue):
        queue[i] = (sec, np.pi * i)  # roots fan out from the cell position
    while queue:
        sec, angle = queue.pop(0)
        if sec.name in placed:
            p = np.asarray(placed[sec.name], dtype=float)
        elif sec.pt3d:
            p = np.asarray(sec.pt3d)[:, :3] + shift
        else:
            start = origin.copy() if sec.parent is None else _point_at(
                points[sec.parent], sec.parent_x)
            direction = np.array([np.cos(angle), np.sin(angle), 0.0])
            p = np.vstack([start, start + direction * sec.L])
            if sec.child_x == 1:  # attached by its 1 end: drawn from there
                p = p[::-1]
        points[sec.name] = p
        kids = children.get(sec.name, [])
        for k, child in enumerate(kids):
            spread = (k - (len(kids) - 1) / 2) * np.pi / 6
            queue.append((child, angle + spread))
    return points


def _point_at(points, x):
    """The point a fraction x along a polyline."""
    lengths = np.linalg.norm(np.diff(points, axis=0), axis=1)
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    target = x * cumulative[-1]
    i = min(np.searchsorted(cumulative, target, side="right") - 1, len(lengths) - 1)
    frac = 0.0 if lengths[i] == 0 else (target - cumulative[i]) / lengths[i]
    return points[i] + frac * (points[i + 1] - points[i])


def section_values(network, gid, cvar) -> dict[str, float]:
    """A value per section to colour by: 'numSyns' (connections onto it) or a mechanism
    parameter '<param>_<mech>' (its first value; NaN where the mechanism is absent)."""
    cell_type = network.cell_type_of(gid)
    if cvar == "numSyns":
        c = network.conns
        codes = c.sec[c.post_gid == gid]
        return {s.name: float(np.count_nonzero(codes == network.section_names.index(s.name)))
                for s in cell_type.sections}
    param, _, mech = cvar.rpartition("_")
    out = {}
    for sec in cell_type.sections:
        value = dict(dict(sec.mechs).get(mech, ())).get(param, np.nan)
        out[sec.name] = float(value[0] if isinstance(value, tuple) else value)
    return out
