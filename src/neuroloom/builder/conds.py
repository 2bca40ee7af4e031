"""Conditions (preConds, postConds, stim conds) -> the cells that satisfy them."""
from __future__ import annotations

import numpy as np


def select_cells(conds, cells, pops, cell_types) -> np.ndarray:
    """Gids (ascending) of the cells that satisfy every condition; all cells if none."""
    mask = np.ones(len(cells), dtype=bool)
    for cond in conds:
        mask &= _matches(cond, cells, pops, cell_types)
    return np.flatnonzero(mask).astype(np.int64)


def matches(cond, cells, pops, cell_types) -> np.ndarray:
    """Which cells satisfy one condition (a boolean mask)."""
    return _matches(cond, cells, pops, cell_types)


def _matches(cond, cells, pops, cell_types) -> np.ndarray:
    if cond.tag in ("pop", "cellType", "cellModel"):
        wanted = set(cond.values)
        if cond.tag == "cellType":
            return np.isin(cells.cell_type, [i for i, t in enumerate(cell_types)
                                             if t.user_label in wanted])
        attr = "label" if cond.tag == "pop" else "cell_model"
        return np.isin(cells.pop, [i for i, p in enumerate(pops) if getattr(p, attr) in wanted])
    if cond.tag in cells.extra:
        column = cells.extra[cond.tag]
    elif hasattr(cells, cond.tag):
        column = getattr(cells, cond.tag)
    else:  # a cellsList tag of populations that have no cells
        return np.zeros(len(cells), dtype=bool)
    if cond.range is not None:  # [low, high), as NetPyNE ([low, high] for cellParams)
        low, high = cond.range
        return (column >= low) & ((column <= high) if cond.closed else (column < high))
    return np.isin(column, list(cond.values))
