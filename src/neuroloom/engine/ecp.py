"""SONATA extracellular (``ecp``) reports, computed as BMTK 1.2.0 computes them.

BMTK's module ``extracellular`` sums, after every time step, each report cell's segment
membrane currents (NEURON's i_membrane_, nA: the fast membrane current, capacitive and
ionic, without electrode currents) times a fixed transfer resistance from the segment to
each electrode. This recorder records the same currents every time step and applies the
same transfer resistances after the run, so the report equals BMTK's to float rounding.

Transfer resistance (the line-source formula, BMTK's form, no minimum distance): a segment
from p0 to p1 (um), length l, carrying current I spread evenly along it, gives at an
electrode e, with r the vector from the segment's middle to e, a = |r . (p1 - p0)| / l
(the distance along the segment's axis) and rT^2 = |r|^2 - a^2 (across it)::

    phi = I / (4 pi sigma l) * ln((a + l/2 + sqrt((a + l/2)^2 + rT^2))
                                  / (a - l/2 + sqrt((a - l/2)^2 + rT^2)))

with sigma 0.3 S/m; nA / (S/m um) is mV. Unlike engine/lfp.py (LFPykit, NetPyNE's LFP),
a point closer to the segment than its radius is not moved out to the radius.

Geometry: the segments where BMTK puts them (sonata/rotations.py, through
engine/bmtk_cells.segment_points): the soma centred on the node's position and the cell
turned by its rotation angles, every section in BMTK's ``hobj.all`` order. BMTK gives the
axon stubs of ``nml:`` and ``aibs_perisomatic`` cells (made without 3D points) the points
NEURON's ``define_shape()`` lays out; :func:`laid_out_points` computes those points
without calling it (it would give points to every section of the process that lacks them,
other cells' included). They are used for the stubs even when the cell's stubs have 3D
points in NEURON: engine/bmtk_cells.py moves their last points by up to ~0.02 um so that
NEURON computes the stubs' lengths, areas and resistances as BMTK's, and the potential
near them would follow that move.

Frames: as BMTK's, frame k is the potential after time step k, at t = (k + 1)*dt.

Summing cells: compensated sums (engine/lfp.py ``_Sum``), so a run on N ranks gives the
serial run's report bit for bit.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import FormatError
from ..sonata.bmtk_cells import KIND as BMTK_KIND
from ..sonata.bmtk_cells import BmtkCell
from ..sonata.rotations import SectionShape, angles_of, segment_points
from .lfp import _Sum

#: the conductivity (S/m) BMTK's extracellular module uses, fixed there
BMTK_SIGMA = 0.3
#: define_shape's turn of a section attached to the middle of its parent (radians), and
#: the fan it spreads the parent's children at one point over (-0.4 .. 0.4 radians)
_SIDEWAYS, _FAN = 3.14159265358979323846 / 2.0, 0.8
_F32 = np.float32


class EcpRecorder:
    """Records the membrane currents of this rank's compartmental cells that ecp reports
    cover, every time step.

    Parameters
    ----------
    h : neuron.hoc.HocObject
        NEURON.
    cells : dict
        gid -> CellInstance of this rank.
    network : model.Network
        The network (positions and rotation angles of its cells).
    reports : sequence
        The ecp reports, each with ``name``, ``gids`` (the cells whose currents count),
        ``electrodes`` ((n, 3) um, in the circuit's frame) and ``sigma`` (S/m)
        (importers.sonata_run.EcpReport).
    """

    def __init__(self, h, cells: dict, network, reports):
        self.h = h
        self.reports = [(r.name, len(r.electrodes)) for r in reports]
        h.cvode.use_fast_imem(1)
        wanted = {}  # gid -> [(report name, electrodes, sigma)]
        for r in reports:
            for gid in np.asarray(r.gids).tolist():
                wanted.setdefault(int(gid), []).append(
                    (r.name, np.asarray(r.electrodes, float).reshape(-1, 3), float(r.sigma)))
        self.cells = []  # (Vectors, {report name: transfer resistances (channels, segs)})
        for gid in sorted(set(wanted) & set(cells)):
            cell = cells[gid]
            if not cell.secs:  # artificial cells have no membrane (BMTK: not biophysical)
                continue
            names = list(cell.cell_type.section_names)
            points = cell_segment_points(cell, network, gid)
            matrices = {name: transfer_resistance(points.p0, points.p1, electrodes, sigma)
                        for name, electrodes, sigma in wanted[gid]}
            vectors = []
            for name in names:
                for seg in cell.secs[name]:
                    vec = h.Vector()
                    vec.record(seg._ref_i_membrane_)  # every step: BMTK's frames are steps
                    vectors.append(vec)
            self.cells.append((vectors, matrices))

    def collect(self) -> dict:
        """This rank's part (picklable): report name -> compensated sum (value, lost
        error) of frames x channels, frame k at (k + 1)*dt."""
        sums = {}
        for vectors, matrices in self.cells:
            currents = np.vstack([v.as_numpy() for v in vectors])[:, 1:]  # not t = 0
            for name, matrix in matrices.items():
                signal = np.ascontiguousarray((matrix @ currents).T)
                sums.setdefault(name, _Sum(signal.shape)).add(signal)
        frames = None if not self.cells else len(self.cells[0][0][0]) - 1
        return {"frames": frames,
                "sums": {name: total.pair() for name, total in sums.items()},
                "channels": dict(self.reports)}

    def release(self) -> None:
        """Stop computing i_membrane_ (NEURON keeps the setting for the next model)."""
        self.cells = []
        self.h.cvode.use_fast_imem(0)


def merge(parts: list) -> dict | None:
    """The ranks' parts (EcpRecorder.collect) -> report name -> frames x channels (mV);
    zeros for a report none of whose cells has a membrane. None when nothing was
    recorded."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    frames = next((p["frames"] for p in parts if p["frames"] is not None), 0)
    out = {}
    for name, channels in parts[0]["channels"].items():
        pairs = [p["sums"][name] for p in parts if name in p["sums"]]
        out[name] = (_Sum.of_pairs(pairs) if pairs else np.zeros((frames, channels)))
    return out


def transfer_resistance(p0, p1, electrodes, sigma: float = BMTK_SIGMA) -> np.ndarray:
    """(n_electrodes, n_segments) transfer resistances (mV/nA) of line-source segments
    from ``p0`` to ``p1`` ((3, n) um each) to ``electrodes`` ((m, 3) um) in a medium of
    conductivity ``sigma`` (S/m): BMTK's formula and order of operations (see the
    module's docstring), without a minimum distance."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    middle = (p0 + p1) / 2
    dl = p1 - p0
    length = np.linalg.norm(dl, axis=0)
    out = np.zeros((len(electrodes), p0.shape[1]))
    for j, electrode in enumerate(np.asarray(electrodes, float)):
        r = electrode.reshape(3, 1) - middle
        r2 = np.einsum("ij,ij->j", r, r)
        along = np.abs(np.einsum("ij,ij->j", r, dl) / length)
        across2 = r2 - along ** 2
        up, low = along + length / 2, along - length / 2
        out[j] = np.log((up + np.sqrt(up ** 2 + across2))
                        / (low + np.sqrt(low ** 2 + across2))) / length
    return out * (1 / (4 * math.pi * sigma))


def cell_segment_points(cell, network, gid: int):
    """Where BMTK puts the segments of cell ``gid`` (sonata.rotations.SegmentPoints), in
    the order of its cell type's section names: the axon stubs of a BMTK cell that
    replaced its axon, and sections without 3D points, at the points define_shape() lays
    out (:func:`laid_out_points`)."""
    secs, names = cell.secs, list(cell.cell_type.section_names)
    shapes = {}
    for name in _stubs(cell.cell_type.template):
        _shape(secs, name, shapes, laid_out=True)
    for name in names:
        _shape(secs, name, shapes)
    soma = [shapes[name].points for name in names if name.startswith("soma_")]
    if not soma:
        raise FormatError(f"cell {gid}: no soma section (soma_0) to centre for its ecp "
                          "contribution")
    c = network.cells
    return segment_points([shapes[name] for name in names], soma, angles_of(c, gid),
                          (float(c.x[gid]), float(c.y[gid]), float(c.z[gid])))


_STUB_NAMES = ("axon_0", "axon_1")  # engine/bmtk_cells.py: the stubs, in BMTK's order
_STUB_NSEG = 1  # their nseg when BMTK's fix_axon_peri calls define_shape (before dL)


def _stubs(template) -> tuple[str, ...]:
    """The axon stubs whose points BMTK's define_shape() laid out, for a cell template."""
    if template is None or template.kind != BMTK_KIND:
        return ()
    return _STUB_NAMES if BmtkCell.from_template(template).replaces_axon else ()


def _shape(secs, name, shapes, laid_out: bool = False) -> SectionShape:
    if name in shapes:
        return shapes[name]
    sec = secs[name]
    n = 0 if laid_out else int(sec.n3d())
    if n:
        points = np.array([[sec.x3d(i), sec.y3d(i), sec.z3d(i)] for i in range(n)])
        arc = np.array([sec.arc3d(i) for i in range(n)])
    else:
        parent_seg = sec.parentseg()
        if parent_seg is None:
            raise FormatError(f"section {name} has neither 3D points nor a parent: its "
                              "segments have no position for the ecp report")
        parent = parent_seg.sec
        parent_name = next(k for k, v in secs.items() if v == parent)
        parent_shape = _shape(secs, parent_name, shapes)
        siblings = sum(1 for child in parent.children()
                       if child.parentseg().x == parent_seg.x)
        # BMTK attaches the stubs after the rest of the cell: NEURON lists them first
        points, arc = laid_out_points(parent_shape.points, parent_seg.x,
                                      _arc0at0(parent), sec.L, index=0, count=siblings,
                                      nseg=_STUB_NSEG if laid_out else sec.nseg)
    shapes[name] = SectionShape(points=points, arc=arc, length=sec.L, nseg=sec.nseg)
    return shapes[name]


def _arc0at0(sec) -> bool:
    """Whether x = 0 of ``sec`` is its end nearest its parent (NEURON's arc0at0): true
    unless it was attached by its 1 end."""
    return sec.parentseg() is None or sec.orientation() == 0


def laid_out_points(parent_points, x: float, parent_arc0at0: bool, length: float, *,
                    index: int = 0, count: int = 1, nseg: int = 1):
    """The 3D points and arc lengths NEURON's ``define_shape()`` gives a section without
    any, attached at ``x`` of a parent with ``parent_points`` ((n, 3)).

    Parameters
    ----------
    parent_points : numpy.ndarray
        The parent's 3D points.
    x : float
        Where on the parent the section is attached.
    parent_arc0at0 : bool
        Whether the parent's x = 0 is its end nearest its own parent.
    length : float
        The section's L (um).
    index, count : int
        Its place among the parent's children attached at ``x`` (NEURON's list, the last
        attached first) and how many there are: they fan out over 0.8 radians.
    nseg : int
        The section's nseg when define_shape() ran (it sets a point at every segment's
        middle).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The (nseg + 2, 3) points and their arc lengths: a straight line of ``length`` in
        the plane z = the attachment point's z, from the attachment point (on the line
        from the parent's first to last point), turned 90 degrees from the parent's
        direction when attached inside it. NEURON stores points in single precision; so
        are these.
    """
    first, last = (np.asarray(p, dtype=_F32) for p in (parent_points[0], parent_points[-1]))
    dx, dy = _F32(last[0] - first[0]), _F32(last[1] - first[1])
    along = x if parent_arc0at0 else 1.0 - x
    if along < 0.5:
        dx, dy = -dx, -dy
    start = [_F32(float(last[k]) * along + float(first[k]) * (1 - along)) for k in range(3)]
    if abs(float(dy)) < 1e-6 and abs(float(dx)) < 1e-6:
        angle = _F32(0.0)
    else:
        angle = _F32(math.atan2(float(dy), float(dx)))
    if 0.0 < x < 1.0:
        angle = _F32(float(angle) + _SIDEWAYS)
    if count > 1:
        angle = _F32(float(angle) + (index / (count - 1.0) * _FAN - _FAN / 2))
    x0, y0, z0 = (float(v) for v in start)
    x1 = float(_F32(x0 + length * math.cos(float(angle))))
    y1 = float(_F32(y0 + length * math.sin(float(angle))))
    fractions = [(j + 0.5) / nseg for j in range(nseg)]
    points = [(x0, y0, z0)]
    points += [(x0 * (1 - f) + x1 * f, y0 * (1 - f) + y1 * f, z0) for f in fractions]
    points.append((x1, y1, z0))
    points = np.array(points, dtype=_F32).astype(float)
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    arc = np.concatenate([[0.0], np.cumsum(steps)])
    arc[-1] = length  # NEURON keeps the length it laid out, not the points' rounding
    return points, arc
