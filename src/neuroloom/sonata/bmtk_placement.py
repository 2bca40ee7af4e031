"""BMTK's run-time synapse placement (bmtk.simulator.bionet 1.2.0), reproduced without NEURON.

An edge onto a biophysical cell whose edge group has ``nsyns`` and no section id
(``afferent_section_id``/``sec_id``) is placed by BMTK when it runs, from the edge type's
``target_sections`` (a list of section types: soma/somatic, dend/basal, apic/apical,
axon/axonal) and ``distance_range`` ([min, max] um from the soma, or one number: max):

- the cell's segments are those of its sections in ``all`` order, each section cut into
  ``nseg = 1 + 2*int(L/(2*dL))`` segments (the run's dL); a segment has its section's
  type, ``length = L/nseg``, centre ``x = (i + 0.5)/nseg``, and ``dist``, NEURON's path
  distance from ``soma[0](0)`` to its centre; it spans ``dist -/+ length/2``;
- the candidates are the segments of a listed type that overlap the range; each is
  weighted by its length times the fraction of it inside the range, and the weights are
  divided by their sum;
- per target cell one ``numpy.random.RandomState(gid)`` (BMTK's gid: the node id plus the
  node counts of the populations before its own, in the circuit's order) draws
  ``choice(candidates, nsyns, p=weights)`` for each of the cell's edges in the order BMTK
  connects them (importers/sonata_edges.py); each drawn segment gets one synapse at its
  centre, with the edge's weight. An edge with no candidate makes no synapse (BMTK warns).

The geometry is NEURON's, computed from the SWC as Import3d and BMTK build it (sections
split as sonata/swc.py says; 3D points in single precision; a one-point soma becomes a
cylinder of length 2r along x; children of the soma hang on soma(0.5), others on their
parent's end, or on its start where Import3d connects them to the proximal end; the axon
stubs BMTK puts in place of the axon are 30 um, on soma(0.5) and axon[0](1)). It is
reproduced for morphologies with a one-point soma (every Allen Cell Types morphology); other
somata are a FormatError naming the file.
"""
from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import h5py
import numpy as np

from ..errors import FormatError
from ..suggest import hint
from .bmtk_cells import BmtkCell
from .conventions import INDEX_RANGES
from .swc import SWC_TYPES, import3d_children, read_swc
from .swc import section_names as swc_section_names

#: BMTK's names of section types (Morphology.sec_type_swc) -> SWC type
SECTION_TYPES = {"soma": 1, "somatic": 1, "axon": 2, "axonal": 2, "dend": 3, "basal": 3,
                 "apic": 4, "apical": 4}
STUB_LENGTH = 30.0  # um: the axon stubs of aibs_perisomatic and nml: templates


@dataclass(frozen=True, eq=False)
class Segments:
    """The segments of a BMTK cell, in BMTK's order (sections in ``all`` order).

    Attributes
    ----------
    section : numpy.ndarray of int64
        Index of each segment's section in the cell's section names.
    x, length, dist : numpy.ndarray of float64
        Centre along the section (0..1), length (um), path distance of the centre from
        soma[0](0) (um).
    swc_type : numpy.ndarray of int64
        The section's SWC type (1 soma, 2 axon, 3 dend, 4 apic).
    """

    section: np.ndarray
    x: np.ndarray
    length: np.ndarray
    dist: np.ndarray
    swc_type: np.ndarray

    def candidates(self, section_types, distance_range) -> tuple[np.ndarray, np.ndarray]:
        """(segment indices, probabilities) BMTK chooses among (Morphology.find_sections):
        the segments of ``section_types`` (SWC codes) overlapping ``distance_range``,
        weighted by their length inside it."""
        low, high = distance_range
        start = self.dist - self.length / 2.0
        end = self.dist + self.length / 2.0
        inside = np.maximum(0, np.minimum(end, high) - np.maximum(start, low)) / self.length
        in_range = np.flatnonzero(inside > 0)
        typed = np.flatnonzero(np.isin(self.swc_type, section_types))
        chosen = np.intersect1d(in_range, typed)
        weight = self.length[chosen] * inside[chosen]
        if not len(chosen):
            return chosen, weight
        return chosen, weight / np.sum(weight)


def target_sections(value, where: str) -> tuple[int, ...]:
    """The SWC codes of an edge type's ``target_sections`` (a list, as BMTK's builder
    writes it: ``['somatic', 'basal']``)."""
    items = value
    if isinstance(value, str):
        try:
            items = ast.literal_eval(value)  # BMTK parses the CSV text the same way
        except (ValueError, SyntaxError):
            items = None
    if isinstance(items, str):
        items = None
    if not isinstance(items, (list, tuple)) or not items:
        raise FormatError(f"{where} target_sections is {value!r}: expected a list of "
                          f"section types, e.g. ['somatic', 'basal'] ({', '.join(SECTION_TYPES)})")
    codes = []
    for item in items:
        if item not in SECTION_TYPES:
            raise FormatError(f"{where} target_sections names {item!r}, not a section type "
                              f"BMTK knows ({', '.join(SECTION_TYPES)}): "
                              f"{hint(str(item), SECTION_TYPES)}")
        codes.append(SECTION_TYPES[item])
    return tuple(codes)


def distance_range(value, where: str) -> tuple[float, float]:
    """An edge type's ``distance_range`` as BMTK reads it: a JSON list [min, max], or one
    number, the max (min 0)."""
    got = value
    if isinstance(value, str):
        try:
            got = json.loads(value)
        except ValueError:
            try:
                got = [0.0, float(value)]
            except ValueError:
                got = None
    if isinstance(got, (int, float)) and not isinstance(got, bool):
        got = [0.0, float(got)]
    try:
        low, high = (float(v) for v in got)
    except (TypeError, ValueError):
        raise FormatError(f"{where} distance_range is {value!r}: expected [min, max] in "
                          "um from the soma, or the max alone") from None
    if math.isnan(low) or math.isnan(high):
        raise FormatError(f"{where} distance_range is {value!r}: not numbers")
    return low, high


def cell_segments(cell: BmtkCell) -> Segments:
    """The segments BMTK gives a biophysical cell (see the module's docstring).

    Raises
    ------
    FormatError
        Naming the morphology, if its soma is not one point (not reproduced).
    """
    stat = cell.morphology.stat()  # the cache is by file and its version
    return _segments(str(cell.morphology), stat.st_mtime_ns, stat.st_size, cell.dL,
                     cell.replaces_axon)


@lru_cache(maxsize=64)
def _segments(morphology: str, _mtime, _size, dl: float | None,
              replaces_axon: bool) -> Segments:
    sections = _import3d_geometry(morphology)
    if replaces_axon:
        kept = [s for s in sections if s.swc_type != 2]
        renumber = {id(s): i for i, s in enumerate(kept)}
        sections = [_Sec(s.swc_type, s.length, None if s.parent is None
                         else renumber[id(sections[s.parent])], s.parent_x) for s in kept]
        soma = next(i for i, s in enumerate(sections) if s.swc_type == 1)
        sections.append(_Sec(2, STUB_LENGTH, soma, 0.5))
        sections.append(_Sec(2, STUB_LENGTH, len(sections) - 1, 1.0))
    # BMTK's all: soma, axon, dend, apic sections, each type in Import3d's order, and the
    # stubs that replace the axon last
    stubs = 2 if replaces_axon else 0
    order = sorted(range(len(sections) - stubs), key=lambda i: (sections[i].swc_type, i))
    order += list(range(len(sections) - stubs, len(sections)))
    # NEURON's path distance from soma(0): summed from the segment up to the soma, in
    # that order (the last bit depends on it)
    hops = []  # per section: the lengths to add going up, nearest first
    for sec in sections:
        up, cur = [], sec
        while cur.parent is not None:
            up.append(cur.parent_x * sections[cur.parent].length)
            cur = sections[cur.parent]
        hops.append(up)
    section, xs, length, dist, types = [], [], [], [], []
    for index, i in enumerate(order):
        sec = sections[i]
        nseg = 1 if dl is None else 1 + 2 * int(sec.length / (2 * dl))
        for k in range(nseg):
            x = (k + 0.5) / nseg
            section.append(index)
            xs.append(x)
            length.append(sec.length / nseg)
            d = x * sec.length
            for hop in hops[i]:
                d += hop
            dist.append(d)
            types.append(sec.swc_type)
    return Segments(section=np.array(section, np.int64), x=np.array(xs),
                    length=np.array(length), dist=np.array(dist),
                    swc_type=np.array(types, np.int64))


@dataclass(frozen=True)
class _Sec:
    swc_type: int
    length: float  # L, um
    parent: int | None  # index of the parent section (earlier in the list)
    parent_x: float  # where on the parent it hangs


def _import3d_geometry(morphology: str) -> list[_Sec]:
    """The sections Import3d makes of a one-point-soma SWC, in its order (by first point),
    with their lengths as NEURON computes them from single-precision 3D points."""
    points = read_swc(morphology)
    expected = swc_section_names(points)  # also checks what NEURON cannot read
    types = points.types.tolist()
    if types[0] != 1 or types.count(1) != 1:
        raise FormatError(
            f"morphology {morphology!r}: BMTK's random synapse placement (target_sections, "
            f"distance_range) is reproduced for morphologies whose soma is one point (the "
            f"first); this one has {types.count(1)} soma points")
    n = len(points)
    index = {pid: i for i, pid in enumerate(points.ids.tolist())}
    parent = [index[p] if p >= 0 else -1 for p in points.parents.tolist()]
    xyz = np.stack([points.x, points.y, points.z], axis=1).astype(np.float32)
    # Import3d's sections (sonata/swc.py); a branch off a neurite's first point hangs on
    # that section's proximal end
    nchild, clean, proximal = import3d_children(points, parent)
    starts = [0] + [i + 1 for i in range(n - 1) if not (nchild[i] == 1 and clean[i])]
    ends = starts[1:] + [n]
    section_of = np.zeros(n, np.int64)
    for s, (a, b) in enumerate(zip(starts, ends)):
        section_of[a:b] = s
    # a one-point soma: a cylinder of length 2r along x (Import3d's sphere_rep)
    x, radius = float(xyz[0, 0]), float(np.float32(points.radii[0]))
    soma = np.array([[x - radius, xyz[0, 1], xyz[0, 2]], xyz[0],
                     [x + radius, xyz[0, 1], xyz[0, 2]]], np.float32)
    sections = [_Sec(1, _arc(soma), None, 0.0)]
    for s in range(1, len(starts)):
        first, own = starts[s], list(range(starts[s], ends[s]))
        p = max(parent[first], 0)  # a further root hangs on the first point (hoc's -1 -> 0)
        ps = int(section_of[p])
        if ps == 0:  # on the soma's middle, by a wire when the branch has two points or more
            drawn, parent_x = own if len(own) > 1 else [p] + own, 0.5
        else:
            drawn = [p] + own
            parent_x = 0.0 if proximal[first] else 1.0
            if not proximal[first] and p != ends[ps] - 1:
                raise _unreproduced(morphology, points.lines[first])
        sections.append(_Sec(types[first], _arc(xyz[drawn]), ps, parent_x))
    names = _names([s.swc_type for s in sections])
    if names != expected:  # a section NEURON drops (one point, or zero length)
        raise _unreproduced(morphology, None)
    return sections


def _arc(points: np.ndarray) -> float:
    """NEURON's length of a section from its single-precision 3D points: the coordinate
    differences in single precision, the distances from them in double, summed in order."""
    steps = np.diff(points.astype(np.float32), axis=0).astype(np.float64)
    total = 0.0
    for step in np.sqrt((steps ** 2).sum(axis=1)).tolist():
        total += step
    return total


def _names(types: list[int]) -> tuple[str, ...]:
    counts = dict.fromkeys(SWC_TYPES, 0)
    for t in types:
        counts[t] += 1
    return tuple(f"{SWC_TYPES[t]}_{i}" for t in sorted(counts) for i in range(counts[t]))


def _unreproduced(morphology, line) -> FormatError:
    at = f" (line {line})" if line is not None else ""
    return FormatError(f"morphology {morphology!r}{at}: its sections are not ones BMTK's "
                       "random synapse placement is reproduced for (a section NEURON drops, "
                       "or a branch off a section's interior)")



def target_order(path, population: str, target_ids: np.ndarray) -> np.ndarray:
    """The edges of a population in the order BMTK visits them per target node
    (``get_target``: the ranges ``indices/target_to_source`` gives each node, in order),
    targets in node id order; edges the index does not list come after, by id (a file
    without the index is read by id, which is the index's order in every file BMTK's
    builder and neuroloom write)."""
    n = len(target_ids)
    listed = []
    try:
        with h5py.File(Path(path), "r") as f:
            index = f["edges"][population].get("indices/target_to_source")
            if index is not None:
                ranges = next((index[k][()] for k in INDEX_RANGES if k in index), None)
                edges = index.get("range_to_edge_id")
                if ranges is not None and edges is not None:
                    edges = edges[()]
                    for begin, end in np.asarray(ranges, np.int64).reshape(-1, 2).tolist():
                        for first, last in np.asarray(edges[begin:end], np.int64).tolist():
                            listed.extend(range(first, last))
    except (OSError, KeyError) as err:
        raise FormatError(f"{path}: /edges/{population}: cannot read its target index: "
                          f"{err}") from None
    listed = [i for i in dict.fromkeys(listed) if 0 <= i < n]
    seen = np.zeros(n, bool)
    seen[listed] = True
    rest = np.flatnonzero(~seen)
    order = np.concatenate([np.asarray(listed, np.int64), rest])
    # per target, in the index's order; targets by node id (streams are per target, so
    # only the order within a target matters)
    return order[np.argsort(target_ids[order], kind="stable")]
