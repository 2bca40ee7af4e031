"""Connectivity rules -> (pre, post) gid pairs, sorted by (post, pre).

Every random decision for a postsynaptic cell comes from that cell's own generator for the
rule (draws.cell_generator keyed by seed, rule and post gid), so the pairs a rank finds for
the cells it owns are exactly the serial network's pairs for those cells. Divergence is
drawn per presynaptic cell instead, over all candidates, and then filtered.
Self-connections are made only by full and probability rules, onto the cells Candidates
names (simConfig.allowSelfConns: cells with sections, as NetPyNE). Which connectors there
are, and what their amounts are, is validate/rules.py's CONNECTORS; BUILDERS here has a
function for each, by the same names.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..errors import NeuroloomError
from ..suggest import hint
from ..validate.checker import outside_neuroloom
from ..validate.rules import CONNECTORS
from .draws import cell_generator, describe_cells, describe_pairs, evaluate, subkey
from .env import cell_env, pair_env

#: bound on candidate pairs held in memory at once by probability rules
BLOCK_PAIRS = 1 << 22


class RuleError(NeuroloomError):
    """A rule that is valid on its own but cannot be built on this network (e.g. a
    connList index past the cells its conditions select)."""


class Candidates:
    """What a connector needs: the cells, the pre/post candidates, keys and variables."""

    def __init__(self, cells, pre, post, owned_post, key, net_variables, self_conns=None):
        self.cells, self.pre, self.post, self.mine = cells, pre, post, owned_post
        self.key, self.variables = key, net_variables
        # sorted gids of the cells full and probability rules may connect to themselves
        self.self_conns = np.empty(0, np.int64) if self_conns is None else self_conns


def connect(connector, amount, c: Candidates, conn_list=()):
    """(pre, post, list_index) arrays for one rule; list_index numbers connList entries.
    ``connector``: a name in CONNECTORS (anything else raises ValueError)."""
    build = BUILDERS.get(connector)
    if build is None:
        raise ValueError(f"unknown connector {connector!r}; {hint(str(connector), BUILDERS)}")
    if len(c.pre) == 0 or len(c.mine) == 0:
        return _empty()
    return build(amount, conn_list, c)


def _empty():
    return np.empty(0, np.int64), np.empty(0, np.int64), None


def _full(amount, conn_list, c):
    """Every pre with every post cell."""
    pre = np.tile(c.pre, len(c.mine))
    post = np.repeat(c.mine, len(c.pre))
    keep = (pre != post) | np.isin(post, c.self_conns)
    return pre[keep], post[keep], None


def _probability(amount, conn_list, c):
    """Each pair with probability ``amount`` (a number or a function of the pair)."""
    if not hasattr(amount, "evaluate"):
        return (*_fixed_probability(float(amount), c), None)
    step = max(1, BLOCK_PAIRS // len(c.pre))
    pres, posts, warned = [], [], False
    for start in range(0, len(c.mine), step):
        block = c.mine[start:start + step]
        post_col, pre_row = block[:, None], c.pre[None, :]
        shape = (len(block), len(c.pre))
        env_for = lambda names: pair_env(c.cells, pre_row, post_col, c.variables, names)
        group = np.broadcast_to(post_col, shape)
        p = evaluate(amount, env_for, subkey(c.key, "probability"), group, shape,
                     describe_pairs(pre_row, post_col, "the candidate pair"))
        if not warned:  # once a rule, at the first block that has such a pair
            warned = _warn_above_one(amount, p, pre_row, post_col)
        u = np.stack([cell_generator(c.key, g).random(len(c.pre)) for g in block.tolist()])
        rows, cols = np.nonzero((u < p) & ((pre_row != post_col)
                                           | np.isin(post_col, c.self_conns)))
        pres.append(c.pre[cols])
        posts.append(block[rows])
    return np.concatenate(pres), np.concatenate(posts), None


def _warn_above_one(amount, p, pre_row, post_col) -> bool:
    """A probability above 1 connects every such pair, as a number above 1 does (a
    warning names the rule, the first such pair and the value). Whether it warned."""
    above = np.flatnonzero(p.ravel() > 1)
    if not len(above):
        return False
    where = describe_pairs(pre_row, post_col, "the pair")(int(above[0]))
    warnings.warn(f"{amount.where}: {amount.text!r} gives {p.ravel()[above[0]]:g} (above "
                  f"1) for {where}: every such pair connects (as in NetPyNE)",
                  stacklevel=outside_neuroloom())
    return True


def _fixed_probability(p, c):
    """Each candidate pair independently with probability p, drawn as a Bernoulli process:
    geometric gaps between the chosen candidates (as many draws as connections made)."""
    pres, posts = [], []
    in_pre = np.isin(c.mine, c.pre) & ~np.isin(c.mine, c.self_conns)
    for post, self_pre in zip(c.mine.tolist(), in_pre.tolist()):
        n = len(c.pre) - self_pre
        picks = _bernoulli_positions(cell_generator(c.key, post), n, p)
        if self_pre:  # index the candidates with the post cell itself removed
            picks = picks + (picks >= np.searchsorted(c.pre, post))
        pres.append(c.pre[picks])
        posts.append(np.full(len(picks), post))
    return np.concatenate(pres), np.concatenate(posts)


def _bernoulli_positions(gen, n, p):
    """Sorted indices in [0, n) of the successes of n Bernoulli(p) trials."""
    if p <= 0 or n == 0:
        return np.empty(0, np.int64)
    if p >= 1:
        return np.arange(n)
    expected = n * p
    positions = np.cumsum(gen.geometric(p, int(expected + 6 * np.sqrt(expected) + 10))) - 1
    while positions[-1] < n:  # rarely needed: draw more gaps
        more = np.cumsum(gen.geometric(p, int(expected) + 10)) + positions[-1]
        positions = np.concatenate([positions, more])
    return positions[:np.searchsorted(positions, n)]


def _sample_others(gen, candidates, me, me_included, k):
    """k distinct candidates other than ``me``, uniformly, sorted."""
    n = len(candidates) - me_included
    k = min(int(k), n)
    if k <= 0:
        return np.empty(0, np.int64)
    picks = gen.choice(n, k, replace=False)
    if me_included:  # index the candidates with `me` removed
        where = int(np.searchsorted(candidates, me))
        picks = picks + (picks >= where)
    return np.sort(candidates[picks])


def _counts(amount, c, gids, prefix, candidates):
    """Convergence/divergence per cell: a number, or a string function of that cell,
    rounded (half to even, Python's round) and, as NetPyNE caps it, at most one less
    than the number of candidates (also when the cell is not one of them)."""
    if not hasattr(amount, "evaluate"):
        values = np.full(len(gids), float(amount))
    else:
        env_for = lambda names: cell_env(c.cells, gids, prefix, c.variables, names)
        values = evaluate(amount, env_for, subkey(c.key, "count"), gids, (len(gids),),
                          describe_cells(gids))
    return np.clip(np.rint(values), 0, max(len(candidates) - 1, 0)).astype(np.int64)


def _each_picks(cells, candidates, counts, key):
    """For every cell: ``count`` distinct candidates other than itself, from its own
    generator. Returns (cell, chosen) gid arrays, grouped by cell."""
    in_candidates = np.isin(cells, candidates)
    own, chosen = [], []
    for cell, self_in, k in zip(cells.tolist(), in_candidates.tolist(), counts.tolist()):
        picks = _sample_others(cell_generator(key, cell), candidates, cell, self_in, k)
        own.append(np.full(len(picks), cell))
        chosen.append(picks)
    return np.concatenate(own), np.concatenate(chosen)


def _convergence(amount, conn_list, c):
    """``amount`` presynaptic cells for every postsynaptic cell."""
    post, pre = _each_picks(c.mine, c.pre, _counts(amount, c, c.mine, "post_", c.pre),
                            c.key)
    return pre, post, None


def _divergence(amount, conn_list, c):
    """``amount`` postsynaptic cells for every presynaptic cell."""
    pre, post = _each_picks(c.pre, c.post, _counts(amount, c, c.pre, "pre_", c.post),
                            c.key)
    keep = np.isin(post, c.mine)
    pre, post = pre[keep], post[keep]
    order = np.lexsort((pre, post))
    return pre[order], post[order], None


def _conn_list(amount, conn_list, c):
    """connList: [pre index, post index] into the cells matching preConds / postConds
    (ascending gids); self-connections are left out."""
    pairs = np.asarray(conn_list, dtype=np.int64).reshape(-1, 2)
    if pairs[:, 0].max() >= len(c.pre) or pairs[:, 1].max() >= len(c.post):
        raise RuleError(f"refers to presynaptic cell {pairs[:, 0].max()} and postsynaptic "
                         f"cell {pairs[:, 1].max()}, but the conditions select "
                         f"{len(c.pre)} and {len(c.post)} cells")
    pre, post = c.pre[pairs[:, 0]], c.post[pairs[:, 1]]
    index = np.arange(len(pairs))
    keep = (pre != post) & np.isin(post, c.mine)
    order = np.lexsort((index[keep], pre[keep], post[keep]))
    return pre[keep][order], post[keep][order], index[keep][order]


#: connector name -> function(amount, conn_list, candidates) -> (pre, post, list index or
#: None); keyed by exactly validate/rules.py's CONNECTORS
BUILDERS = {"full": _full, "probability": _probability, "convergence": _convergence,
            "divergence": _divergence, "connList": _conn_list}
if set(BUILDERS) != set(CONNECTORS):
    raise RuntimeError(f"builder/connectors.py: BUILDERS {sorted(BUILDERS)} do not match "
                      f"validate/rules.py's CONNECTORS {sorted(CONNECTORS)}")
