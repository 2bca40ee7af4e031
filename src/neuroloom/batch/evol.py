"""Method 'evol': evolutionary optimisation of the parameters within their [min, max].

``evolCfg['evolAlgorithm']``:

'custom'   NetPyNE's own algorithm (Krichmar's parameters, built on inspyred in NetPyNE):
           generation 0 is ``pop_size`` candidates drawn uniformly in the bounds; each later
           generation selects ``num_selected`` (default pop_size) parents by tournaments of
           ``tournament_size`` (2), crosses consecutive pairs uniformly (rate
           ``crossover_rate``, 1.0; each gene swapped with probability ``ux_bias``, 0.5; an odd
           last parent is dropped), then moves every gene of every child towards a bound
           (``c + (hi - c)(1 - r**s)`` or ``c - (c - lo)(1 - r**s)``, each with probability
           1/2, s = ``mutation_strength``, 1). The children replace the population, except
           that the ``num_elites`` best of it stay when they are better. ``max_generations``
           generations follow generation 0. As in NetPyNE, ``mutation_rate`` and ``crossover``
           do not act in this algorithm (a warning says so).
(absent)   neuroloom's real-coded genetic algorithm: elites kept, the rest bred by
           tournament, blend crossover (probability ``crossover``) and Gaussian mutation
           (probability ``mutation_rate`` per gene); ``max_generations`` generations in all.

NetPyNE's other inspyred algorithms ('genetic', 'evolutionStrategy', 'simulatedAnnealing',
'diffEvolution', 'estimationDist', 'particleSwarm', 'antColony') are refused with a message.
Both algorithms write NetPyNE's ``<label>_stats.csv`` (worst, best, median, average and
standard deviation of each generation's population) and ``<label>_stats_indiv.csv`` (each
individual of it, best first).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic
from .trials import Search

#: NetPyNE's evolAlgorithm values, inspyred's algorithms, that neuroloom does not implement
NOT_IMPLEMENTED = ("genetic", "evolutionStrategy", "simulatedAnnealing", "diffEvolution",
                   "estimationDist", "particleSwarm", "antColony")
#: options only neuroloom's default algorithm reads (NetPyNE's 'custom' ignores them)
DEFAULT_ONLY = ("mutation_rate", "crossover")


def evolve(search: Search, seed, folder: Path) -> None:
    """Run the algorithm ``search.options['evolAlgorithm']`` names (options already checked).

    Parameters
    ----------
    search : trials.Search
        The runs and the record of the optimisation.
    seed : int or None
        The seed of the algorithm's draws (the batch's seed).
    folder : pathlib.Path
        The batch folder, for the statistics files.
    """
    stats = _Stats(folder, search.label, search.maximize)
    if search.options.get("evolAlgorithm") == "custom":
        given = [k for k in DEFAULT_ONLY if k in search.options]
        if given:
            warnings.warn(f"Batch.evolCfg: {', '.join(given)} do not act with evolAlgorithm "
                          "'custom' (as in NetPyNE: every child is crossed and mutated; "
                          "crossover_rate, ux_bias and mutation_strength tune it)", UserWarning,
                          stacklevel=4)
        _custom(search, np.random.default_rng(seed), stats)
    else:
        _blend_ga(search, np.random.default_rng(seed), stats)


def _bounds(search):
    return (np.array([p.values[0] for p in search.params], dtype=float),
            np.array([p.values[1] for p in search.params], dtype=float))


def _custom(search: Search, rng, stats) -> None:
    options = search.options
    low, high = _bounds(search)
    size = int(options.get("pop_size", 100))
    elites = int(options.get("num_elites", 0))
    selected = int(options.get("num_selected", size))
    tournament = int(options.get("tournament_size", 2))
    rate, bias = float(options.get("crossover_rate", 1.0)), float(options.get("ux_bias", 0.5))
    strength = float(options.get("mutation_strength", 1.0))
    label = search.label
    genes = rng.uniform(low, high, size=(size, len(low)))
    scores = search.run_round([(f"{label}_gen_0_cand_{c}", genes[c].tolist())
                               for c in range(size)])
    population = _ranked(search, list(zip(map(tuple, genes.tolist()), scores)))
    stats.write(0, population)
    for generation in range(1, int(options.get("max_generations", 1)) + 1):
        if search.done():
            return
        parents = []
        for _ in range(selected):
            picks = rng.choice(len(population), size=min(tournament, len(population)),
                               replace=False)
            parents.append(min(picks))  # the population is ranked best first
        children = _uniform_crossover([list(population[i][0]) for i in parents], rng, rate,
                                      bias)
        children = [_towards_bounds(child, rng, low, high, strength) for child in children]
        scores = search.run_round([(f"{label}_gen_{generation}_cand_{c}", child)
                                   for c, child in enumerate(children)])
        offspring = list(zip(map(tuple, children), scores)) + population[:elites]
        population = _ranked(search, offspring)[:len(population)]
        stats.write(generation, population)


def _ranked(search, individuals):
    """Best first (a stable sort: equal fitness keeps the order given)."""
    return sorted(individuals, key=lambda ind: -ind[1] if search.maximize else ind[1])


def _uniform_crossover(parents, rng, rate, bias):
    if len(parents) % 2:
        parents = parents[:-1]
    children = []
    for mom, dad in zip(parents[::2], parents[1::2]):
        if rng.random() < rate:
            bro, sis = list(dad), list(mom)
            for i, (m, d) in enumerate(zip(mom, dad)):
                if rng.random() < bias:
                    bro[i], sis[i] = m, d
            children += [bro, sis]
        else:
            children += [list(mom), list(dad)]
    return children


def _towards_bounds(child, rng, low, high, strength):
    out = []
    for c, lo, hi in zip(child, low, high):
        if rng.random() <= 0.5:
            out.append(float(c + (hi - c) * (1.0 - rng.random() ** strength)))
        else:
            out.append(float(c - (c - lo) * (1.0 - rng.random() ** strength)))
    return out


def _blend_ga(search: Search, rng, stats) -> None:
    options = search.options
    low, high = _bounds(search)
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
        stats.write(generation, _ranked(search, list(zip(map(tuple, population.tolist()),
                                                         scores.tolist()))))
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


class _Stats:
    """NetPyNE's statistics files, one line per generation and per individual."""

    def __init__(self, folder: Path, label: str, maximize: bool):
        self.summary = folder / f"{label}_stats.csv"
        self.individuals = folder / f"{label}_stats_indiv.csv"
        self.maximize = maximize
        self.lines = ["#gen  pop-size  worst  best  median  average  std-deviation"]
        self.indiv = ["#gen  #ind  fitness  [candidate]"]

    def write(self, generation: int, ranked) -> None:
        fitness = np.array([f for _, f in ranked], dtype=float)
        worst, best = (fitness.min(), fitness.max()) if self.maximize else (
            fitness.max(), fitness.min())
        self.lines.append(", ".join(str(v) for v in (
            generation, len(fitness), float(worst), float(best), float(np.median(fitness)),
            float(fitness.mean()), float(fitness.std()))))
        for i, (genes, f) in enumerate(ranked):
            self.indiv.append(f"{generation}, {i}, {float(f)}, {[float(g) for g in genes]}")
        write_bytes_atomic(self.summary, ("\n".join(self.lines) + "\n").encode())
        write_bytes_atomic(self.individuals, ("\n".join(self.indiv) + "\n").encode())
