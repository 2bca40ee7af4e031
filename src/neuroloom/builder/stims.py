"""Stimulation rules (stimTargetParams) -> StimTable rows (and VecStim spike trains).

A rule puts one source on every target cell. Spike sources (NetStim, VecStim: see
model/stim_types.py) drive synsPerConn synapses of each of the rule's synMechs on the
target, one row each (synMech after synMech, as NetPyNE makes them: the engine gives each
row a NetStim of its own); weights, delays and locations are lists over the synMechs or
synapses, or scaled per synMech by synMechWeightFactor/DelayFactor/LocFactor. The other
sources (IClamp, VClamp, SEClamp, AlphaSynapse) are one row on the target's section.
Sources whose spike train is replayed (VecStim) get their train made here. String values
are evaluated per target from streams keyed by (seed, rule, field, target gid).
"""
from __future__ import annotations

import numpy as np

from .. import rng
from ..model.stim_types import SPIKE_SOURCES, STIM_TYPES
from ..model.tables import SpikeTrains, StimTable
from .conds import select_cells
from .connectors import RuleError
from .contacts import places, weight_norm
from .draws import describe_cells, evaluate, subkey
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
            beyond = [i for i in target.cell_list if i >= len(gids)]
            if beyond:
                raise RuleError(f"stimTargetParams['{target.label}'].conds.cellList: index "
                                f"{beyond[0]} is out of range: the conds select "
                                f"{len(gids)} cells")
            gids = gids[list(target.cell_list)]
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
    rows = SynapseRows(len(gids), target.syns_per_conn, max(1, len(target.syn_mechs)))
    factors = {"weight": target.weight_factors, "delay": target.delay_factors,
               "loc": target.loc_factors}

    def per_target(value, field):
        return evaluate(value, env_for, subkey(ctx.rule_key, field), gids, (len(gids),),
                        describe_cells(gids, "the target cell"))

    def per_row(value, field):
        if isinstance(value, tuple):  # listed per synMech or per synapse
            return np.asarray(value)[rows.mech if target.list_axis == "mech" else rows.syn]
        values = per_target(value, field)[rows.pair]
        if factors.get(field):  # several synMechs: synMech i's value times factor i
            values = values * np.asarray(factors[field])[rows.mech]
            if field == "loc" and np.any((values < 0) | (values > 1)):
                raise RuleError(f"stimTargetParams['{target.label}'].synMechLocFactor: "
                                "puts synapses outside their section (loc times factor "
                                "must stay within [0, 1])")
        return values

    kind = STIM_TYPES[source.source.type]
    extra = {}
    for name, expression in source.expressions:
        # as NEURON's object takes it (a NetStim's rate is its interval)
        given = per_target(expression, name)
        name, v = kind.to_neuron(name, given)
        if not np.all(np.isfinite(v)):  # e.g. a rate of 1e-320 Hz: an infinite interval
            i = int(np.flatnonzero(~np.isfinite(v))[0])
            raise expression.error(f"gives {given[i]:g} for the target cell {gids[i]}, "
                                   f"which makes NEURON's {name} {v[i]:g}")
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
    mech_codes = np.asarray([ctx.catalogs.syn_code[m] for m in target.syn_mechs] or [-1])
    return StimTable(
        gid=gids[rows.pair], source=np.full(rows.count, ctx.catalogs.source_code[target.source]),
        rule=np.full(rows.count, rule_code), sec=sec, loc=loc,
        syn_mech=mech_codes[rows.mech],
        weight=per_row(target.weight, "weight") * target.weight_scale * norm if synaptic
        else np.zeros(rows.count),
        delay=per_row(target.delay, "delay") if synaptic else np.zeros(rows.count),
        extra=extra)


class SynapseRows:
    """The rows of one stimulation rule, ``syns`` synapses of each of ``n_mechs`` synMechs
    per target, synMech after synMech (NetPyNE's order in cell.stims and cell.conns): for
    every row its target (``pair``, an index into the rule's targets), its synapse ``syn``
    (of ``n``) and its synMech ``mech``, as builder/contacts.py's places() reads them.

    Parameters
    ----------
    n_targets : int
        How many cells the rule stimulates.
    syns : int
        synsPerConn.
    n_mechs : int
        How many synMechs each synapse place gets (1 for sources that drive none).
    """

    def __init__(self, n_targets: int, syns: int, n_mechs: int):
        per_target = syns * n_mechs
        offset = np.tile(np.arange(per_target), n_targets)
        self.pair = np.repeat(np.arange(n_targets), per_target)
        self.mech, self.syn = offset // syns, offset % syns
        self.n = np.full(len(self.pair), syns, dtype=np.int64)
        self.count = len(self.pair)
