"""Populations -> cells with positions."""
from __future__ import annotations

import numpy as np

from .. import rng
from ..model.catalog import Population
from ..model.tables import CellTable


def place_cells(pop_specs, type_codes: dict[str, int], size, seed: int):
    """Cells of every population, gids in population order, positions uniform in the
    network's box. Each population draws from its own stream keyed by (seed, label)."""
    pops, parts = [], []
    gid_start = 0
    size = np.asarray(size, dtype=np.float64)
    for code, spec in enumerate(pop_specs):
        n = spec.num_cells
        pops.append(Population(label=spec.label, cell_type=spec.cell_type,
                               cell_model=spec.cell_model, gid_start=gid_start, size=n))
        norm = rng.generator(rng.stream_key(seed, "loc", spec.label)).random((n, 3))
        xyz = norm * size
        parts.append(CellTable(
            pop=np.full(n, code), cell_type=np.full(n, type_codes[spec.cell_type]),
            index=np.arange(n), x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2],
            xnorm=norm[:, 0], ynorm=norm[:, 1], znorm=norm[:, 2]))
        gid_start += n
    return tuple(pops), CellTable.concat(parts)
