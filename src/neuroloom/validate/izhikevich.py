"""neuroloom's one-section Izhikevich cell: the tutorials' Izhikevich neuron as a cell
type, which SONATA (a ``nrn:Izhi2007b`` point_process node, see sonata/conventions.py) and
NeuroML (an izhikevich2007Cell) exports write in their own point-neuron form: the cell
type such a node stands for, and whether a cell type is one.

The geometry is that of NetPyNE's tutorials (10 x 10 um, cm 31.831 uF/cm2: a membrane of
1e-5 uF, so that the mechanism's C comes out in the book's pF); spikes are detected on the
section's voltage.
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import FormatError
from .cells import cell_type_from_file

IZHIKEVICH = ("Izhi2007b", "Izhi2003b")  # the mechanisms (neuroloom ships both)
IZHIKEVICH_SECTION = ("soma", {"diam": 10.0, "L": 10.0, "cm": 31.831})
IZHIKEVICH_POINTP = "Izhi"  # the mechanism's label in the cell type


def izhikevich_cell(label: str, mod: str, params: dict, threshold: float,
                    where: str = "SONATA"):
    """The CellType of a one-section Izhikevich cell of mechanism ``mod`` with these
    parameters."""
    name, geom = IZHIKEVICH_SECTION
    rule = {"secs": {name: {"geom": dict(geom), "pointps": {
        IZHIKEVICH_POINTP: {"mod": mod, **params}}}}}
    return replace(cell_type_from_file(label, rule, threshold, where), threshold=threshold)


def as_point_process(cell_type) -> tuple[str, dict] | None:
    """(mod, dynamics) when ``cell_type`` is exactly such a cell (so it can be written as a
    point neuron and comes back the same), else None."""
    if cell_type.is_artificial or len(cell_type.sections) != 1:
        return None
    pointps = cell_type.sections[0].pointps
    if len(pointps) != 1 or pointps[0].mod not in IZHIKEVICH:
        return None
    mod, params = pointps[0].mod, dict(pointps[0].params)
    try:
        same = izhikevich_cell(cell_type.label, mod, params, cell_type.threshold)
    except FormatError:
        return None
    return (mod, params) if same == cell_type else None
