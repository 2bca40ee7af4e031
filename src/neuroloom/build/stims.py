"""Stimulation rules (stimTargetParams) -> StimTable rows."""
from __future__ import annotations

import numpy as np

from .. import rng
from ..model.tables import StimTable
from .conds import select_cells
from .draws import evaluate, subkey
from .env import cell_env


def place_stims(targets, sources, ctx, owned) -> StimTable:
    """One row per (rule, target cell), rules in spec order, gids ascending. String values
    are evaluated per target from streams keyed by (seed, rule, field, target gid)."""
    by_label = {s.source.label: s for s in sources}
    parts = []
    for rule_code, target in enumerate(targets):
        gids = select_cells(target.conds, ctx.cells, ctx.pops, ctx.cell_types)
        if target.cell_list is not None:  # indices into the matching cells
            gids = gids[[i for i in target.cell_list if i < len(gids)]]
        if owned is not None:
            gids = gids[np.isin(gids, owned)]
        key = rng.stream_key(ctx.stim_seed, "stim", target.label)
        env_for = lambda names, g=gids: cell_env(ctx.cells, g, "post_", ctx.variables, names)

        def values(value, field, g=gids, k=key, e=env_for):
            return evaluate(value, e, subkey(k, field), g, (len(g),))

        source = by_label[target.source]
        extra = {}
        for name, expression in source.expressions:
            v = values(expression, name)
            if name == "rate":  # NEURON's NetStim takes the interval
                name, v = "interval", 1000.0 / v
            extra[name] = v
        sec_name = target.sec[0] if target.sec else None
        parts.append(StimTable(
            gid=gids, source=np.full(len(gids), ctx.catalogs.source_code[target.source]),
            rule=np.full(len(gids), rule_code),
            sec=ctx.catalogs.sec_codes(sec_name, ctx.cells.cell_type[gids]),
            loc=values(target.loc, "loc"),
            syn_mech=np.full(len(gids), ctx.catalogs.syn_code[target.syn_mech]),
            weight=values(target.weight, "weight") * target.weight_scale,
            delay=values(target.delay, "delay"), extra=extra))
    return StimTable.concat(parts)
