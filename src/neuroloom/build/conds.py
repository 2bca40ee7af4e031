"""Conditions (preConds, postConds, stim conds) -> the cells that satisfy them."""
from __future__ import annotations

import numpy as np


def select_cells(conds, cells, pops, cell_types) -> np.ndarray:
    """Gids of the cells that satisfy every condition (all cells when there are none)."""
    mask = np.ones(len(cells), dtype=bool)
    for cond in conds:
        wanted = set(cond.values)
        if cond.tag == "pop":
            codes = [i for i, p in enumerate(pops) if p.label in wanted]
            mask &= np.isin(cells.pop, codes)
        elif cond.tag == "cellType":
            codes = [i for i, t in enumerate(cell_types) if t.label in wanted]
            mask &= np.isin(cells.cell_type, codes)
        elif cond.tag == "cellModel":
            codes = [i for i, p in enumerate(pops) if p.cell_model in wanted]
            mask &= np.isin(cells.pop, codes)
        else:  # validation only lets known tags through
            raise ValueError(f"unknown condition tag {cond.tag!r}")
    return np.flatnonzero(mask).astype(np.int64)
