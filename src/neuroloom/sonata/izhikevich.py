"""neuroloom's point_process Izhikevich nodes (see conventions.IZHIKEVICH): the cell type
such a node stands for, and whether a cell type is one."""
from __future__ import annotations

from dataclasses import replace

from ..errors import FormatError
from . import conventions as sc


def izhikevich_cell(label: str, mod: str, params: dict, threshold: float,
                    where: str = "SONATA"):
    """The CellType of a ``nrn:<mod>`` point_process node with these dynamics."""
    from ..validate.cells import cell_type_from_file

    name, geom = sc.IZHIKEVICH_SECTION
    rule = {"secs": {name: {"geom": dict(geom), "pointps": {
        sc.IZHIKEVICH_POINTP: {"mod": mod, **params}}}}}
    return replace(cell_type_from_file(label, rule, threshold, where), threshold=threshold)


def as_point_process(cell_type) -> tuple[str, dict] | None:
    """(mod, dynamics) when ``cell_type`` is exactly what such a node stands for (so it
    can be written as one and comes back the same), else None."""
    if cell_type.is_artificial or len(cell_type.sections) != 1:
        return None
    pointps = cell_type.sections[0].pointps
    if len(pointps) != 1 or pointps[0].mod not in sc.IZHIKEVICH:
        return None
    mod, params = pointps[0].mod, dict(pointps[0].params)
    try:
        same = izhikevich_cell(cell_type.label, mod, params, cell_type.threshold)
    except FormatError:
        return None
    return (mod, params) if same == cell_type else None
