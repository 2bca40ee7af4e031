"""Optimisation beyond grids, each method minimising a user fitness function of each run's
simData (unless told to maximise): 'optuna' (Optuna's TPE sampler), 'evol' (evolutionary,
evol.py), 'asd' (adaptive stochastic descent, asd.py) and 'sbi' (simulation-based
inference, sbi.py).

    b.params = {'connWeight': [0.001, 0.1]}          # a range [min, max] per parameter
    b.method = 'optuna'
    b.optimCfg = {'fitnessFunc': f, 'fitnessFuncArgs': {...}, 'maxiters': 20}

``fitnessFunc(simData, **fitnessFuncArgs)`` returns a number. Candidates of one round run in
parallel through the batch's executor (trials.py). Run names: ``<label>_trial_<n>`` (optuna,
sbi) and ``<label>_gen_<g>_cand_<c>`` (evol, asd). Same seed, same trials: with ``skip`` a
rerun reads the finished runs instead of redoing them.

The option names are NetPyNE's. ``maxiter_wait`` and ``time_sleep`` are how often and how
long NetPyNE polls for a round's results; their product is the round's time limit here too.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import SpecError
from ..suggest import hint
from . import asd, evol, sbi
from .params import Param
from .runner import BatchOutcome
from .trials import Search

_COMMON = ("fitnessFunc", "fitnessFuncArgs", "maxtime", "targetFitness", "maxiter_wait",
           "time_sleep")
OPTIONS = {
    "optuna": _COMMON + ("maxFitness", "maxiters", "popsize", "direction"),
    "evol": _COMMON + ("defaultFitness", "pop_size", "num_elites", "mutation_rate",
                       "crossover", "maximize", "max_generations", "evolAlgorithm",
                       "tournament_size", "num_selected", "crossover_rate", "ux_bias",
                       "mutation_strength"),
    "asd": _COMMON + ("maxFitness", "maxiters", "popsize", "stepsize", "sinc", "sdec", "pinc",
                      "pdec", "pinitial", "sinitial", "xmin", "xmax", "abstol", "reltol",
                      "stalliters", "stoppingfunc", "randseed", "verbose", "label"),
    "sbi": _COMMON + ("maxFitness", "maxiters", "summaryStats", "summaryStatisticArg",
                      "summaryStatisticLength", "summaryStatisticObserved", "sbi_method",
                      "inference_type", "rounds"),
}
CHOICES = {("optuna", "direction"): ("minimize", "maximize"),
           ("sbi", "sbi_method"): tuple(sbi.METHODS),
           ("sbi", "inference_type"): ("single", "multi")}
#: optional packages each method needs: (import name, what to install)
NEEDS = {"optuna": (("optuna", "optuna"),),
         "sbi": (("torch", "torch (PyTorch)"), ("sbi", "sbi"))}


def where(method: str) -> str:
    """The Batch attribute that holds ``method``'s options.

    Parameters
    ----------
    method : str
        An optimisation method.

    Returns
    -------
    str
        'evolCfg' for 'evol', 'optimCfg' for the others.
    """
    return "evolCfg" if method == "evol" else "optimCfg"


def parse_ranges(params, method: str) -> list[Param]:
    """{label: [min, max]} (and, for 'asd', ``[min, max, [starts]]``): the range of each
    parameter.

    Parameters
    ----------
    params : dict or list
        The Batch's params: {label: range} or NetPyNE's list of {'label', 'values'}.
    method : str
        The optimisation method.

    Returns
    -------
    list of params.Param
        One per parameter, ``values`` = (min, max) and, for asd, ``starts``.

    Raises
    ------
    SpecError
        A range that is not [min, max] with min <= max (min < max for 'sbi', whose prior
        needs a width), or starting points of different counts.
    """
    if isinstance(params, Sequence) and not isinstance(params, str):
        params = {(tuple(p["label"]) if isinstance(p["label"], list) else p["label"]):
                  p["values"] for p in params if isinstance(p, Mapping)}
    if not isinstance(params, Mapping) or not params:
        raise SpecError("Batch.params: {parameter: [min, max]} for an optimisation")
    out = []
    for label, bounds in params.items():
        label = tuple(label) if isinstance(label, list) else label
        name = ".".join(map(str, label)) if isinstance(label, tuple) else label
        starts = ()
        if (method == "asd" and isinstance(bounds, Sequence) and len(bounds) == 3
                and isinstance(bounds[2], Sequence)):
            starts, bounds = tuple(float(s) for s in bounds[2]), bounds[:2]
        strict = method == "sbi"
        if (not isinstance(bounds, Sequence) or len(bounds) != 2
                or not all(isinstance(b, (int, float)) for b in bounds)
                or not (bounds[0] < bounds[1] if strict else bounds[0] <= bounds[1])):
            shape = "[min, max] with min < max" + ("" if strict else " (or min = max: fixed)")
            extra = " or [min, max, [starting values]]" if method == "asd" else ""
            raise SpecError(f"Batch.params[{name!r}]: {shape}{extra}, not {bounds!r}")
        out.append(Param(label, (float(bounds[0]), float(bounds[1])), starts=starts))
    counts = {len(p.starts) for p in out}
    if len(counts) > 1:
        raise SpecError("Batch.params: every parameter needs as many starting values (the "
                        f"third entry): {', '.join(f'{p.name}: {len(p.starts)}' for p in out)}")
    return out


def check(method: str, options: dict) -> None:
    """The optimisation options, before anything runs or is written.

    Parameters
    ----------
    method : str
        'optuna', 'evol', 'asd' or 'sbi'.
    options : dict
        evolCfg or optimCfg.

    Raises
    ------
    SpecError
        An option the method does not know (with the closest name), a fitness function that
        is not callable, a value not among the choices, or a package the method needs that is
        not installed.
    """
    known, at = OPTIONS[method], where(method)
    for key in options:
        if key not in known:
            raise SpecError(f"Batch.{at}.{key}: not an option; {hint(key, known)}")
    if not callable(options.get("fitnessFunc")):
        raise SpecError(f"Batch.{at}.fitnessFunc: a function fitness(simData, **args)")
    for (m, key), choices in CHOICES.items():
        if m == method and key in options and options[key] not in choices:
            raise SpecError(f"Batch.{at}.{key}: {options[key]!r} is not one of {choices}; "
                            f"{hint(str(options[key]), choices)}")
    algorithm = options.get("evolAlgorithm")
    if method == "evol" and algorithm is not None and algorithm != "custom":
        if algorithm in evol.NOT_IMPLEMENTED:
            raise SpecError(f"Batch.evolCfg.evolAlgorithm: {algorithm!r} (one of NetPyNE's "
                            "inspyred algorithms) is not implemented; 'custom' (NetPyNE's own) "
                            "is, and leaving evolAlgorithm out gives neuroloom's genetic "
                            "algorithm")
        raise SpecError(f"Batch.evolCfg.evolAlgorithm: {algorithm!r} is not an algorithm; "
                        f"{hint(str(algorithm), ('custom', *evol.NOT_IMPLEMENTED))}")
    if method == "sbi" and not callable(options.get("summaryStats")):
        raise SpecError("Batch.optimCfg.summaryStats: a function summaryStats(simData, "
                        "**summaryStatisticArg) returning a list of numbers")
    missing = [what for module, what in NEEDS.get(method, ())
               if importlib.util.find_spec(module) is None]
    if missing:
        raise SpecError(f"Batch.method {method!r} needs {' and '.join(missing)}, not installed "
                        f"here: pip install {' '.join(m for m, _ in NEEDS[method])}")


def optimise(method, params, options, evaluate, seed, say, label: str,
             folder: Path) -> BatchOutcome:
    """Search ``params`` with ``method`` (options already checked).

    Parameters
    ----------
    method : str
        'optuna', 'evol', 'asd' or 'sbi'.
    params : list of params.Param
        The parameters and their ranges.
    options : dict
        The method's options.
    evaluate : callable
        Runs [(run label, {param: value})] within a time limit (seconds or None) and
        returns [(RunResult, simData or None)].
    seed : int or None
        The seed of the method's draws.
    say : callable
        Prints a progress line.
    label : str
        The batch label.
    folder : pathlib.Path
        The batch folder: ``<label>_trials.json`` and the method's own files go there.

    Returns
    -------
    runner.BatchOutcome
        Every run, every trial and the best.
    """
    failed = float(options.get("defaultFitness" if method == "evol" else "maxFitness", 1000.0))
    maximize = (bool(options.get("maximize", False)) if method == "evol"
                else options.get("direction") == "maximize")
    summary = None
    if method == "sbi":
        def summary(data):
            return options["summaryStats"](data, **options.get("summaryStatisticArg", {}))
    search = Search(params, options, evaluate, say, label, folder / f"{label}_trials.json",
                    maximize, failed, summary)
    if method == "optuna":
        _optuna(search, seed)
    elif method == "evol":
        evol.evolve(search, seed, folder)
    elif method == "asd":
        asd.descend(search, seed, folder)
    else:
        sbi.infer(search, seed, folder)
    return BatchOutcome(runs=search.results, best=search.best(), trials=search.trials)


def _optuna(search: Search, seed) -> None:
    import optuna  # optional (neuroloom[optuna]), checked when the batch is planned

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize" if search.maximize else "minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    label = search.label
    total, per_round = int(search.options.get("maxiters", 1000)), int(
        search.options.get("popsize", 1))
    while len(search.trials) < total and not search.done():
        asked = [study.ask() for _ in range(min(per_round, total - len(search.trials)))]
        candidates = [(f"{label}_trial_{trial.number}",
                       [trial.suggest_float(p.name, *p.values) for p in search.params])
                      for trial in asked]
        for trial, score in zip(asked, search.run_round(candidates)):
            study.tell(trial, score)
