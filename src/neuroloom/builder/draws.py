"""Random draws keyed by identity: one numpy generator per (purpose, cell).

A value drawn for a connection comes from the generator of its postsynaptic cell for that
purpose (seed, rule, field, call site), drawing that cell's values in a fixed order. Which
other cells are built in the same block, by the same rank, does not matter.
"""
from __future__ import annotations

import numpy as np

from .. import rng
from ..expr import check_params

_MASK64 = (1 << 64) - 1


def cell_generator(key: int, gid: int) -> np.random.Generator:
    """The generator of one cell for the purpose ``key`` (Philox takes a 128-bit key)."""
    return np.random.Generator(np.random.Philox(key=((key & _MASK64) << 64) | int(gid)))


def subkey(key: int, *labels) -> int:
    """A key for one purpose within a rule (e.g. its 'weight' or 'delay' draws)."""
    return rng.stream_key(key, *labels)


def group_bounds(group_gids: np.ndarray):
    """(gid, start, stop) of each run of equal gids in a sorted element array."""
    if len(group_gids) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, group_gids[1:] != group_gids[:-1]])
    stops = np.r_[starts[1:], len(group_gids)]
    return list(zip(group_gids[starts].tolist(), starts.tolist(), stops.tolist()))


class KeyedDraws:
    """The ``draw`` callback of expr.Expression.evaluate for elements grouped by cell.

    ``group_gids`` gives, for every element (flattened, row-major), the gid whose stream it
    draws from; elements of one gid must be contiguous.
    """

    def __init__(self, key: int, group_gids: np.ndarray, shape):
        self.key = key
        self.shape = tuple(shape)
        self.bounds = group_bounds(np.asarray(group_gids).ravel())

    def __call__(self, site, function, params):
        size = int(np.prod(self.shape))
        flat = [np.broadcast_to(np.asarray(p, dtype=np.float64), self.shape).ravel()
                for p in params]
        check_params(function, flat)  # numpy's own errors would not name the function
        out = np.empty(size)
        site_key = int(rng.random_bits(self.key, site))
        for gid, start, stop in self.bounds:
            args = [p[start:stop] for p in flat]
            out[start:stop] = function.apply(cell_generator(site_key, gid), stop - start, *args)
        return out.reshape(self.shape)


def evaluate(value, env_for, key: int, group_gids: np.ndarray, shape,
             describe=None) -> np.ndarray:
    """A rule value (number or compiled string function) for every element; a function's
    values are checked against its bounds, ``describe`` naming the element at a flat index
    in the error (expr.Expression.evaluate)."""
    if not hasattr(value, "evaluate"):
        return np.full(shape, float(value))
    env = env_for(value.variables)
    draws = KeyedDraws(key, group_gids, shape) if value.is_random else None
    return value.evaluate(env, draws, shape, describe).astype(np.float64)


def describe_pairs(pre, post, what="the connection"):
    """``describe`` for elements that are (pre, post) pairs, broadcast to one shape."""
    def describe(index):
        a, b = np.broadcast_arrays(pre, post)
        return f"{what} {int(a.ravel()[index])} -> {int(b.ravel()[index])}"
    return describe


def describe_cells(gids, what="cell"):
    """``describe`` for elements that are cells (or the rows of a cell's element)."""
    return lambda index: f"{what} {int(np.asarray(gids).ravel()[index])}"
