"""Connectivity rules -> (pre, post) gid pairs, vectorised over blocks of cells.

Every random decision about a pair is ``rng.uniform(key, a, b)`` of the pair's gids, so the
pairs a rank finds for the post cells it owns are exactly the serial network's pairs for
those cells, whatever the block size or rank count. Self-connections are never made.
Pairs come out sorted by (post, pre).
"""
from __future__ import annotations

import numpy as np

from .. import rng

#: upper bound on the number of candidate pairs held in memory at once
BLOCK_PAIRS = 1 << 22


def connect(connector: str, amount: float, pre: np.ndarray, post: np.ndarray, key: int):
    """Pairs for one rule. ``post`` may be just the cells this rank owns, except for
    divergence, which is drawn per presynaptic cell over all candidates and filtered."""
    if connector == "full":
        return _blocks(pre, post, lambda b: _all_pairs(pre, b))
    if connector == "probability":
        return _blocks(pre, post, lambda b: _probability(pre, b, amount, key))
    if connector == "convergence":
        return _blocks(pre, post, lambda b: _convergence(pre, b, _count(amount), key))
    raise ValueError(f"unknown connector {connector!r}")


def connect_divergent(amount: float, pre: np.ndarray, post_all: np.ndarray,
                      owned: np.ndarray, key: int):
    """Divergence: each presynaptic cell picks ``amount`` postsynaptic cells among all of
    ``post_all``; only the pairs whose post cell is in ``owned`` are returned."""
    k = _count(amount)
    # the mirror image of convergence: each pre cell samples among the post cells
    post_out, pre_out = _blocks(post_all, pre, lambda b: _convergence(post_all, b, k, key))
    keep = np.isin(post_out, owned)
    pre_out, post_out = pre_out[keep], post_out[keep]
    order = np.lexsort((pre_out, post_out))
    return pre_out[order], post_out[order]


def _count(amount: float) -> int:
    return int(np.floor(amount + 0.5))


def _blocks(pre, post, pairs_for_block):
    """Run ``pairs_for_block`` over blocks of ``post`` that keep memory bounded."""
    if len(pre) == 0 or len(post) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    step = max(1, BLOCK_PAIRS // len(pre))
    pres, posts = [], []
    for start in range(0, len(post), step):
        p, q = pairs_for_block(post[start:start + step])
        pres.append(p)
        posts.append(q)
    return np.concatenate(pres), np.concatenate(posts)


def _all_pairs(pre, post_block):
    pre_m = np.broadcast_to(pre[None, :], (len(post_block), len(pre)))
    post_m = np.broadcast_to(post_block[:, None], pre_m.shape)
    keep = pre_m != post_m
    return pre_m[keep], post_m[keep]


def _probability(pre, post_block, p, key):
    u = rng.uniform(key, post_block[:, None], pre[None, :])
    keep = (u < p) & (pre[None, :] != post_block[:, None])
    rows, cols = np.nonzero(keep)
    return pre[cols], post_block[rows]


def _convergence(pre, post_block, k, key):
    """Each post cell picks ``k`` distinct pre cells (itself excluded): the k candidates
    with the smallest keyed random scores, a uniform sample without replacement."""
    scores = rng.uniform(key, post_block[:, None], pre[None, :])
    scores[pre[None, :] == post_block[:, None]] = np.inf  # no self-connections
    k = min(k, len(pre))
    if k == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rows = np.repeat(np.arange(len(post_block)), k)
    cols = np.argpartition(scores, k - 1, axis=1)[:, :k].ravel()
    valid = np.isfinite(scores[rows, cols])  # fewer than k candidates: drop the excluded
    rows, cols = rows[valid], cols[valid]
    order = np.lexsort((pre[cols], rows))
    return pre[cols][order], post_block[rows][order]
