"""Optimisation beyond grids: method 'optuna' (Optuna's TPE sampler) and 'evol' (a real-coded
genetic algorithm), both minimising a user fitness function of each run's simData unless
evolCfg['maximize'] says otherwise.

    b.params = {'connWeight': [0.001, 0.1]}          # a range [min, max] per parameter
    b.method = 'optuna'
    b.optimCfg = {'fitnessFunc': f, 'fitnessFuncArgs': {...}, 'maxiters': 20, 'popsize': 2}

``fitnessFunc(simData, **fitnessFuncArgs)`` returns a number. Candidates of one round run in
parallel through the batch's executor; a failed run scores ``maxFitness`` (optuna) or
``defaultFitness`` (evol). Run names: ``<label>_trial_<n>`` and ``<label>_gen_<g>_cand_<c>``.
Every trial is kept in ``<label>_trials.json``, rewritten after each round. Same seed, same
trials: with ``skip`` a rerun reads the finished runs instead of redoing them.
"""
from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic
from ..errors import SpecError
from ..specs.dicts import to_plain
from ..suggest import hint
from .params import Param
from .runner import BatchOutcome

OPTUNA_OPTIONS = ("fitnessFunc", "fitnessFuncArgs", "maxFitness", "maxiters", "maxtime",
                  "popsize", "targetFitness", "maxiter_wait", "time_sleep")
EVOL_OPTIONS = ("fitnessFunc", "fitnessFuncArgs", "defaultFitness", "pop_size", "num_elites",
                "mutation_rate", "crossover", "maximize", "max_generations", "maxtime",
                "targetFitness", "evolAlgorithm", "maxiter_wait", "time_sleep")
# maxiter_wait and time_sleep tell NetPyNE how to poll for results; runs here are awaited


def parse_ranges(params) -> list[Param]:
    """{label: [min, max]}: the range each parameter is searched in."""
    if not isinstance(params, Mapping) or not params:
        raise SpecError("Batch.params: {parameter: [min, max]} for an optimisation")
    out = []
    for label, bounds in params.items():
        label = tuple(label) if isinstance(label, list) else label
        name = ".".join(map(str, label)) if isinstance(label, tuple) else label
        if (not isinstance(bounds, Sequence) or len(bounds) != 2
                or not all(isinstance(b, (int, float)) for b in bounds)
                or not bounds[0] < bounds[1]):
            raise SpecError(f"Batch.params[{name!r}]: [min, max] with min < max, not {bounds!r}")
        out.append(Param(label, (float(bounds[0]), float(bounds[1]))))
    return out


def check(method: str, options: dict) -> None:
    """The optimisation options, before anything runs or is written."""
    known = OPTUNA_OPTIONS if method == "optuna" else EVOL_OPTIONS
    where = "optimCfg" if method == "optuna" else "evolCfg"
    for key in options:
        if key not in known:
            raise SpecError(f"Batch.{where}.{key}: not an option; {hint(key, known)}")
    if not callable(options.get("fitnessFunc")):
        raise SpecError(f"Batch.{where}.fitnessFunc: a function fitness(simData, **args)")
    if method == "evol" and options.get("evolAlgorithm", "custom") != "custom":
        raise SpecError("Batch.evolCfg.evolAlgorithm: only 'custom' (neuroloom's genetic "
                        "algorithm) is offered")
    if method == "optuna":
        try:
            import optuna  # noqa: F401 - optional: is it installed?
        except ImportError:
            raise SpecError("Batch.method 'optuna' needs Optuna: pip install optuna "
                            "(or neuroloom[optuna])") from None


def optimise(method, params, options, evaluate, seed, say, label: str, trials_file: Path):
    """Search ``params`` with ``method`` (options already checked); ``evaluate`` runs
    [(run label, {param: value})] and returns [(RunResult, simData or None)]."""
    search = _Search(params, options, evaluate, say, label, trials_file)
    if method == "optuna":
        _optuna(search, seed)
    else:
        _evol(search, seed)
    return BatchOutcome(runs=search.results, best=search.best(), trials=search.trials)


class _Search:
    """What both methods share: running a round of candidates, scoring them, the record."""

    def __init__(self, params, options, evaluate, say, label, trials_file):
        self.params, self.options, self.evaluate, self.say = params, options, evaluate, say
        self.label, self.trials_file = label, trials_file
        self.maximize = bool(options.get("maximize", False))
        self.failed_score = float(options.get("maxFitness", options.get("defaultFitness",
                                                                        1000.0)))
        self.target = options.get("targetFitness")
        self.deadline = time.monotonic() + float(options.get("maxtime", math.inf))
        self.trials, self.results = [], []
        self.known = {}  # values -> (label of the run, fitness, ok)

    def run_round(self, candidates: list[tuple[str, list]]) -> list[float]:
        """Run (label, values in params' order) candidates; their fitness. A candidate equal
        to an earlier one (a GA copies parents) is scored from that run, not run again."""
        fresh = {}
        for label, values in candidates:
            if tuple(values) not in self.known and tuple(values) not in fresh:
                fresh[tuple(values)] = label
        named = [(label, {p.label: v for p, v in zip(self.params, values)})
                 for values, label in fresh.items()]
        for (values, label), (result, data) in zip(fresh.items(), self.evaluate(named)):
            score = self.failed_score
            if data is not None:
                score = float(self.options["fitnessFunc"](
                    data, **self.options.get("fitnessFuncArgs", {})))
            self.results.append(result)
            self.known[values] = (label, score, result.ok)
        scores = []
        for label, values in candidates:
            ran, score, ok = self.known[tuple(values)]
            scores.append(score)
            trial = {"label": label, "params": {p.name: v for p, v in zip(self.params, values)},
                     "fitness": score, "ok": ok}
            self.trials.append(trial if ran == label else {**trial, "sameAs": ran})
        self._save()
        best = self.best()
        self.say(f"{len(self.trials)} trials, best fitness {best['fitness']:.4g} "
                 f"({best['label']})")
        return scores

    def best(self):
        if not self.trials:
            return None
        pick = max if self.maximize else min
        return pick(self.trials, key=lambda t: t["fitness"])

    def done(self) -> bool:
        if time.monotonic() > self.deadline:
            return True
        best = self.best()
        if self.target is None or best is None:
            return False
        return best["fitness"] >= self.target if self.maximize else best["fitness"] <= self.target

    def _save(self) -> None:
        write_bytes_atomic(self.trials_file, json.dumps(to_plain(self.trials), indent=1).encode())


def _optuna(search: _Search, seed) -> None:
    import optuna  # optional (neuroloom[optuna]), checked when the batch is planned

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize" if search.maximize else "minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    label = search.label
    total, per_round = int(search.options.get("maxiters", 20)), int(
        search.options.get("popsize", 1))
    while len(search.trials) < total and not search.done():
        asked = [study.ask() for _ in range(min(per_round, total - len(search.trials)))]
        candidates = [(f"{label}_trial_{trial.number}",
                       [trial.suggest_float(p.name, *p.values) for p in search.params])
                      for trial in asked]
        for trial, score in zip(asked, search.run_round(candidates)):
            study.tell(trial, score)


def _evol(search: _Search, seed) -> None:
    options = search.options
    rng = np.random.default_rng(seed)
    low = np.array([p.values[0] for p in search.params])
    high = np.array([p.values[1] for p in search.params])
    size = int(options.get("pop_size", 10))
    elites = min(int(options.get("num_elites", 1)), size - 1)
    mutation, crossover = float(options.get("mutation_rate", 0.2)), float(
        options.get("crossover", 0.5))
    label = search.label
    population = rng.uniform(low, high, size=(size, len(low)))
    scores = None
    for generation in range(int(options.get("max_generations", 10))):
        fresh = range(size) if scores is None else range(elites, size)
        round_scores = search.run_round(
            [(f"{label}_gen_{generation}_cand_{c}", population[c].tolist()) for c in fresh])
        scores = np.array(round_scores if len(fresh) == size
                          else list(scores[:elites]) + round_scores)
        if search.done():
            return
        population, scores = _next_generation(population, scores, rng, low, high, elites,
                                               mutation, crossover, search.maximize)


def _next_generation(population, scores, rng, low, high, elites, mutation, crossover,
                     maximize):
    """Elites kept (with their scores), the rest bred by tournament, blend crossover and
    Gaussian mutation within the bounds."""
    order = np.argsort(-scores if maximize else scores, kind="stable")
    population, scores = population[order], scores[order]
    size, genes = population.shape
    better = (lambda a, b: a > b) if maximize else (lambda a, b: a < b)

    def parent():
        a, b = rng.integers(size, size=2)
        return population[a] if better(scores[a], scores[b]) else population[b]

    children = [population[i].copy() for i in range(elites)]
    while len(children) < size:
        child = parent().copy()
        if rng.random() < crossover:
            other = parent()
            mix = rng.uniform(-0.25, 1.25, size=genes)  # BLX-0.25 blend
            child = child + mix * (other - child)
        mutate = rng.random(genes) < mutation
        child[mutate] += rng.normal(0.0, 0.1 * (high - low))[mutate]
        children.append(np.clip(child, low, high))
    return np.array(children), scores
