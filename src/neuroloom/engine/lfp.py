"""LFP and current dipole moments from every segment's membrane current.

Each compartmental cell this rank owns records NEURON's i_membrane_ (nA; the fast
membrane current, which includes synaptic and capacitive currents but not electrode
currents such as IClamp's) of each segment, sampled as the traces are. After the run,
LFPykit's forward models turn them into signals, cell by cell:

- LineSourcePotential: the extracellular potential (mV) at point electrodes in an
  infinite, homogeneous ohmic medium of conductivity sigma (S/m), each segment a line
  source with its current spread evenly along it (closer than the segment's radius
  counts as at its radius);
- CurrentDipoleMoment: the cell's current dipole moment (nA um), for EEG/MEG models.

Geometry, in NEURON's frame (y up, so a cell at depth y sits at -y): a section with 3D
points is NEURON's own points; one without is a straight line laid out as the shape plots
lay it out (analysis.morphology). Each segment is the straight line between the points at
its ends along the section. Electrodes are given as cell positions are (y is depth), so
electrode [x, y, z] is at NEURON's (x, -y, z).

Summing cells: every rank adds its cells' signals into compensated sums (a float64 value
and the rounding error it lost, see _Sum); rank 0 adds the ranks' sums the same way. The
result is the exactly rounded sum in all but pathological cases, so it does not depend on
how cells are split among ranks: a run on N ranks gives the serial run's LFP bit for bit.
"""
from __future__ import annotations

import numpy as np

from ..analysis.morphology import cell_segments
from ..model.include import resolve_include

#: simData keys: (total, per population, per cell) of the LFP and of the dipole
LFP_KEYS = ("LFP", "LFPPops", "LFPCells")
DIPOLE_KEYS = ("dipoleSum", "dipolePops", "dipoleCells")


class LFPRecorder:
    """Records the membrane currents of this rank's compartmental cells (``cells``:
    gid -> CellInstance) and, after a run, gives this rank's part of the signals."""

    def __init__(self, h, cells: dict, network, spec, record_step: float,
                 stride: int | None = None):
        """``stride``: record every time step and keep every stride-th sample (CoreNEURON),
        instead of sampling every record_step (as engine.recording.Recorder)."""
        # LFPykit is slow to import: only for models that record an LFP or a dipole
        from lfpykit import CellGeometry, CurrentDipoleMoment, LineSourcePotential

        self.h, self.spec, self.stride = h, spec, stride
        h.cvode.use_fast_imem(1)
        electrodes = np.asarray(spec.electrodes, dtype=float).reshape(-1, 3)
        electrodes = electrodes * np.array([1.0, -1.0, 1.0])  # depth -> NEURON's y
        self.num_electrodes = len(electrodes)
        self.keep = {"lfp": _gids(spec.lfp_cells, network),
                     "dipole": _gids(spec.dipole_cells, network)}
        self.cells = []
        for gid in sorted(cells):
            cell = cells[gid]
            if not cell.secs:  # artificial cells have no membrane
                continue
            segments, start, end, diam = segment_geometry(cell, network, gid)
            geometry = CellGeometry(x=np.column_stack([start[:, 0], end[:, 0]]),
                                    y=np.column_stack([start[:, 1], end[:, 1]]),
                                    z=np.column_stack([start[:, 2], end[:, 2]]), d=diam)
            matrices = {}
            if self.num_electrodes:
                matrices["lfp"] = LineSourcePotential(
                    geometry, x=electrodes[:, 0], y=electrodes[:, 1], z=electrodes[:, 2],
                    sigma=spec.sigma).get_transformation_matrix()
            if spec.dipole:
                matrices["dipole"] = CurrentDipoleMoment(geometry).get_transformation_matrix()
            vectors = []
            for seg in segments:
                vec = h.Vector()
                if stride is None:
                    vec.record(seg._ref_i_membrane_, record_step)
                else:
                    vec.record(seg._ref_i_membrane_)
                vectors.append(vec)
            self.cells.append(_Cell(gid, network.pop_of(gid).label, matrices, vectors))

    def collect(self, num_samples: int) -> dict:
        """This rank's part (picklable): compensated sums (value, lost error) of the
        totals and of the asked populations, and the signals of the asked cells; each
        time x channels."""
        spec = self.spec
        wanted = []  # (simData keys, matrix, populations, channels)
        if self.num_electrodes:
            wanted.append((LFP_KEYS, "lfp", spec.lfp_pops, self.num_electrodes))
        if spec.dipole:
            wanted.append((DIPOLE_KEYS, "dipole", spec.dipole_pops, 3))
        sums, pop_sums, kept = {}, {}, {}
        for (total, pops, cells), _, labels, width in wanted:
            sums[total] = _Sum((num_samples, width))
            pop_sums[pops] = {pop: _Sum((num_samples, width)) for pop in labels}
            kept[cells] = {}
        every = slice(None, None, self.stride)
        for cell in self.cells:
            # segments x samples, copied out of NEURON's vectors
            currents = np.vstack([v.as_numpy() for v in cell.vectors])[:, every]
            for (total, pops, cells), kind, _, _ in wanted:
                signal = np.ascontiguousarray((cell.matrices[kind] @ currents).T)
                sums[total].add(signal)
                if cell.pop in pop_sums[pops]:
                    pop_sums[pops][cell.pop].add(signal)
                if cell.gid in self.keep[kind]:
                    kept[cells][cell.gid] = signal
        return {**{key: total.pair() for key, total in sums.items()},
                **{key: {pop: total.pair() for pop, total in by_pop.items()}
                   for key, by_pop in pop_sums.items()},
                **kept}

    def release(self) -> None:
        """Stop computing i_membrane_ (NEURON keeps the setting for the next model)."""
        self.cells = []
        self.h.cvode.use_fast_imem(0)


class _Cell:
    __slots__ = ("gid", "pop", "matrices", "vectors")

    def __init__(self, gid, pop, matrices, vectors):
        self.gid, self.pop, self.matrices, self.vectors = gid, pop, matrices, vectors


def merge(parts: list) -> dict | None:
    """The ranks' parts (LFPRecorder.collect) -> simData entries: 'LFP', 'LFPPops',
    'LFPCells', 'dipoleSum', ... as float64 arrays (time x channels), the per-cell ones
    by gid in ascending order. None when nothing was recorded."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    out = {}
    for total, pops, cells in (LFP_KEYS, DIPOLE_KEYS):
        if total not in parts[0]:
            continue
        out[total] = _Sum.of_pairs(p[total] for p in parts)
        out[pops] = {pop: _Sum.of_pairs(p[pops][pop] for p in parts) for pop in parts[0][pops]}
        merged = {gid: signal for p in parts for gid, signal in p[cells].items()}
        out[cells] = dict(sorted(merged.items()))
        if not parts[0][pops]:
            del out[pops]
        if not merged:
            del out[cells]
    return out


def segment_geometry(cell, network, gid):
    """(segments, start points (n, 3), end points (n, 3), diameters (n,)) of a cell's
    segments, in um, in the order of its sections (as the spec lists them) and along each."""
    placed = {}
    for name, sec in cell.secs.items():
        n = int(sec.n3d())
        if n >= 2:
            placed[name] = np.array([[sec.x3d(i), sec.y3d(i), sec.z3d(i)] for i in range(n)])
    layout = cell_segments(network, gid, placed)
    segments, starts, ends, diams = [], [], [], []
    for spec in cell.cell_type.sections:
        sec = cell.secs[spec.name]
        points = layout[spec.name]
        if spec.name in placed:  # NEURON's arc lengths: where its segments start and end
            n = len(points)
            arc = np.array([sec.arc3d(i) for i in range(n)])
        else:
            arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0),
                                                                  axis=1))])
        bounds = np.linspace(0.0, arc[-1], sec.nseg + 1)
        ends_xyz = np.column_stack([np.interp(bounds, arc, points[:, k]) for k in range(3)])
        starts.append(ends_xyz[:-1])
        ends.append(ends_xyz[1:])
        for seg in sec:
            segments.append(seg)
            diams.append(seg.diam)
    return (segments, np.concatenate(starts), np.concatenate(ends),
            np.asarray(diams, dtype=float))


def _gids(include, network) -> set:
    return set(resolve_include(include, network).tolist()) if include else set()


def _two_sum(a, b):
    """a + b as (s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


class _Sum:
    """A sum of float64 arrays kept as a value and the rounding error it lost: adding the
    same terms in another order or grouping gives the same final value."""

    def __init__(self, shape):
        self.hi, self.lo = np.zeros(shape), np.zeros(shape)

    def add(self, x) -> None:
        self.hi, error = _two_sum(self.hi, x)
        self.lo += error

    def pair(self) -> tuple:
        return self.hi, self.lo

    @classmethod
    def of_pairs(cls, pairs) -> np.ndarray:
        pairs = list(pairs)
        total = cls(pairs[0][0].shape)
        for hi, lo in pairs:
            total.add(hi)
            total.lo += lo
        return total.hi + total.lo
