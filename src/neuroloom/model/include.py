"""The tutorial's cell lists ('all', gids, pop labels, (pop, index)) -> gids."""
from __future__ import annotations

import numpy as np


def resolve_include(include, network) -> np.ndarray:
    """Sorted unique gids named by a validated include list (see validate/cell_lists.py)."""
    gids: list[int] = []
    n = network.num_cells
    for item in include:
        if item in ("all", "allCells"):
            return np.arange(n, dtype=np.int64)
        if isinstance(item, int):
            if item < n:
                gids.append(item)
        elif isinstance(item, str):
            gids.extend(network.pop(item).gids)
        else:
            pop = network.pop(item[0])
            gids.extend(pop.gid_start + i for i in item[1] if i < pop.size)
    return np.unique(np.asarray(gids, dtype=np.int64))
