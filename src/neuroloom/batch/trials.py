"""What every optimisation method shares: running a round of candidates through the batch's
executor, scoring each run with the user's fitness function, and the record of trials.

A candidate is (run label, values in the order of the parameters). A round's runs go to the
executor together (they run in parallel); a run that fails, or that is stopped after
``maxiter_wait`` x ``time_sleep`` seconds (NetPyNE starts a round's runs together, polls
``time_sleep`` seconds apart ``maxiter_wait`` times, then scores those still going as failed
and ends them: the time a run may take), scores the failure fitness (``defaultFitness``
for 'evol', ``maxFitness`` for the others). A candidate equal to one that already ran
successfully is scored from that run instead of running again. Every trial is kept in
``<label>_trials.json``, rewritten after each round.
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..errors import BatchError
from ..specs.dicts import to_plain


class Search:
    """The runs and trials of one optimisation.

    Parameters
    ----------
    params : list of params.Param
        The parameters searched, in order.
    options : dict
        The method's options (evolCfg or optimCfg), already checked.
    evaluate : callable
        ``evaluate([(label, {param label: value})], time_limit)`` runs the candidates and
        returns ``[(RunResult, simData or None)]``.
    say : callable
        Prints a progress line.
    label : str
        The batch label.
    trials_file : pathlib.Path
        Where the trials are recorded.
    maximize : bool
        Whether a higher fitness is better.
    failed_score : float
        The fitness of a run that failed or ran out of time.
    summary : callable, optional
        ``summary(simData)`` -> list of numbers recorded with each trial (sbi's summary
        statistics).
    """

    def __init__(self, params, options, evaluate, say, label: str, trials_file: Path,
                 maximize: bool, failed_score: float, summary=None):
        self.params, self.options, self.evaluate, self.say = params, options, evaluate, say
        self.label, self.trials_file = label, trials_file
        self.maximize, self.failed_score, self.summary = maximize, failed_score, summary
        self.target = options.get("targetFitness")
        self.deadline = time.monotonic() + float(options.get("maxtime") or math.inf)
        wait, sleep = options.get("maxiter_wait"), options.get("time_sleep")
        # the time a run may take, as NetPyNE's polling gives it
        self.run_limit = (float(wait) * float(sleep) if wait is not None
                            and sleep is not None else None)
        self.trials, self.results = [], []
        self.known = {}  # values -> (label of the run, fitness, ok, summary)

    def run_round(self, candidates: list[tuple[str, list]]) -> list[float]:
        """The fitness of each (label, values) candidate, running those not run before.

        Parameters
        ----------
        candidates : list of (str, list)
            Run label and values (in the order of the parameters) of each candidate.

        Returns
        -------
        list of float
            The fitness of each candidate, in order.
        """
        fresh = {}
        for label, values in candidates:
            done = self.known.get(tuple(values))
            if (done is None or not done[2]) and tuple(values) not in fresh:
                fresh[tuple(values)] = label  # a failed run is tried again
        named = [(label, {p.label: v for p, v in zip(self.params, values)})
                 for values, label in fresh.items()]
        outcomes = self.evaluate(named, self.run_limit) if named else []
        for (values, label), (result, data) in zip(fresh.items(), outcomes):
            score, stats = self.failed_score, None
            if data is not None:
                try:
                    score = float(self.options["fitnessFunc"](
                        data, **self.options.get("fitnessFuncArgs", {})))
                    if self.summary is not None:
                        stats = [float(s) for s in self.summary(data)]
                except Exception as error:  # the user's function: say which run it failed on
                    raise BatchError(f"the fitness or summary function failed on run {label}'s "
                                     f"simData: {type(error).__name__}: {error}") from error
            self.results.append(result)
            self.known[values] = (label, score, result.ok and data is not None, stats)
        failed = [r for r, _ in outcomes if not r.ok]
        if failed:  # scored as failures: say why, or the user sees only the fitness
            lines = failed[0].message.strip().splitlines()
            self.say(f"{len(failed)} of {len(outcomes)} runs failed (fitness "
                     f"{self.failed_score:g}); {failed[0].label}: {lines[0] if lines else ''}"
                     + (f" ... {lines[-1]}" if len(lines) > 1 else ""))
        scores = []
        for label, values in candidates:
            ran, score, ok, stats = self.known[tuple(values)]
            scores.append(score)
            trial = {"label": label, "params": {p.name: v for p, v in zip(self.params, values)},
                     "fitness": score, "ok": ok}
            if stats is not None:
                trial["summaryStats"] = stats
            self.trials.append(trial if ran == label else {**trial, "sameAs": ran})
        self._save()
        best = self.best()
        self.say(f"{len(self.trials)} trials, best fitness {best['fitness']:.4g} "
                 f"({best['label']})")
        return scores

    def outcome_of(self, values) -> tuple:
        """(fitness, ok, summary statistics) of values that ran."""
        _, score, ok, stats = self.known[tuple(values)]
        return score, ok, stats

    def better(self, a: float, b: float) -> bool:
        """Whether fitness ``a`` is better than ``b``."""
        return a > b if self.maximize else a < b

    def best(self):
        """The best trial so far ({'label', 'params', 'fitness', ...}), or None."""
        if not self.trials:
            return None
        pick = max if self.maximize else min
        return pick(self.trials, key=lambda t: t["fitness"])

    def done(self) -> bool:
        """Whether ``maxtime`` has passed or ``targetFitness`` is reached."""
        if time.monotonic() > self.deadline:
            return True
        best = self.best()
        if self.target is None or best is None:
            return False
        return best["fitness"] >= self.target if self.maximize else best["fitness"] <= self.target

    def _save(self) -> None:
        write_bytes_atomic(self.trials_file, json.dumps(to_plain(self.trials), indent=1).encode())
