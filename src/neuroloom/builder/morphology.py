"""Where a cell type's segments are: along the sections (path distances) and in space.

3D positions follow NetPyNE with defineCellShapes (NEURON's define_shape): a section's
pt3d points are relative to the cell's position (x, -y, z: y is depth, NEURON's y points
up), moved so that their first point is where the section hangs on its parent, as
define_shape moves them. Sections without 3D points are laid out as define_shape draws
them, computed here without NEURON: the root section from the origin along x, a child
continuing its parent's direction from the point where it hangs (reversed at the parent's
0 end, at right angles from inside it, alternating sides) and several children at one
point fanned over +-0.4 rad. A cell without any 3D points is then turned as NetPyNE turns
it (NEURON's x along the cell's y axis, z dropped). In a cell with some 3D points,
sections without them continue from their parent in its plane (NetPyNE moves those
twice, which no one relies on).
"""
from __future__ import annotations

import numpy as np

FAN = 0.4  # rad: children hanging from one point are spread over [-FAN, FAN]


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


def origin_section(cell_type) -> str:
    """The section distances of cellParams string functions start from (the middle of
    it): 'soma', else the first whose name starts with 'soma', else the first (NetPyNE)."""
    names = cell_type.section_names
    if "soma" in names:
        return "soma"
    return next((n for n in names if n.startswith("soma")), names[0])


def segment_centres(section) -> np.ndarray:
    """x (0..1) of the middle of each of the section's segments, as NEURON has them."""
    return (np.arange(section.nseg) + 0.5) / section.nseg


def shape_points(cell_type) -> dict[str, np.ndarray]:
    """{section: (n, 3) points} relative to the cell's position, as described above."""
    drawn = _layout(cell_type)
    if any(sec.pt3d for sec in cell_type.sections):
        return drawn
    # defineCellShapes on a cell without 3D points: NEURON's (x, y) become (y, x), z is 0
    return {name: np.column_stack([p[:, 1], p[:, 0], np.zeros(len(p))])
            for name, p in drawn.items()}


def point_at(points: np.ndarray, x) -> np.ndarray:
    """Positions at fractions x (0..1) of the length along a polyline (NetPyNE's
    posFromLoc)."""
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    s = np.asarray(x, dtype=np.float64) * arc[-1]
    return np.column_stack([np.interp(s, arc, points[:, k]) for k in range(3)])


def _layout(cell_type) -> dict:
    """NEURON's define_shape: {section: (n, 3) points}."""
    children = {}
    for sec in cell_type.sections:
        children.setdefault(sec.parent, []).append(sec)
    out = {}

    def draw(sec, start, angle):
        if sec.pt3d:  # its own points, moved to hang where it hangs
            points = np.asarray(sec.pt3d, dtype=np.float64)[:, :3]
            if sec.parent is not None:
                points = points - points[0] + start
            out[sec.name] = points
            start, end = points[0], points[-1]
            if np.any(end[:2] != start[:2]):
                angle = float(np.arctan2(end[1] - start[1], end[0] - start[0]))
        else:
            end = start + sec.L * np.array([np.cos(angle), np.sin(angle), 0.0])
            out[sec.name] = np.vstack([start, end])
        kids = children.get(sec.name, [])
        places = list(dict.fromkeys(k.parent_x for k in kids))
        inner = 0
        for place in places:
            group = [k for k in kids if k.parent_x == place]
            if place == 1.0:
                base = angle
            elif place == 0.0:
                base = angle + np.pi
            else:
                base = angle + (np.pi / 2 if inner % 2 == 0 else -np.pi / 2)
                inner += 1
            point = point_at(out[sec.name], [place])[0]
            n = len(group)
            for i, kid in enumerate(group):
                offset = 0.0 if n == 1 else FAN - 2 * FAN * i / (n - 1)
                draw(kid, point, base + offset)

    for root in children.get(None, []):
        draw(root, np.zeros(3), 0.0)
    return out
