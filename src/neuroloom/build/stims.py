"""Stimulation rules (stimTargetParams) -> StimTable rows."""
from __future__ import annotations

import numpy as np

from ..model.tables import StimTable
from .conds import select_cells


def place_stims(targets, cells, pops, cell_types, catalogs, owned) -> StimTable:
    """One row per (rule, target cell), rules in spec order, gids ascending."""
    parts = []
    for rule_code, target in enumerate(targets):
        gids = select_cells(target.conds, cells, pops, cell_types)
        if owned is not None:
            gids = gids[np.isin(gids, owned)]
        n = len(gids)
        parts.append(StimTable(
            gid=gids, source=np.full(n, catalogs.source_code[target.source]),
            rule=np.full(n, rule_code),
            sec=catalogs.sec_codes(target.sec, cells.cell_type[gids]),
            loc=np.full(n, target.loc),
            syn_mech=np.full(n, catalogs.syn_code[target.syn_mech]),
            weight=np.full(n, target.weight), delay=np.full(n, target.delay)))
    return StimTable.concat(parts)
