"""Connections (pre, post pairs) -> synaptic contacts: the rows of the ConnTable.

A pair becomes synsPerConn x len(synMech) rows. Weights, delays and locations are numbers,
string functions of the pair (drawn from the post cell's streams), or lists that run over
the connList entries, the synMechs or the synapses of a connection. Sections come from
'sec' (section or secList names, resolved per cell type): one section, a random one of a
list for single synapses (the list's first with connRandomSecFromList False). Several
synapses of a connection share one section, evenly spaced; over a list they are spread
evenly along its length (distributeSynsUniformly), else put on random sections
(connRandomSecFromList) or on the listed ones in order, as NetPyNE does.
"""
from __future__ import annotations

import numpy as np

from ..errors import Problem, SpecError
from ..expr import RANDOM
from ..model.tables import ConnTable
from .connectors import RuleError
from .draws import KeyedDraws, describe_pairs, evaluate, subkey
from .env import pair_env


#: pairs handled at once: bounds the temporaries of string functions
CHUNK_PAIRS = 1 << 21
#: rows one rule may make (as many as gids can number: beyond, no table could hold them)
MAX_ROWS = (1 << 31) - 1


class RowIndex:
    """For every row: its pair, its synapse k (of n in the pair) and its mechanism m."""

    def __init__(self, syns_per_pair: np.ndarray, n_mechs: int):
        per_pair = syns_per_pair * n_mechs
        if n_mechs == 1 and np.all(syns_per_pair == 1):  # the usual case: a row per pair
            self.pair = slice(None)  # indexing with it is a free view
            self.syn = self.mech = np.zeros(len(per_pair), dtype=np.int64)
            self.n, self.count = syns_per_pair, len(per_pair)
            return
        self.pair = np.repeat(np.arange(len(per_pair)), per_pair)
        offset = np.arange(len(self.pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        self.syn, self.mech = offset // n_mechs, offset % n_mechs
        self.n = syns_per_pair[self.pair]
        self.count = len(self.pair)


class RulePairs:
    """The connected pairs of one rule, with how many rows (synapses x mechanisms) each
    becomes; ``write`` turns them into ConnTable rows."""

    def __init__(self, rule, code, pre, post, list_index, ctx):
        self.rule, self.code, self.ctx = rule, code, ctx
        self.pre, self.post, self.list_index = pre, post, list_index
        syns = rule.syns_per_conn
        if hasattr(syns, "evaluate"):
            env_for = lambda names: pair_env(ctx.cells, pre, post, ctx.variables, names)
            drawn = evaluate(syns, env_for, subkey(ctx.rule_key, "synsPerConn"), post,
                             (len(pre),), describe_pairs(pre, post))
            counts = np.maximum(np.floor(drawn + 0.5), 1)
        else:
            counts = np.full(len(pre), float(syns))
        n_rows = float(counts.sum()) * max(1, len(rule.syn_mechs))
        if n_rows > MAX_ROWS:  # checked in floats: the counts may not fit an integer
            given = f"{syns.text!r} " if hasattr(syns, "text") else ""
            raise SpecError(Problem(f"connParams[{rule.label!r}].synsPerConn",
                                    f"{given}makes {n_rows:.3g} synapses, more than a "
                                    f"network can hold ({MAX_ROWS})"))
        self.syns = counts.astype(np.int64)
        self.n_rows = int(self.syns.sum()) * max(1, len(rule.syn_mechs))

    def write(self, out: ConnTable, offset: int) -> int:
        """Write the rows into ``out`` from ``offset``; returns the offset after them.
        Pairs are sorted by post cell and handled in chunks that never split a post cell,
        so every cell's draws are the same as in one piece."""
        post = self.post
        cuts = np.unique(np.searchsorted(post, post[::CHUNK_PAIRS], side="left"))
        for a, b in zip(cuts.tolist(), cuts[1:].tolist() + [len(post)]):
            index = None if self.list_index is None else self.list_index[a:b]
            offset = _write(self.rule, self.code, self.pre[a:b], post[a:b], index,
                            self.syns[a:b], self.ctx, out, offset)
        return offset


def _write(rule, code, pre, post, list_index, syns, ctx, out, offset) -> int:
    key = ctx.rule_key
    env_for = lambda names: pair_env(ctx.cells, pre, post, ctx.variables, names)

    def per_pair(value, field):
        return evaluate(value, env_for, subkey(key, field), post, (len(pre),),
                        describe_pairs(pre, post))

    rows = RowIndex(syns, max(1, len(rule.syn_mechs)))

    def per_row(value, field):
        if isinstance(value, tuple):  # a list: runs over connList entries, mechs or synapses
            where = {"conn": lambda: list_index[rows.pair], "mech": lambda: rows.mech,
                     "syn": lambda: rows.syn}[rule.list_axis]()
            return np.asarray(value)[where]
        return per_pair(value, field)[rows.pair]

    end = offset + rows.count
    weight = per_row(rule.weight, "weight") * rule.weight_scale
    delay = per_row(rule.delay, "delay")
    if rule.weight_factors:
        weight = weight * np.asarray(rule.weight_factors)[rows.mech]
    if rule.delay_factors:
        delay = delay * np.asarray(rule.delay_factors)[rows.mech]
    sec, loc = places(rule, post, rows, per_row, ctx)
    weight = weight * weight_norm(ctx, post[rows.pair], sec, loc)
    out.weight[offset:end], out.delay[offset:end] = weight, delay
    out.sec[offset:end], out.loc[offset:end] = sec, loc
    out.pre_gid[offset:end], out.post_gid[offset:end] = pre[rows.pair], post[rows.pair]
    # no synMech: the targets are artificial cells, which receive events themselves
    mech_codes = np.asarray([ctx.catalogs.syn_code[m] for m in rule.syn_mechs] or [-1])
    out.syn_mech[offset:end] = mech_codes[rows.mech]
    out.rule[offset:end] = code
    if "pre_sec" in out.extra and any(ctx.catalogs.pointer[m] for m in rule.syn_mechs):
        pre_types = ctx.cells.cell_type[pre[rows.pair]]
        out.extra["pre_sec"][offset:end] = (ctx.catalogs.sec_codes(rule.pre_sec, pre_types)
                                            if rule.pre_sec is None else
                                            ctx.catalogs.sec_code[rule.pre_sec])
        out.extra["pre_loc"][offset:end] = rule.pre_loc
    return end


def weight_norm(ctx, post, sec, loc) -> np.ndarray | float:
    """The weightNorm factor of each row's segment (1 where its section has none), as
    NetPyNE picks it: factors[int(round(loc * nseg)) - 1] (Python's rounding, half to
    even; a location that rounds to 0 takes the last segment's factor, as there)."""
    if not any(ctx.weight_norms):
        return 1.0
    types = ctx.cells.cell_type[post]
    factors = np.ones(len(post))
    for code in np.unique(types).tolist():
        for sec_code, norm in ctx.weight_norms[code].items():
            rows = (types == code) & (sec == sec_code)
            if rows.any():
                index = np.round(loc[rows] * len(norm)).astype(np.int64) - 1
                factors[rows] = norm[index]
    return factors


def places(rule, post, rows, per_row, ctx):
    """Section code and location of every row."""
    n_rows = rows.count
    sec = np.empty(n_rows, dtype=np.int16)
    loc = np.empty(n_rows)
    listed = isinstance(rule.loc, tuple)
    loc_by_sec = listed and rule.list_axis is None  # one location per listed section
    loc_by_syn = listed and rule.list_axis == "syn"
    loc_all = None if loc_by_sec else per_row(rule.loc, "loc")
    random_sec = random_sec_from_list(rule, ctx)
    type_of_row = ctx.cells.cell_type[post[rows.pair]]
    for type_code in np.unique(type_of_row).tolist():
        cell_type = ctx.cell_types[type_code]
        if cell_type.is_artificial:  # the cell itself receives the events
            mine = type_of_row == type_code
            sec[mine], loc[mine] = -1, 0.5
            continue
        names = cell_type.resolve_secs(rule.sec) if rule.sec else (cell_type.default_sec,)
        codes = np.asarray([ctx.catalogs.sec_code[n] for n in names])
        mine = np.flatnonzero(type_of_row == type_code)
        single, spread = mine[rows.n[mine] == 1], mine[rows.n[mine] > 1]
        if len(names) == 1:
            sec[mine] = codes[0]
            loc[single] = loc_all[single]
            if len(spread) and _loc_given(rule) and not loc_by_syn:
                raise _key_error(rule, "loc", "a single location for several "
                                "synapses per connection on one section: give one location "
                                "per synapse (synsPerConn of them), or none to space them "
                                "evenly (NetPyNE refuses it too)")
            # several synapses on one section: evenly spaced, unless listed per synapse
            loc[spread] = (loc_all[spread] if loc_by_syn else
                           (rows.syn[spread] + 0.5) / rows.n[spread])
            continue
        if not random_sec:  # NetPyNE's first section of the list (and location)
            choice = np.zeros(len(single), dtype=np.int64)
        elif loc_by_sec and len(rule.loc) != len(names):
            raise RuleError(f"loc lists {len(rule.loc)} locations for the {len(names)} "
                             f"sections of cell type '{cell_type.label}'")
        else:  # a random section of the list (the post cell's stream), one per
            # connection: its synMechs share it, as in NetPyNE (drawn per pre/post pair)
            pair_of = single if isinstance(rows.pair, slice) else rows.pair[single]
            pairs, pair_of = np.unique(pair_of, return_inverse=True)
            u = KeyedDraws(subkey(ctx.rule_key, "sec"), post[pairs],
                           (len(pairs),))(0, RANDOM["random"], [])
            choice = np.minimum((u * len(names)).astype(np.int64), len(names) - 1)[pair_of]
        sec[single] = codes[choice]
        loc[single] = np.asarray(rule.loc)[choice] if loc_by_sec else loc_all[single]
        if not len(spread):
            continue
        pool = rule.loc if listed and (loc_by_sec or loc_by_syn) else None
        if distribute_syns_uniformly(rule, ctx):
            if _loc_given(rule):
                raise _key_error(rule, "loc", "synapses spread evenly over a list of "
                                "sections (distributeSynsUniformly) take no 'loc': remove "
                                "it, or set distributeSynsUniformly False (NetPyNE refuses "
                                "it too)")
            # spread evenly along the total length of the list
            which, loc[spread] = spread_evenly([cell_type.section(n).L for n in names],
                                               rows.syn[spread], rows.n[spread])
        elif random_sec:
            which, loc[spread] = _random_places(rule, ctx, post, rows, spread, len(names),
                                                pool)
        else:
            which, loc[spread] = _listed_places(rule, rows, spread, names, cell_type, pool,
                                                loc_all)
        sec[spread] = codes[which]
    return sec, loc


def _random_places(rule, ctx, post, rows, spread, n_secs, pool):
    """(section index, location) of the rows of connections with several synapses over a
    list of sections, distributeSynsUniformly False and connRandomSecFromList True, as
    NetPyNE: each connection's synapses on random sections of the list (distinct while
    there are enough) at random locations (drawn from a listed ``pool``, distinct while
    there are enough, else uniform in [0, 1)), from the post cell's streams. The
    synMechs of a synapse share its place."""
    if pool is None and _loc_given(rule):
        raise _key_error(rule, "loc", "a single location for synapses on random "
                        "sections (connRandomSecFromList, distributeSynsUniformly False): "
                        "give a list of locations to draw from, or none to draw them "
                        "uniformly (NetPyNE refuses it too)")
    pairs, first, pair_of_row = np.unique(rows.pair[spread], return_index=True,
                                          return_inverse=True)
    gids, n = post[pairs], rows.n[spread][first]
    syn = rows.syn[spread]
    which = random_picks(subkey(ctx.rule_key, "secs"), gids, n, n_secs, pair_of_row, syn)
    if pool is not None:
        picks = random_picks(subkey(ctx.rule_key, "locs"), gids, n, len(pool), pair_of_row,
                             syn)
        return which, np.asarray(pool, dtype=np.float64)[picks]
    offsets = np.cumsum(n) - n
    u = KeyedDraws(subkey(ctx.rule_key, "locs"), np.repeat(gids, n),
                   (int(n.sum()),))(0, RANDOM["random"], [])
    return which, u[offsets[pair_of_row] + syn]


def _listed_places(rule, rows, spread, names, cell_type, pool, loc_all):
    """(section index, location) of the rows of connections with several synapses over a
    list of sections, distributeSynsUniformly and connRandomSecFromList False, as NetPyNE:
    synapse k on the list's section k at location k of a listed ``pool`` (else at the
    rule's location); both lists must have synsPerConn entries."""
    n = rows.n[spread]
    wrong = n[n != len(names)]
    if len(wrong):
        raise _key_error(rule, "sec", f"lists {len(names)} sections on cell type "
                        f"'{cell_type.label}' ({', '.join(names)}) for synsPerConn "
                        f"{int(wrong[0])}: with distributeSynsUniformly and "
                        "connRandomSecFromList False, synapse k of a connection goes to "
                        "section k, so they must be as many")
    syn = rows.syn[spread]
    if pool is None:
        return syn, loc_all[spread]
    if len(pool) != len(names):
        raise _key_error(rule, "loc", f"lists {len(pool)} locations for "
                        f"synsPerConn {len(names)}: with distributeSynsUniformly and "
                        "connRandomSecFromList False, synapse k of a connection is at "
                        "location k, so they must be as many")
    return syn, np.asarray(pool, dtype=np.float64)[syn]


def random_picks(key, gids, n, pool, pair_of_row, syn_of_row) -> np.ndarray:
    """For connections onto cells ``gids`` with ``n`` synapses each, which of ``pool``
    items each synapse takes: distinct items (a random sample, in random order) when
    n <= pool, else independent draws, from the post cell's stream ``key``. A connection
    draws max(n, pool) numbers, whatever else the cell receives, so the picks do not
    depend on how the cells are split between ranks or chunks.

    Parameters
    ----------
    key : int
        The stream key (rule and purpose).
    gids : numpy.ndarray
        Post cell of each connection, grouped by cell.
    n : numpy.ndarray
        Synapses of each connection.
    pool : int
        How many items to pick from.
    pair_of_row, syn_of_row : numpy.ndarray
        For each row to fill: its connection (index into ``gids``) and its synapse.

    Returns
    -------
    numpy.ndarray
        The item (0 .. pool - 1) of each row.
    """
    width = np.maximum(n, pool)
    offsets = np.cumsum(width) - width
    u = KeyedDraws(key, np.repeat(gids, width), (int(width.sum()),))(0, RANDOM["random"], [])
    picks = np.minimum((u[offsets[pair_of_row] + syn_of_row] * pool).astype(np.int64),
                       pool - 1)
    distinct = np.flatnonzero(n <= pool)
    if len(distinct):  # the order of the connection's first pool numbers: a permutation
        order = np.argsort(u[offsets[distinct, None] + np.arange(pool)], axis=1,
                           kind="stable")
        index = np.full(len(n), -1)
        index[distinct] = np.arange(len(distinct))
        rows = index[pair_of_row] >= 0
        picks[rows] = order[index[pair_of_row[rows]], syn_of_row[rows]]
    return picks


def distribute_syns_uniformly(rule, ctx) -> bool:
    """Whether several synapses of a connection over a list of sections are spread evenly
    along it (distributeSynsUniformly)."""
    return _placement_option(rule, ctx, "distribute_syns_uniformly")


def random_sec_from_list(rule, ctx) -> bool:
    """Whether a single synapse goes to a random section of the rule's list, else to its
    first (connRandomSecFromList)."""
    return _placement_option(rule, ctx, "random_sec_from_list")


def _placement_option(rule, ctx, name: str) -> bool:
    """The connParams rule's own value of option ``name``, else simConfig's (held by the
    BuildContext's ``conn_options``); stimulus rules have no key of their own in NetPyNE."""
    own = getattr(rule, name, None)  # a StimTargetSpec has none
    return getattr(ctx.conn_options, name) if own is None else own


def _loc_given(rule) -> bool:
    return getattr(rule, "loc_given", False)  # StimTargetSpec does not say


class RuleKeyError(RuleError):
    """A RuleError about one key of a connParams rule (the builder names the rule)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _key_error(rule, key, message) -> RuleError:
    if hasattr(rule, "source"):  # a stimulus rule: the builder does not name it
        return RuleError(f"stimTargetParams['{rule.label}'].{key}: {message}")
    return RuleKeyError(key, message)


def spread_evenly(lengths, k, n):
    """(section index, location) of synapse k of n spread evenly along sections of these
    lengths, as NetPyNE's distributeSynsUniformly: at (k + 1/2) / n of the total length,
    in the first section whose end is at or past that point, the location counted from
    that section's far end ((end - point) / length)."""
    lengths = np.asarray(lengths, dtype=np.float64)
    total = float(lengths.sum())
    cumulative = np.cumsum(lengths)
    k, n = np.asarray(k), np.asarray(n)
    point = k * (total / n) + total / n / 2
    which = np.minimum(np.searchsorted(cumulative, point, side="left"), len(lengths) - 1)
    return which, (cumulative[which] - point) / lengths[which]
