"""The spike trains NEURON's NetStim fires, computed without NEURON, so that an export can
give other simulators the very trains neuroloom's NetStims make.

The engine gives each NetStim the Random123 stream (target gid, stream id of its rule,
stim seed) (engine/wiring.py). NEURON 9's NetStim (share/modfile/netstim.mod) restarts
that stream at initialisation (``seed(0)``), fires its first spike at
``start + invl(interval) - interval*(1 - noise)`` (not before 0), and each later one
``invl(interval)`` after the previous, ``number`` spikes in all, with
``invl(mean) = (1 - noise)*mean + noise*mean*negexp()`` (``mean`` when noise is 0; a mean
at or below 0 is 0.01 ms). ``negexp() = -log((u + 1) / (2**32 + 1))`` of the stream's next
32-bit word ``u``; the words are Philox4x32-10 of the counter (block, id3, id1, id2) under
the key (0, 0), four a block (nrnran123.h). The times are summed in the order NEURON's
event queue sums them, so they are the same doubles.
"""
from __future__ import annotations

import math

import numpy as np

_M0, _M1 = 0xD2511F53, 0xCD9E8D57  # Philox4x32 multipliers
_W0, _W1 = 0x9E3779B9, 0xBB67AE85  # and key increments
_MASK = 0xFFFFFFFF
_SHIFT32 = 1.0 / 4294967297.0


def philox4x32(counter: tuple[int, int, int, int], key: tuple[int, int] = (0, 0),
               rounds: int = 10) -> tuple[int, int, int, int]:
    """One block of Random123's Philox4x32 (10 rounds: NEURON's)."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for i in range(rounds):
        if i:
            k0, k1 = (k0 + _W0) & _MASK, (k1 + _W1) & _MASK
        p0, p1 = _M0 * c0, _M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & _MASK, (p0 >> 32) ^ c3 ^ k1,
                          p0 & _MASK)
    return c0, c1, c2, c3


class Random123Stream:
    """NEURON's nrnran123 stream of ids (id1, id2, id3), from sequence 0."""

    def __init__(self, id1: int, id2: int, id3: int):
        self._ids = (id3 & _MASK, id1 & _MASK, id2 & _MASK)
        self._block, self._which = 0, 0
        self._words = philox4x32((0, *self._ids))

    def word(self) -> int:
        value = self._words[self._which]
        self._which += 1
        if self._which > 3:
            self._which, self._block = 0, self._block + 1
            self._words = philox4x32((self._block & _MASK, *self._ids))
        return value

    def negexp(self) -> float:
        return -math.log((float(self.word()) + 1.0) * _SHIFT32)


def netstim_train(interval: float, number: float, start: float, noise: float,
                  ids: tuple[int, int, int], until: float) -> np.ndarray:
    """The spike times (ms) of a NetStim up to ``until`` ms (inclusive).

    Parameters
    ----------
    interval, number, start, noise : float
        The NetStim's parameters (interval in ms, as NEURON takes it).
    ids : tuple of int
        The ids given to ``noiseFromRandom123`` (gid, stream, seed).
    until : float
        The last time of interest (the run's duration).

    Returns
    -------
    numpy.ndarray
        float64 spike times, as NEURON's events carry them.
    """
    noise = min(max(noise, 0.0), 1.0)
    stream = Random123Stream(*ids)

    def invl(mean: float) -> float:
        if mean <= 0.0:
            mean = 0.01
        if noise == 0:
            return mean
        return (1.0 - noise) * mean + noise * mean * stream.negexp()

    times: list[float] = []
    if not (start >= 0 and number > 0):
        return np.empty(0)
    t = start + invl(interval) - interval * (1.0 - noise)
    t = max(t, 0.0)
    while t <= until and len(times) < number:
        times.append(t)
        if len(times) >= number:
            break
        t = t + invl(interval)
    return np.asarray(times, dtype=np.float64)
