"""The functions a string function may call: math (elementwise numpy) and random draws.

Random draws follow NetPyNE's conventions: the names of NEURON's Random class take NEURON's
arguments (``normal(mean, variance)``, ``lognormal(mean, variance)`` of the draws themselves,
``negexp(mean)``), the names of Python's ``random`` module take that module's arguments
(``gauss(mu, sigma)``, ``expovariate(rate)``), ``gamma``/``beta`` take numpy's
(``gamma(shape, scale)``). tests/unit/test_expr.py checks each against its definition.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Function:
    name: str
    min_args: int
    max_args: int | None  # None: any number (min, max)
    apply: Callable


def _variadic(reduce):
    def apply(*args):
        out = args[0]
        for arg in args[1:]:
            out = reduce(out, arg)
        return out
    return apply


MATH = {f.name: f for f in (
    Function("exp", 1, 1, np.exp), Function("log", 1, 2, lambda x, base=None: np.log(x)
                                             if base is None else np.log(x) / np.log(base)),
    Function("log10", 1, 1, np.log10), Function("log2", 1, 1, np.log2),
    Function("sqrt", 1, 1, np.sqrt), Function("pow", 2, 2, np.power),
    Function("sin", 1, 1, np.sin), Function("cos", 1, 1, np.cos), Function("tan", 1, 1, np.tan),
    Function("asin", 1, 1, np.arcsin), Function("acos", 1, 1, np.arccos),
    Function("atan", 1, 1, np.arctan), Function("atan2", 2, 2, np.arctan2),
    Function("sinh", 1, 1, np.sinh), Function("cosh", 1, 1, np.cosh),
    Function("tanh", 1, 1, np.tanh), Function("hypot", 2, 2, np.hypot),
    Function("abs", 1, 1, np.abs), Function("fabs", 1, 1, np.abs),
    Function("floor", 1, 1, np.floor), Function("ceil", 1, 1, np.ceil),
    Function("round", 1, 1, np.round), Function("trunc", 1, 1, np.trunc),
    Function("min", 2, None, _variadic(np.minimum)), Function("max", 2, None, _variadic(np.maximum)),
    Function("degrees", 1, 1, np.degrees), Function("radians", 1, 1, np.radians),
)}

CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf}


# -- random draws: apply(generator, size, *params) -> array of `size` -----------------
def _lognormal_neuron(g, size, mean, variance):
    # NEURON's lognormal(mean, variance) gives the mean and variance of the draws themselves
    sigma2 = np.log1p(variance / np.square(mean))
    return g.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), size)


def _erlang(g, size, mean, variance):
    return g.gamma(np.square(mean) / variance, variance / mean, size)


def _vonmises(g, n, mu, kappa):
    # Python returns angles in [0, 2*pi); numpy's are centred on mu in [-pi, pi]
    return np.mod(g.vonmises(mu, kappa, n), 2 * np.pi)


RANDOM = {f.name: f for f in (
    # NEURON Random class (NetPyNE's default generator)
    Function("uniform", 2, 2, lambda g, n, a, b: g.uniform(a, b, n)),
    Function("normal", 2, 2, lambda g, n, mean, var: g.normal(mean, np.sqrt(var), n)),
    Function("lognormal", 2, 2, _lognormal_neuron),
    Function("negexp", 1, 1, lambda g, n, mean: g.exponential(mean, n)),
    Function("poisson", 1, 1, lambda g, n, mean: g.poisson(mean, n).astype(float)),
    Function("binomial", 2, 2, lambda g, n, trials, p: g.binomial(
        np.asarray(trials).astype(np.int64), p, n).astype(float)),
    Function("discunif", 2, 2, lambda g, n, low, high: g.integers(
        np.asarray(low).astype(np.int64), np.asarray(high).astype(np.int64), n,
        endpoint=True).astype(float)),
    Function("erlang", 2, 2, _erlang),
    # NEURON's geometric(a), 0 < a < 1: trials up to the first success, P(success) = 1 - a
    Function("geometric", 1, 1, lambda g, n, a: g.geometric(1 - np.asarray(a), n)
             .astype(float)),
    # NEURON's weibull(alpha, beta) is (beta * E)^(1/alpha) for E ~ Exp(1)
    Function("weibull", 2, 2, lambda g, n, alpha, beta: np.power(beta, 1 / np.asarray(alpha))
             * g.weibull(alpha, n)),
    # numpy's names
    Function("gamma", 2, 2, lambda g, n, shape, scale: g.gamma(shape, scale, n)),
    Function("beta", 2, 2, lambda g, n, a, b: g.beta(a, b, n)),
    # Python's random module
    Function("random", 0, 0, lambda g, n: g.random(n)),
    Function("gauss", 2, 2, lambda g, n, mu, sigma: g.normal(mu, sigma, n)),
    Function("normalvariate", 2, 2, lambda g, n, mu, sigma: g.normal(mu, sigma, n)),
    Function("lognormvariate", 2, 2, lambda g, n, mu, sigma: g.lognormal(mu, sigma, n)),
    Function("expovariate", 1, 1, lambda g, n, rate: g.exponential(1 / np.asarray(rate), n)),
    Function("gammavariate", 2, 2, lambda g, n, shape, scale: g.gamma(shape, scale, n)),
    Function("betavariate", 2, 2, lambda g, n, a, b: g.beta(a, b, n)),
    Function("vonmisesvariate", 2, 2, _vonmises),
    Function("paretovariate", 1, 1, lambda g, n, alpha: g.pareto(alpha, n) + 1),
    Function("weibullvariate", 2, 2, lambda g, n, scale, shape: scale * g.weibull(shape, n)),
    Function("triangular", 2, 3, lambda g, n, low, high, mode=None: g.triangular(
        low, (np.asarray(low) + high) / 2 if mode is None else mode, high, n)),
)}

