"""Method 'asd': adaptive stochastic descent (Kerr et al. 2018, PLoS Comput Biol 14:e1006187),
as NetPyNE's batch/asd_parallel.py runs it, minimising the fitness.

Each candidate of the population (``popsize`` of them, or one per starting value given as a
parameter's third entry, ``[min, max, [start1, start2, ...]]``; otherwise drawn uniformly in
[min, max]) keeps a current point, a selection probability and a step size for each
direction (a parameter up, a parameter down). Iteration 0 evaluates the starting points;
each later iteration moves every candidate one step in a direction drawn with those
probabilities (the value clipped to [min, max]; up to 100 draws for one that changes the
value). A step that improves the fitness is kept, and its direction's probability and step
size grow by ``pinc`` and ``sinc``; one that does not is dropped, and they shrink by ``pdec``
and ``sdec``. A candidate whose last run failed (fitness ``maxFitness``) runs its current
point again instead of stepping.

Options (optimCfg), with NetPyNE's defaults: stepsize 0.1 (the first step of each parameter,
as a fraction of its starting value; ``sinitial`` gives them instead), sinc, sdec, pinc, pdec
2, pinitial (uniform), xmin/xmax (the parameters' bounds), maxiters 1000 (iterations after
iteration 0), maxtime 3600 s, abstol 1e-6 and reltol 1e-3 (stop once, over the last
``stalliters`` iterations (10 x parameters), the mean improvement is below them),
stoppingfunc (stop when it returns True), randseed (the seed; the batch's seed otherwise),
label, verbose. Unlike NetPyNE's, each candidate's probabilities and step sizes follow its
own steps and start from its own point (NetPyNE 1.1.1 updates every candidate with the last
candidate's direction and sizes every candidate's steps from the last one's start).

Writes NetPyNE's ``<label>_temp_output.json`` (``x``: every candidate's point per iteration,
``fvals``: its fitness) after each iteration and ``<label>_output.json`` (``x``, ``fval``,
``exitreason``, ``details``) at the end.
"""
from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic
from ..specs.dicts import to_plain
from .trials import Search

MAX_DRAWS = 100  # draws of a direction whose step changes the value, as NetPyNE


def descend(search: Search, seed, folder: Path) -> dict:
    """Run adaptive stochastic descent (options already checked).

    Parameters
    ----------
    search : trials.Search
        The runs and the record of the optimisation.
    seed : int or None
        The seed of the draws when optimCfg has no ``randseed``.
    folder : pathlib.Path
        The batch folder, for the output files.

    Returns
    -------
    dict
        NetPyNE's output: ``x``, ``fval``, ``exitreason`` and ``details``.
    """
    opts = search.options
    randseed = opts.get("randseed")
    rng = np.random.default_rng(seed if randseed is None else randseed)
    starts = _starts(search, rng)
    n = len(search.params)
    xmin = np.array(opts.get("xmin") or [p.values[0] for p in search.params], dtype=float)
    xmax = np.array(opts.get("xmax") or [p.values[1] for p in search.params], dtype=float)
    for i, x in enumerate(starts):
        outside = [p.name for p, v, lo, hi in zip(search.params, x, xmin, xmax)
                   if not lo <= v <= hi]
        if outside:
            warnings.warn(f"Batch.params: candidate {i} starts outside [min, max] for "
                          f"{', '.join(outside)}; it runs there (as in NetPyNE) and later "
                          "steps stay within the bounds", UserWarning, stacklevel=4)
    cands = [_Candidate(np.array(x, dtype=float), opts, n) for x in starts]
    stalliters = int(opts.get("stalliters") or 10 * n)
    maxiters, maxtime = int(opts.get("maxiters", 1000)), float(opts.get("maxtime") or 3600)
    abstol, reltol = float(opts.get("abstol", 1e-6)), float(opts.get("reltol", 1e-3))
    failed, stop = search.failed_score, opts.get("stoppingfunc")
    history = [[c.x.copy()] for c in cands]
    fits = _run(search, 0, [c.x for c in cands])
    for c, f in zip(cands, fits):
        c.fval = c.last = f
    fvals = [[f] for f in fits]
    start, count, reason = time.monotonic(), 0, "Unknown exit reason"
    while True:
        count += 1
        steps = [c.rerun() if c.last == failed else c.step(rng, xmin, xmax) for c in cands]
        fits = _run(search, count, [x for x, _ in steps])
        for c, (xnew, choice), f in zip(cands, steps, fits):
            c.update(xnew, choice, f, count % stalliters)
        for i, c in enumerate(cands):
            history[i].append(c.x.copy())
            fvals[i].append(c.fval)
        _save(folder / f"{search.label}_temp_output.json", {"x": history, "fvals": fvals})
        if count >= maxiters:
            reason = "Maximum iterations reached"
        elif time.monotonic() - start > maxtime:
            reason = f"Time limit reached ({time.monotonic() - start:.4g} > {maxtime:g})"
        elif count > stalliters and np.mean([np.mean(np.abs(c.abs_gain)) for c in cands]
                                            ) < abstol:
            reason = "Absolute improvement too small"
        elif count > stalliters and np.mean([np.sum(c.rel_gain) for c in cands]) < reltol:
            reason = "Relative improvement too small"
        elif stop is not None and stop():
            reason = "Stopping function called"
        elif search.done():
            reason = "maxtime or targetFitness reached"
        else:
            continue
        break
    search.say(f"ASD: {reason} (steps: {count})")
    output = {"x": [c.x for c in cands], "fval": [c.fval for c in cands], "exitreason": reason,
              "details": {"fvals": fvals, "xvals": history,
                          "probabilities": [c.probabilities for c in cands],
                          "stepsizes": [c.stepsizes for c in cands]}}
    _save(folder / f"{search.label}_output.json", output)
    return output


def _starts(search: Search, rng) -> list:
    """Each candidate's starting point: the parameters' third entries, or random draws."""
    given = [p.starts for p in search.params]
    if given[0]:
        return [list(x) for x in zip(*given)]
    return [[rng.uniform(p.values[0], p.values[1]) for p in search.params]
            for _ in range(int(search.options.get("popsize", 1)))]


def _run(search: Search, iteration: int, points) -> list[float]:
    return search.run_round([(f"{search.label}_gen_{iteration}_cand_{i}", x.tolist())
                             for i, x in enumerate(points)])


class _Candidate:
    """One point of the population with its own direction probabilities and step sizes."""

    def __init__(self, x, opts, n):
        self.x, self.n = x, n
        self.sinc, self.sdec = _rate(opts, "sinc"), _rate(opts, "sdec")
        self.pinc, self.pdec = _rate(opts, "pinc"), _rate(opts, "pdec")
        pinitial = opts.get("pinitial")
        self.probabilities = (np.ones(2 * n) if pinitial is None
                              else np.array(pinitial, dtype=float).ravel())
        sinitial = opts.get("sinitial")
        stepsize = float(opts.get("stepsize", 0.1))
        if sinitial is None:
            steps = np.abs(stepsize * x)
            self.stepsizes = np.concatenate((steps, steps))
        else:
            self.stepsizes = np.array(sinitial, dtype=float).ravel()
        if np.all(self.stepsizes == 0):
            self.stepsizes += stepsize
        if np.any(self.stepsizes == 0):
            self.stepsizes[self.stepsizes == 0] = np.mean(self.stepsizes[self.stepsizes != 0])
        stall = int(opts.get("stalliters") or 10 * n)
        self.abs_gain, self.rel_gain = np.zeros(stall), np.zeros(stall)
        self.fval = self.last = None

    def rerun(self):
        return self.x.copy(), None

    def step(self, rng, xmin, xmax):
        cumulative = np.cumsum(self.probabilities / self.probabilities.sum())
        for _ in range(MAX_DRAWS):
            choice = int(np.flatnonzero(cumulative > rng.random())[0])
            par, sign = choice % self.n, (-1) ** (choice // self.n)
            value = min(max(self.x[par] + sign * self.stepsizes[choice], xmin[par]), xmax[par])
            if value != self.x[par]:
                break
        else:  # no step changes the value: a failure of that direction
            self.probabilities[choice] /= self.pdec
            self.stepsizes[choice] /= self.sdec
        xnew = self.x.copy()
        xnew[par] = value
        return xnew, choice

    def update(self, xnew, choice, fnew, slot):
        self.last = fnew
        eps = 1e-12
        if abs(fnew) < eps and abs(self.fval) < eps:
            ratio = 1.0
        elif abs(fnew) < eps:
            ratio = 1.0 / eps
        else:
            ratio = self.fval / fnew
        self.abs_gain[slot] = max(0.0, self.fval - fnew)
        self.rel_gain[slot] = max(0.0, ratio - 1.0)
        if fnew < self.fval:
            if choice is not None:
                self.probabilities[choice] *= self.pinc
                self.stepsizes[choice] *= self.sinc
            self.x, self.fval = xnew.copy(), float(fnew)
        elif choice is not None:
            self.probabilities[choice] /= self.pdec
            self.stepsizes[choice] /= self.sdec


def _rate(opts, key) -> float:
    value = float(opts.get(key, 2))
    if value < 1:  # NetPyNE resets a learning rate below 1 to 2, and says so
        warnings.warn(f"Batch.optimCfg.{key}: {value:g} is below 1; 2 is used (as in NetPyNE)",
                      UserWarning, stacklevel=5)
        return 2.0
    return value


def _save(path: Path, data) -> None:
    write_bytes_atomic(path, json.dumps(to_plain(data), indent=1).encode())
