"""Random numbers keyed by identity, so a network is the same on any number of ranks.

A draw is a pure function of a *key* (seed and purpose, e.g. ``('conn', 'S->M')``) and of
*counters* that name what the draw is for (post gid, pre gid, ...). No state is carried from
one draw to the next, so building cells or connections in another order, or only the part a
rank owns, gives bit-identical values. The mixing function is SplitMix64's finaliser
(Steele, Lea & Flood 2014), applied once per counter: every output bit depends on every
input bit, which is what a counter-based generator needs.
"""
from __future__ import annotations

import hashlib

import numpy as np

_U64 = np.uint64
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_M1 = _U64(0xBF58476D1CE4E5B9)
_M2 = _U64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / float(1 << 53)


def stream_key(seed: int, *labels) -> int:
    """A 64-bit key for one purpose: stable across runs, machines and Python versions.

    (Python's ``hash()`` of a string is salted per process and must never be used here.)
    """
    text = "\x1f".join([str(int(seed))] + [str(label) for label in labels])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def stream_id32(*labels) -> int:
    """A 32-bit id for labels, e.g. one of the three ids of a Random123 stream."""
    text = "\x1f".join(str(label) for label in labels)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def _mix(x: np.ndarray) -> np.ndarray:
    x = (x ^ (x >> _U64(30))) * _M1
    x = (x ^ (x >> _U64(27))) * _M2
    return x ^ (x >> _U64(31))


def random_bits(key: int, *counters) -> np.ndarray:
    """64 random bits for every element of the broadcast counters (uint64 array)."""
    with np.errstate(over="ignore"):
        state = np.asarray(_mix(np.asarray(key, dtype=_U64) + _GOLDEN))
        for counter in counters:
            c = np.asarray(counter).astype(np.int64).view(_U64) if np.ndim(counter) else \
                np.asarray(int(counter) & 0xFFFFFFFFFFFFFFFF, dtype=_U64)
            state = _mix(state ^ (c * _GOLDEN + _M2))
    return state


def uniform(key: int, *counters) -> np.ndarray:
    """Uniform floats in [0, 1), one per element of the broadcast counters."""
    bits = random_bits(key, *counters)
    return (bits >> _U64(11)).astype(np.float64) * _TO_UNIT


def generator(key: int, *counters: int) -> np.random.Generator:
    """A numpy Generator for draws that are naturally sequential (e.g. one population's
    positions); keyed the same way, so it does not depend on call order."""
    seed = int(random_bits(key, *counters)) if counters else key
    return np.random.Generator(np.random.Philox(key=seed))
