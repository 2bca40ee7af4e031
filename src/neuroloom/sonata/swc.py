"""SWC morphologies read in pure Python, and the sections NEURON's Import3d makes of them.

SONATA edges place synapses by ``sec_id``: an index into the ``all`` section list of the cell
BMTK builds. For Allen "biophysical" cells BMTK reads the SWC with NEURON's Import3d
(``Import3d_SWC_read`` + ``Import3d_GUI(reader, 0).instantiate(cell)``) into a template
declaring ``soma, dend, apic, axon`` and ``all``. :func:`section_names` says which sections
that makes, in ``all`` order, without starting NEURON, so ``sec_id`` can be mapped to a
section name. Names are ``<type>_<index>`` after NEURON's ``<type>[<index>]``.

The rules are NEURON 9.0's (``lib/hoc/import3d/read_swc.hoc`` and ``import3d_gui.hoc``),
quirks included; they were checked against NEURON itself (tests/unit/test_swc_sections.py):

- Numbers are read in single precision (hoc's ``sscanf("%f")``). The points are taken in
  file order, which must already be increasing id order (NEURON's re-sorting is broken and
  fails); a point's index below is its line's rank.
- A point ends a section unless it has exactly one child, that child is the next point, and
  it has the same type. So sections are unbranched runs of consecutive points of one type.
  Three exceptions:

  * a soma point followed by its own soma child continues its section, however many other
    children it has, unless it is not the first point and has two or more soma children;
  * a branch (a child that is not the next point) whose parent ``p`` is a non-soma point
    whose own parent is soma (or is the first point, when that is not soma) is "connected
    to the proximal end": it resets ``p``'s child count to one, so ``p`` continues into the
    next point *whatever that point's parent or type* (a NEURON quirk, reproduced);
  * a three-point soma (exactly three soma points in the file) whose second and third points
    are childless children of the first, of the same diameter, with the two distances to
    the first summing to its diameter (1 %), is one single-point section.

- Sections are numbered by their first point; each section's parent is the section holding
  its first point's parent, so that parent must come earlier (the first point's parent is
  never looked up, and may come later unless that makes it "connected to the proximal
  end"). A further root (parent < 0) that starts a section hangs on the first section: hoc
  rounds the subscript -1 to 0, so wherever Import3d looks up a root's parent it finds the
  first point.
- Before instantiating, non-root sections with one point beyond the parent point (or the
  wire start), or two such points at the same place (within 1e-11 um), are dropped.
- Each type's sections are indexed in order; ``all`` lists the soma, axon, dend then apic
  sections, each by index (the order ``instantiate`` creates them in).

What NEURON cannot read, or reads into something meaningless, is a FormatError here: ids not
in increasing line order, a parent listed after a child that starts a section (or after the
first point, if it is a neurite's first point), a three-point soma of diameter 0 (NEURON
divides by zero), ids beyond single precision. So are things NEURON skips or guesses
silently: malformed lines (NEURON skips them), parents that do not exist (NEURON makes the
point a root), cycles (NEURON builds some of them), and SWC types other than 1-4 or no soma
(BMTK's Biophys1 template holds only soma, axon, dend and apic; neuroloom's BMTK cell
builder refuses them too).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import FormatError

SWC_TYPES = {1: "soma", 2: "axon", 3: "dend", 4: "apic"}  # the Biophys1 template's arrays

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")  # no nan, inf, 1_0
_SAME_PLACE = 1e-11  # NEURON's float_epsilon, which Vector.eq compares with
_ROUND_SOMA = 0.01  # how close to its diameter a three-point soma's length must be


@dataclass(frozen=True, eq=False)
class SwcPoints:
    """The points of an SWC file, in file order.

    Attributes
    ----------
    path : str
        The file, for error messages.
    ids, types, parents : numpy.ndarray of int64
        The point ids, SWC types and parent ids (negative for a root).
    x, y, z, radii : numpy.ndarray of float64
        Coordinates and radii as written (um).
    lines : numpy.ndarray of int64
        The 1-based line of each point in the file.
    """

    path: str
    ids: np.ndarray
    types: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    radii: np.ndarray
    parents: np.ndarray
    lines: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def read_swc(path: str | os.PathLike) -> SwcPoints:
    """Read and validate the points of an SWC file.

    Lines are ``id type x y z radius parent``, whitespace-separated; ``#`` starts a comment
    and blank lines are skipped. id, type and parent must be integers (``3.0`` is one); a
    negative parent makes the point a root.

    Parameters
    ----------
    path : str or os.PathLike
        The SWC file.

    Returns
    -------
    SwcPoints
        The points in file order.

    Raises
    ------
    FormatError
        If the file cannot be read, or naming the file and line: a line that is not seven
        numbers, a negative or repeated id, a parent id no point has, a point that is its
        own ancestor.
    """
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise FormatError(f"cannot read morphology {where!r}: {err}") from None
    rows, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 7 or not all(_NUMBER.match(f) for f in fields):
            raise FormatError(f"{where!r} line {number}: not an SWC point (id type x y z "
                              f"radius parent): {line.strip()!r}")
        values = [float(f) for f in fields]
        if not all(map(math.isfinite, values)):  # e.g. 1e999
            raise FormatError(f"{where!r} line {number}: a number out of range: "
                              f"{line.strip()!r}")
        for column, name in ((0, "id"), (1, "type"), (6, "parent")):
            # beyond 2**53 a double holds no exact integer
            if abs(values[column]) >= 2**53 or values[column] != int(values[column]):
                raise FormatError(f"{where!r} line {number}: the {name} {fields[column]} "
                                  "is not an integer")
        if values[0] < 0:
            raise FormatError(f"{where!r} line {number}: negative id {fields[0]}")
        rows.append(values)
        lines.append(number)
    table = np.array(rows, dtype=np.float64).reshape(-1, 7)
    ints = table[:, [0, 1, 6]].astype(np.int64)
    points = SwcPoints(path=where, ids=ints[:, 0], types=ints[:, 1], x=table[:, 2],
                       y=table[:, 3], z=table[:, 4], radii=table[:, 5], parents=ints[:, 2],
                       lines=np.array(lines, dtype=np.int64))
    _check_tree(points)
    return points


def _check_tree(points: SwcPoints) -> None:
    """Ids are unique, parents exist, and following parents always reaches a root."""
    where, index = points.path, {}
    for i, (point_id, line) in enumerate(zip(points.ids.tolist(), points.lines.tolist())):
        if point_id in index:
            raise FormatError(f"{where!r} line {line}: id {point_id} is already the id of "
                              f"line {points.lines[index[point_id]]}")
        index[point_id] = i
    parent = []
    for par, line in zip(points.parents.tolist(), points.lines.tolist()):
        if par >= 0 and par not in index:
            raise FormatError(f"{where!r} line {line}: parent {par} is not the id of any "
                              "point")
        parent.append(index[par] if par >= 0 else -1)
    # 0: not visited, 1: on the path being followed, 2: known to reach a root
    state = [0] * len(parent)
    for start in range(len(parent)):
        path, i = [], start
        while i >= 0 and state[i] == 0:
            state[i] = 1
            path.append(i)
            i = parent[i]
        if i >= 0 and state[i] == 1:
            raise FormatError(f"{where!r} line {points.lines[i]}: point {points.ids[i]} is "
                              "its own ancestor (the parents form a cycle)")
        for j in path:
            state[j] = 2


def section_names(path_or_points: str | os.PathLike | SwcPoints) -> tuple[str, ...]:
    """The sections NEURON's Import3d makes of an SWC, in the order of the cell's ``all``.

    The cell is BMTK's Biophys1-like template (``soma, dend, apic, axon`` arrays filled by
    ``Import3d_GUI(reader, 0).instantiate(cell)``); a SONATA ``sec_id`` indexes this tuple.

    Parameters
    ----------
    path_or_points : str, os.PathLike or SwcPoints
        The SWC file, or its points from :func:`read_swc`.

    Returns
    -------
    tuple of str
        ``<type>_<index>`` names (``soma_0``, ``axon_0``, ``dend_12``...): the soma, axon,
        dend then apic sections, each in index order.

    Raises
    ------
    FormatError
        Naming the file (and the line where there is one): anything :func:`read_swc`
        refuses; SWC types other than 1-4; no soma; what NEURON's Import3d fails on or
        misreads (ids not in increasing line order, a parent after a child that starts a
        section, a zero diameter three-point soma, ids beyond single precision).
    """
    points = (path_or_points if isinstance(path_or_points, SwcPoints)
              else read_swc(path_or_points))
    _check_for_neuron(points)
    counts = dict.fromkeys(SWC_TYPES, 0)
    for section_type in _import3d_section_types(points):
        counts[section_type] += 1
    return tuple(f"{SWC_TYPES[t]}_{i}" for t in sorted(counts) for i in range(counts[t]))


def _check_for_neuron(points: SwcPoints) -> None:
    """Refuse what the Biophys1 template cannot hold and what Import3d cannot read."""
    where = points.path
    for t, line in zip(points.types.tolist(), points.lines.tolist()):
        if t not in SWC_TYPES:
            raise FormatError(f"{where!r} line {line}: SWC point type {t}: BMTK's Biophys1 "
                              "template holds only soma (1), axon (2), dend (3) and apic (4)")
    if not (points.types == 1).any():
        raise FormatError(f"morphology {where!r} has no soma (SWC type 1)")
    # NEURON stores ids in single precision: beyond 2**24 distinct ids may merge
    big = np.flatnonzero((np.abs(points.ids) > 2**24) | (np.abs(points.parents) > 2**24))
    if big.size:
        raise FormatError(f"{where!r} line {points.lines[big[0]]}: ids beyond 16777216 are "
                          "not exact in NEURON's single-precision reading")
    for i in range(1, len(points)):
        if points.ids[i] <= points.ids[i - 1]:
            raise FormatError(f"{where!r} line {points.lines[i]}: id {points.ids[i]} after id "
                              f"{points.ids[i - 1]}: NEURON's Import3d needs the points in "
                              "increasing id order (it fails to sort them)")


def _hoc_index(i: int) -> int:
    """A root's parent index is -1, and hoc rounds the subscript -1 to 0: wherever Import3d
    looks a root's parent up, it finds the first point."""
    return i if i >= 0 else 0


def import3d_children(points: SwcPoints, parent: list[int]
                      ) -> tuple[list[int], list[bool], list[bool]]:
    """Each point's children as NEURON's Import3d counts them, and whether they are "clean"
    (its only child is the next point, of the same type): a point continues its section
    only if its count is exactly one and clean. A branch off a neurite's first point (whose
    parent is the soma) connects to that section's proximal end instead, and the point
    then counts as having one clean child however many it has; the third list marks those
    branches' first points. ``parent``: each point's parent index (-1 for a root)."""
    n = len(points)
    types = points.types.tolist()

    nchild, clean, proximal = [0] * n, [True] * n, [False] * n
    for i in range(n):
        p = parent[i]
        if p < 0:
            continue
        nchild[p] += 1
        if p != i - 1:
            clean[p] = False
            if (p > 1 and types[p] != 1 and types[_hoc_index(parent[p])] == 1) or (
                    p == 0 and types[0] != 1):
                nchild[p], clean[p], proximal[i] = 1, True, True
                if i == 0:  # the first point's parent comes after it
                    raise FormatError(
                        f"{points.path!r} line {points.lines[0]}: the first point's parent "
                        f"{points.ids[p]} comes after it and is a neurite's first point: "
                        "NEURON's Import3d fails (it connects the root section to nothing)")
        if types[p] != types[i]:
            clean[p] = False
    return nchild, clean, proximal


def _import3d_section_types(points: SwcPoints) -> list[int]:
    """The SWC type of each section Import3d instantiates, in its section order.

    The points are in id order (checked), so a point's index is its rank, as in Import3d;
    a parent may still come later (``parent[i] > i``) where Import3d does not look it up."""
    n = len(points)
    types = points.types.tolist()
    index = {point_id: i for i, point_id in enumerate(points.ids.tolist())}
    parent = [index[p] if p >= 0 else -1 for p in points.parents.tolist()]
    # hoc reads SWC numbers with sscanf("%f"): single precision. (Via a double, which
    # differs from direct rounding only for decimals of more than 15 digits.)
    xyz = np.stack([points.x, points.y, points.z], axis=1).astype(np.float32)
    xyz = xyz.astype(np.float64).tolist()
    diam = (points.radii.astype(np.float32).astype(np.float64) * 2).tolist()

    nchild, clean, _ = import3d_children(points, parent)

    soma_children = [0] * n  # soma children of each soma point
    for i in range(1, n):
        p = parent[i]
        if types[i] == 1 and p >= 0 and types[p] == 1:
            soma_children[p] += 1

    if types.count(1) == 3 and _three_point_soma(points, parent, nchild, xyz, diam):
        parent[2] = 1  # Import3d re-parents it so the soma stays one section
        one_point_root = True
    else:
        one_point_root = False

    continues = [nchild[i] == 1 and clean[i] for i in range(n)]
    for i in range(n - 1):
        if types[i] == 1 and types[i + 1] == 1 and parent[i + 1] == i:
            if i == 0 or soma_children[i] <= 1:
                continues[i] = True

    starts = [0] + [i + 1 for i in range(n - 1) if not continues[i]]
    ends = starts[1:] + [n]
    section_of = [0] * n
    for s, (a, b) in enumerate(zip(starts, ends)):
        section_of[a:b] = [s] * (b - a)
    root_size = 1 if one_point_root else ends[0]

    kept = [types[0]]  # the root section is never dropped
    for s in range(1, len(starts)):
        first, own = starts[s], ends[s] - starts[s]
        p_raw = parent[first]
        if p_raw >= first:
            # Import3d makes sections in order and looks the parent's up: not made yet
            raise FormatError(f"{points.path!r} line {points.lines[first]}: the parent "
                              f"{points.ids[p_raw]} of point {points.ids[first]} comes after "
                              "it, and the point starts a section: NEURON's Import3d fails")
        p = _hoc_index(p_raw)
        ps = section_of[p]
        p_type = types[starts[ps]]
        p_size = root_size if ps == 0 else ends[ps] - starts[ps] + 1
        dend_on_soma = p_type == 1 and types[first] != 1
        # A "wire" section is joined to its parent by pt3dstyle, and the parent's point is
        # left out of its 3D points; that matters below, when short sections are dropped.
        # Import3d's rules: on a one-point soma, on the first point of the root section,
        # else on a soma section's interior or last point.
        wire, on_root_rule = False, False
        if ps == 0:
            on_root_rule = True
            if dend_on_soma and p_size == 1:
                wire = own > 1
            elif p_raw == 0:
                wire = types[first] != 1 and soma_children[p] > 1
            else:
                on_root_rule = False
        if not on_root_rule and p_type == 1:
            last = starts[ps] + p_size + (-1 if starts[ps] == 0 else -2)
            if p_raw < last:  # on an interior soma point (p_raw is -1 for a root)
                wire = wire or (dend_on_soma and own > 1)
            elif own > 1 and soma_children[p] > 1 and types[first] != 1:
                wire = True
        # The 3D points NEURON gets: the parent's (unless a wire), then the section's own
        drawn = own + 1 - wire
        if drawn <= 1:
            continue  # NEURON: "One point section ... has been removed"
        if drawn == 2:
            a = xyz[p] if not wire else xyz[first]
            b = xyz[first] if not wire else xyz[first + 1]
            if all(abs(u - v) < _SAME_PLACE for u, v in zip(a, b)):
                continue  # NEURON: "Two point section ... with 0 length has been removed"
        kept.append(types[first])
    return kept


def _three_point_soma(points: SwcPoints, parent: list[int], nchild: list[int],
                      xyz: list[list[float]], diam: list[float]) -> bool:
    """NeuroMorpho.org's three-point soma, which Import3d makes a single-point sphere: the
    second and third points are childless children of the first, have its diameter, and
    their distances to it sum to that diameter (within 1 %). Import3d checks points 0-2
    whatever their types, once the file has exactly three soma points."""
    if not (parent[1] == 0 and parent[2] == 0 and nchild[1] == 0 and nchild[2] == 0):
        return False
    if not (diam[1] == diam[0] and diam[2] == diam[0]):
        return False
    if diam[0] == 0:
        raise FormatError(f"{points.path!r} line {points.lines[0]}: a three-point soma of "
                          "diameter 0: NEURON's Import3d fails on it (division by zero)")
    length = sum(math.sqrt(sum((u - v) ** 2 for u, v in zip(xyz[i], xyz[0])))
                 for i in (1, 2))
    return abs(length / diam[0] - 1) < _ROUND_SOMA
