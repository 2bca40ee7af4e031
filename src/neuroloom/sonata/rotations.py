"""Where BMTK puts the segments of a rotated SONATA cell (``rotation_angle_xaxis``,
``_yaxis``, ``_zaxis``, radians).

BMTK 1.2.0 never moves a cell's 3D points in NEURON: spikes and membrane reports do not
depend on the rotation. It rotates only the segment coordinates it hands to what needs
positions (the extracellular report, xstim), and it computes them so:

1. the soma centre is the mean of the 3D points of every soma section;
2. each section's points, relative to that centre, are interpolated along the section's
   normalised arc length (NEURON's arc3d / L) at the start, middle and end of each segment
   (x - 1/(2 nseg), x, x + 1/(2 nseg));
3. they are rotated about the centre of the shifted soma (which is (0, 0, 0) up to
   rounding) by R = Rx(x) Ry(y) Rz(z), each a counterclockwise (right-handed) rotation
   about its axis, so the z rotation acts first;
4. then moved so that centre lands on the node's position (x, y, z as the nodes file gives
   them; no axis is flipped).

:func:`segment_points` reproduces these steps in the same order of floating-point
operations, so its results equal BMTK's to the last bit where the inputs do.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SectionShape:
    """One section as NEURON holds it: its 3D points (n, 3), their arc lengths (n,), its
    length and nseg."""

    points: np.ndarray
    arc: np.ndarray
    length: float
    nseg: int


@dataclass(frozen=True)
class SegmentPoints:
    """Start, middle and end of every segment, (3, nseg total) each, in the order of the
    sections given and along each; and the soma centre the rotation turned about."""

    p0: np.ndarray
    p05: np.ndarray
    p1: np.ndarray
    soma: np.ndarray


def rotation_matrix(x: float, y: float, z: float) -> np.ndarray:
    """BMTK's rotation for the angles (radians) about x, y and z: Rx @ Ry @ Rz."""
    return _about(0, x) @ (_about(1, y) @ _about(2, z))


def _about(axis: int, theta: float) -> np.ndarray:
    """The counterclockwise rotation by ``theta`` about one coordinate axis, computed from
    the half-angle quaternion as BMTK computes it (so its rounding is the same)."""
    a = np.cos(theta / 2.0)
    q = np.zeros(3)
    q[axis] = -np.sin(theta / 2.0)
    b, c, d = q
    aa, bb, cc, dd = a * a, b * b, c * c, d * d
    bc, ad, ac, ab, bd, cd = b * c, a * d, a * c, a * b, b * d, c * d
    return np.array([[aa + bb - cc - dd, 2 * (bc + ad), 2 * (bd - ac)],
                     [2 * (bc - ad), aa + cc - bb - dd, 2 * (cd + ab)],
                     [2 * (bd + ac), 2 * (cd - ab), aa + dd - bb - cc]])


def segment_points(sections: list[SectionShape], soma: list[np.ndarray], angles,
                   position) -> SegmentPoints:
    """BMTK's segment coordinates of a cell (see the module's docstring).

    Parameters
    ----------
    sections : list of SectionShape
        Every section, in BMTK's ``hobj.all`` order (SONATA's sec_id order); each must have
        3D points.
    soma : list of numpy.ndarray
        The (n, 3) 3D points of each soma section.
    angles : sequence of 3 floats
        rotation_angle_xaxis, _yaxis, _zaxis (radians; 0 for a missing one).
    position : sequence of 3 floats
        The node's x, y, z.

    Returns
    -------
    SegmentPoints
        The segments' start, middle and end points and the soma centre.

    Raises
    ------
    ValueError
        When a section has no 3D points.
    """
    centre = _mean_point(soma, np.zeros(3))
    starts, middles, ends = [], [], []
    for i, sec in enumerate(sections):
        if len(sec.points) == 0:
            raise ValueError(f"section {i} has no 3D points")
        shifted = np.asarray(sec.points, dtype=float) - centre
        along = np.asarray(sec.arc, dtype=float) / sec.length
        x = (np.arange(sec.nseg) + 0.5) / sec.nseg  # NEURON's segment centres
        for out, at in ((starts, x - 0.5 * 1 / sec.nseg), (middles, x),
                        (ends, x + 0.5 * 1 / sec.nseg)):
            out.append(np.array([np.interp(at, along, shifted[:, k]) for k in range(3)]))
    p0, p05, p1 = (np.concatenate(part, axis=1) for part in (starts, middles, ends))
    # the soma centre after the shift: 0 but for rounding, and BMTK turns about it
    centre_shifted = _mean_point(soma, centre).reshape(3, 1)
    rotation = rotation_matrix(*angles)
    p0, p05, p1 = (rotation @ (p - centre_shifted) + centre_shifted for p in (p0, p05, p1))
    displacement = (np.asarray(position, dtype=float) - centre_shifted.ravel()).reshape(3, 1)
    return SegmentPoints(p0 + displacement, p05 + displacement, p1 + displacement,
                         np.asarray(position, dtype=float))


def _mean_point(soma: list[np.ndarray], shift: np.ndarray) -> np.ndarray:
    """The mean of every soma point minus ``shift``, summed point by point as BMTK sums."""
    total, count = np.zeros(3), 0
    for points in soma:
        for point in np.asarray(points, dtype=float):
            total += point - shift
            count += 1
    return total / count


#: the CellTable ``extra`` columns the SONATA importer keeps the rotations in
ANGLE_COLUMNS = ("rotation_angle_xaxis", "rotation_angle_yaxis", "rotation_angle_zaxis")


def angles_of(cells, gid: int) -> tuple[float, float, float]:
    """The rotation angles (radians) of cell ``gid`` of a CellTable: its
    rotation_angle_[xyz]axis columns; 0 for a column the table does not have, or NaN (a
    cell of a population without the column: the table's other populations have it)."""
    out = []
    for name in ANGLE_COLUMNS:
        value = float(cells.extra[name][gid]) if name in cells.extra else 0.0
        out.append(0.0 if np.isnan(value) else value)
    return tuple(out)
