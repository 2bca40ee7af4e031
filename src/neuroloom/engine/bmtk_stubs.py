"""The axon stubs of BMTK's cells laid out as NEURON's ``define_shape()`` lays them out.

BMTK replaces a cell's axon by two 30 um stubs and then calls ``define_shape()``, which
gives sections without 3D points a straight layout, computed in single precision (NEURON
keeps 3D points as floats). The stubs' areas and axial resistances, and where an ecp
report sees their segments, follow from those points, so neuroloom computes them as
NEURON does, rounding step by step (engine/bmtk_cells.py sets them on its cells,
engine/ecp.py places the stubs' segments with them).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np


class _SinglePrecision:
    """atan2, sin and cos of floats as NEURON (C++) computes them when it lays out sections
    without 3D points: the C library's float functions (atan2f, sinf, cosf), whose results
    differ from the double ones rounded to float in the last bit; numpy's float32 functions
    where the C library cannot be loaded."""

    def __init__(self):
        path = ctypes.util.find_library("m")
        self._lib = None
        if path:
            try:
                self._lib = ctypes.CDLL(path)
            except OSError:
                self._lib = None
        for name in ("atan2f", "sinf", "cosf"):
            if self._lib is not None:
                getattr(self._lib, name).restype = ctypes.c_float
                getattr(self._lib, name).argtypes = [ctypes.c_float] * (2 if name == "atan2f"
                                                                         else 1)

    def atan2f(self, y, x) -> np.float32:
        if self._lib is None:
            return np.arctan2(np.float32(y), np.float32(x))
        return np.float32(self._lib.atan2f(float(y), float(x)))

    def sinf(self, a) -> float:
        if self._lib is None:
            return float(np.sin(np.float32(a)))
        return float(np.float32(self._lib.sinf(float(a))))

    def cosf(self, a) -> float:
        if self._lib is None:
            return float(np.cos(np.float32(a)))
        return float(np.float32(self._lib.cosf(float(a))))


_LIBM = _SinglePrecision()


def section_ends(sec) -> tuple:
    """The first and last 3D points of a section."""
    last = int(sec.n3d()) - 1
    return ((sec.x3d(0), sec.y3d(0), sec.z3d(0)), (sec.x3d(last), sec.y3d(last), sec.z3d(last)))


def stylized_points(sec, parent_ends, nseg: int | None = None
                     ) -> list[tuple[float, float, float]]:
    """The 3D points NEURON's ``define_shape()`` (which BMTK calls after making the stubs)
    gives a section without any, whose parent's first and last points are ``parent_ends``:
    its first point where it joins the
    parent, then one at the middle of each segment (``nseg``, default the section's) and
    one at its end, in a straight line in
    the plane z = constant, turned 90 degrees from the parent's axis when it joins the
    parent between its ends, with siblings joined at the same place fanned over 0.8 rad.
    NEURON computes these in single precision (its 3D points are floats) and the lengths
    and axial resistances follow from them, so each step rounds as NEURON's does: the same
    points give the same resistances to the last bit (measured against BMTK's cells)."""
    f32 = np.float32
    parent = sec.parentseg()
    psec, where = parent.sec, parent.x
    start, end = ([f32(c) for c in point] for point in parent_ends)
    dx, dy = f32(end[0] - start[0]), f32(end[1] - start[1])
    along = where if psec.orientation() == 0 else 1.0 - where
    if along < 0.5:
        dx, dy = -dx, -dy
    x, y, z = (f32(float(e) * along + float(s) * (1.0 - along)) for s, e in zip(start, end))
    angle = f32(_LIBM.atan2f(dy, dx))
    if 0.0 < where < 1.0:
        angle = f32(float(angle) + math.pi / 2.0)
    same_place = [child for child in psec.children() if child.parentseg().x == where]
    if len(same_place) > 1:
        rank = next(i for i, child in enumerate(same_place) if child == sec)
        angle = f32(float(angle) + (rank / (len(same_place) - 1.0) * 0.8 - 0.4))
    length = sec.L
    x_end = f32(float(x) + length * _LIBM.cosf(angle))
    y_end = f32(float(y) + length * _LIBM.sinf(angle))
    points = [(float(x), float(y), float(z))]
    nseg = sec.nseg if nseg is None else nseg
    for j in range(nseg):
        frac = (j + 0.5) / nseg
        points.append((float(x) * (1.0 - frac) + float(x_end) * frac,
                       float(y) * (1.0 - frac) + float(y_end) * frac, float(z)))
    points.append((float(x_end), float(y_end), float(z)))
    return points


def arcs(points) -> list[float]:
    """The arc lengths NEURON computes for 3D points (float coordinates; differences in
    float, lengths and their sums in double)."""
    p = np.asarray(points, dtype=np.float32)
    steps = (p[1:] - p[:-1]).astype(np.float64)
    out = [0.0]
    for t1, t2, t3 in steps.tolist():
        out.append(out[-1] + math.sqrt(t1 * t1 + t2 * t2 + t3 * t3))
    return out


def with_length(points, length):
    """``points`` with the last one moved (a few float steps in the plane, and off it by
    ~0.01 um) so that NEURON's arc length of the section is exactly ``length`` and the other
    arcs are unchanged; None if no such point is found near it.

    define_shape() sets the last arc of the points it lays out to the section's length
    (its rounded points would make it ~1e-6 um longer); a cellParams gives NEURON points
    only, from which it computes every arc. These points give the same arcs, hence the same
    areas and axial resistances to the last bit, as BMTK's cells have. A lift off the plane
    changes the length by far less than a step in it (by t^2 / 2L), fine enough to hit
    ``length`` exactly when the plane's z is near 0 (Allen morphologies are centred there);
    elsewhere the search may fail."""
    *head, end = points
    before = arcs(points)[-2]
    prev = np.asarray(head[-1], dtype=np.float32)
    end = np.asarray(end, dtype=np.float32)
    total = length - before
    steps = np.arange(-_STEPS, _STEPS + 1)
    xs = _float_steps(end[0], steps)
    ys = _float_steps(end[1], steps)
    x, y = (a.ravel() for a in np.meshgrid(xs, ys))
    t1 = (x - prev[0]).astype(np.float64)
    t2 = (y - prev[1]).astype(np.float64)
    short = total * total - (t1 * t1 + t2 * t2)
    keep = short >= 0.0
    x, y, t1, t2, short = x[keep], y[keep], t1[keep], t2[keep], short[keep]
    centre = (prev[2].astype(np.float64) + np.sqrt(short)).astype(np.float32)
    for k in range(-_LIFT_STEPS, _LIFT_STEPS + 1):
        z = _float_steps_each(centre, k)
        t3 = (z - prev[2]).astype(np.float64)
        arc = before + np.sqrt(t1 * t1 + t2 * t2 + t3 * t3)
        hit = np.flatnonzero(arc == length)
        if len(hit):
            i = hit[0]
            return [*head, (float(x[i]), float(y[i]), float(z[i]))]
    return None


_STEPS, _LIFT_STEPS = 12, 3  # float steps tried in the plane (each way), and off it


def _float_steps(value, steps) -> np.ndarray:
    """The floats ``steps`` representable numbers away from ``value`` (float32)."""
    value = np.float32(value)
    up, down = [value], [value]
    for _ in range(int(np.max(np.abs(steps)))):
        up.append(np.nextafter(up[-1], np.float32(np.inf)))
        down.append(np.nextafter(down[-1], np.float32(-np.inf)))
    return np.array([up[s] if s >= 0 else down[-s] for s in steps.tolist()], np.float32)


def _float_steps_each(values, k) -> np.ndarray:
    out = values.copy()
    for _ in range(abs(k)):
        out = np.nextafter(out, np.float32(np.inf if k > 0 else -np.inf))
    return out
