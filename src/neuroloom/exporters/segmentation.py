"""The run's ``dL`` that makes BMTK keep the segments of the exported cells.

BMTK 1.2.0 re-segments every biophysical cell after its template made it: each section of
the cell's ``all`` list gets ``nseg = 1 + 2*int(L/(2*dL))``, with the run's ``dL``
(20 um when the config gives none). A hoc template's own nseg is thus overwritten, and a
cell whose sections neuroloom simulates with other nseg runs differently (tut3: a 150 um
dendrite with nseg 1 becomes 7 segments). A section of nseg ``n = 2k + 1`` keeps it for
every dL in ``(L/(2(k+1)), L/(2k)]``; the export writes a dL inside all the sections'
intervals when there is one.
"""
from __future__ import annotations

import math

import numpy as np


def bmtk_nseg(length: float, dl: float) -> int:
    """The nseg BMTK gives a section of ``length`` um under ``dL`` ``dl``."""
    return 1 + 2 * int(length / (2 * dl))


def section_length(sec) -> float:
    """A section's length as NEURON has it: the path along its 3D points (stored as
    single-precision floats, summed in double), else its L."""
    if not sec.pt3d:
        return float(sec.L)
    points = np.asarray(sec.pt3d, dtype=np.float32)[:, :3].astype(np.float64)
    return float(np.sqrt((np.diff(points, axis=0) ** 2).sum(axis=1)).sum())


def dl_keeping(sections) -> tuple[float | None, list[str]]:
    """A dL under which BMTK gives every section its own nseg.

    Parameters
    ----------
    sections : iterable of (str, float, int)
        (name for messages, length in um, nseg) of each section of the exported cells.

    Returns
    -------
    (float or None, list of str)
        The dL (None when no section constrains it) and the sections no dL can keep:
        an even nseg, or an nseg at odds with the others'.
    """
    low, high = 0.0, math.inf
    even, rows = [], []
    for name, length, nseg in sections:
        if nseg % 2 == 0:
            even.append(f"{name} (nseg {nseg} is even)")
            continue
        k = (nseg - 1) // 2
        rows.append((name, length, nseg))
        low = max(low, length / (2 * (k + 1)))
        if k:
            high = min(high, length / (2 * k))
    if not rows:
        return None, even
    if low < high:
        # the middle of the interval (or well past its open end), safe from rounding
        dl = (low + high) / 2 if math.isfinite(high) else max(2 * low, 1.0)
        wrong = [name for name, length, nseg in rows if bmtk_nseg(length, dl) != nseg]
        if not wrong:
            return dl, even
    return None, even + [f"{name} (L {length:g} um, nseg {nseg})"
                         for name, length, nseg in rows]
