"""Stimulation rules (stimTargetParams) -> StimTable rows (and VecStim spike trains).

A rule puts one source on every target cell. Spike sources (NetStim, VecStim: see
model/stim_types.py) drive synPerConn synapses of the target through NetCons, one row each;
the other sources (IClamp, VClamp, SEClamp, AlphaSynapse) are one row on the target's
section. Sources whose spike train is replayed (VecStim) get their train made here. String
values are evaluated per target from streams keyed by (seed, rule, field, target gid).
"""
from __future__ import annotations

import numpy as np

from .. import rng
from ..model.stim_types import SPIKE_SOURCES, STIM_TYPES
from ..model.tables import SpikeTrains, StimTable
from .conds import select_cells
from .connectors import RuleError
from .contacts import RowIndex, places, weight_norm
from .draws import evaluate, subkey
from .env import cell_env
from .trains import pulse_times


def place_stims(targets, sources, ctx, owned):
    """(StimTable, SpikeTrains of its VecStim rows: StimTable.extra['train'] indexes it)."""
    by_label = {s.source.label: s for s in sources}
    parts, trains = [], []
    for rule_code, target in enumerate(targets):
        source = by_label[target.source]
        gids = select_cells(target.conds, ctx.cells, ctx.pops, ctx.cell_types)
        if target.cell_list is not None:  # indices into the matching cells
            gids = gids[[i for i in target.cell_list if i < len(gids)]]
        if owned is not None:
            gids = gids[np.isin(gids, owned)]
        artificial = [ctx.cell_types[t].label for t in np.unique(ctx.cells.cell_type[gids])
                      if ctx.cell_types[t].is_artificial]
        if artificial and source.source.type not in SPIKE_SOURCES:
            raise RuleError(f"stimTargetParams['{target.label}']: {source.source.type} "
                            f"cannot act on artificial cells ({', '.join(artificial)})")
        parts.append(_rows(rule_code, target, source, gids, ctx, trains))
    table = StimTable.concat(parts)
    gids = [g for g, _ in trains]
    return table, (SpikeTrains.from_lists(gids, [t for _, t in trains]) if trains
                   else SpikeTrains.empty())


def _rows(rule_code, target, source, gids, ctx, trains) -> StimTable:
    ctx.rule_key = rng.stream_key(ctx.stim_seed, "stim", target.label)
    env_for = lambda names: cell_env(ctx.cells, gids, "post_", ctx.variables, names)
    rows = RowIndex(np.full(len(gids), target.syns_per_conn, dtype=np.int64), 1)

    def per_target(value, field):
        return evaluate(value, env_for, subkey(ctx.rule_key, field), gids, (len(gids),))

    def per_row(value, field):
        if isinstance(value, tuple):  # locations listed per synapse
            return np.asarray(value)[rows.syn]
        return per_target(value, field)[rows.pair]

    kind = STIM_TYPES[source.source.type]
    extra = {}
    for name, expression in source.expressions:
        # as NEURON's object takes it (a NetStim's rate is its interval)
        name, v = kind.to_neuron(name, per_target(expression, name))
        extra[name] = v[rows.pair]
    if kind.replayed:
        params = dict(source.source.params)
        first = len(trains)
        for gid in gids.tolist():
            key = rng.stream_key(ctx.stim_seed, "stim pulses", target.label)
            pulses = [pulse_times(rng.generator(key, gid, k), *p)
                      for k, p in enumerate(params.get("pulses", ()))]
            trains.append((gid, np.sort(np.concatenate(
                [np.asarray(params.get("spkTimes", ()), float), *pulses]))))
        extra["train"] = (first + np.arange(len(gids)))[rows.pair].astype(float)
    sec, loc = places(target, gids, rows, per_row, ctx)
    synaptic = kind.spike_source
    norm = weight_norm(ctx, gids[rows.pair], sec, loc) if synaptic else 1.0
    return StimTable(
        gid=gids[rows.pair], source=np.full(rows.count, ctx.catalogs.source_code[target.source]),
        rule=np.full(rows.count, rule_code), sec=sec, loc=loc,
        syn_mech=np.full(rows.count, ctx.catalogs.syn_code[target.syn_mech] if synaptic
                         else -1),
        weight=per_row(target.weight, "weight") * target.weight_scale * norm if synaptic
        else np.zeros(rows.count),
        delay=per_row(target.delay, "delay") if synaptic else np.zeros(rows.count),
        extra=extra)
