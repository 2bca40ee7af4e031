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

Geometry: the segments where BMTK puts them (engine/bmtk_cells.segment_points,
sonata/rotations.py): the soma centred on the node's position and the cell turned by its
rotation angles, every section in BMTK's ``hobj.all`` order, the axon stubs of ``nml:``
and ``aibs_perisomatic`` cells at the points BMTK's ``define_shape()`` laid out for them
(not at the 3D points they have here, whose last point engine/bmtk_cells.py moved by up to
~0.02 um to give them BMTK's lengths: 5_cells_iclamp's report would be 7e-6 mV off).

Cells: as BMTK's, only biophysical cells (``bmtk_biophysical`` templates) count, and when
a run has an ecp report NEURON's ``extracellular`` mechanism is inserted in every section
of every biophysical cell of the rank, whether the report covers it or not: it changes the
numerics (5_cells_iclamp's soma v moves by up to 2.5e-4 mV), so with it v and cai follow
BMTK's to float32 rounding. Runs without an ecp report do not get it.

Frames: as BMTK's, frame k is the potential after time step k, at t = (k + 1)*dt.

Summing cells: compensated sums (engine/lfp.py ``_Sum``), so a run on N ranks gives the
serial run's report bit for bit.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import FormatError
from ..sonata.bmtk_cells import KIND as BMTK_KIND
from ..sonata.rotations import angles_of
from .bmtk_cells import segment_points, stub_names
from .lfp import _Sum

#: the conductivity (S/m) BMTK's extracellular module uses, fixed there
BMTK_SIGMA = 0.3


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
        for cell in cells.values():
            if _biophysical(cell):  # as BMTK: every biophysical cell, in a report or not
                for sec in cell.secs.values():
                    sec.insert("extracellular")
        wanted = {}  # gid -> [(report name, electrodes, sigma)]
        for r in reports:
            for gid in np.asarray(r.gids).tolist():
                wanted.setdefault(int(gid), []).append(
                    (r.name, np.asarray(r.electrodes, float).reshape(-1, 3), float(r.sigma)))
        self.cells = []  # (Vectors, {report name: transfer resistances (channels, segs)})
        for gid in sorted(set(wanted) & set(cells)):
            cell = cells[gid]
            if not _biophysical(cell):  # BMTK counts only biophysical cells' currents
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
    the order of its cell type's section names (engine/bmtk_cells.segment_points)."""
    names = list(cell.cell_type.section_names)
    if not any(name.startswith("soma_") for name in names):
        raise FormatError(f"cell {gid}: no soma section (soma_0) to centre for its ecp "
                          "contribution")
    c = network.cells
    return segment_points(cell.secs, names, angles_of(c, gid),
                          (float(c.x[gid]), float(c.y[gid]), float(c.z[gid])),
                          stubs=stub_names(cell.cell_type.template))


def _biophysical(cell) -> bool:
    """Whether a cell is what BMTK calls biophysical (a ``bmtk_biophysical`` template's
    cell): only those carry the extracellular mechanism and count in ecp reports."""
    template = cell.cell_type.template
    return template is not None and template.kind == BMTK_KIND and bool(cell.secs)
