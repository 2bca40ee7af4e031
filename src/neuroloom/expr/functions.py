"""The functions a string function may call: math (elementwise numpy) and random draws.

Random draws follow NetPyNE's conventions: the names of NEURON's Random class take NEURON's
arguments (``normal(mean, variance)``, ``lognormal(mean, variance)`` of the draws themselves,
``negexp(mean)``), the names of Python's ``random`` module take that module's arguments
(``gauss(mu, sigma)``, ``expovariate(rate)``), ``gamma``/``beta`` take numpy's
(``gamma(shape, scale)``). tests/unit/test_expr.py checks each against its definition.

A draw's parameters are checked before drawing (``check_params``): every one finite, and
each distribution's own conditions (``Function.domain``: a variance >= 0, low <= high...),
so a bad parameter is a message naming the function rather than numpy's error.
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
    #: random draws: (*params) -> [(bad mask, what the parameters must be)]
    domain: Callable | None = None


class DrawDomainError(Exception):
    """A random draw's parameters are outside its distribution's domain at element
    ``index`` (expr.Expression.evaluate turns it into an ExpressionError)."""

    def __init__(self, message: str, index: int):
        super().__init__(message)
        self.message, self.index = message, index


#: numpy's integer draws (poisson, binomial, discunif) need parameters within int64
INT_LIMIT = 2.0 ** 62


def check_params(function: Function, params) -> None:
    """Raise DrawDomainError for the first element whose parameters ``function`` cannot
    draw from (``params``: arrays of one shape, one per argument)."""
    params = [np.asarray(p, dtype=np.float64) for p in params]
    rules = [(~np.isfinite(p), "its arguments must be finite") for p in params]
    if function.domain is not None:
        with np.errstate(invalid="ignore"):
            rules += function.domain(*params)
    for bad, what in rules:
        hits = np.flatnonzero(np.broadcast_to(bad, np.broadcast(*params).shape)
                              if params else bad)
        if len(hits):
            i = int(hits[0])
            args = ", ".join(f"{np.broadcast_to(p, np.broadcast(*params).shape).ravel()[i]:g}"
                             for p in params)
            raise DrawDomainError(f"draws {function.name}({args}): {what}", i)


def _needs(*conditions):
    """A domain from (argument index or a function of the arguments, test, message):
    ``_needs((1, ">=0", "the variance must be >= 0"))``."""
    tests = {">=0": lambda x: x < 0, ">0": lambda x: x <= 0,
             "[0,1]": lambda x: (x < 0) | (x > 1), "[0,1)": lambda x: (x < 0) | (x >= 1),
             "int": lambda x: np.abs(x) > INT_LIMIT}

    def domain(*args):
        out = []
        for which, test, message in conditions:
            x = which(*args) if callable(which) else args[which]
            out.append((tests[test](x), message))
        return out
    return domain


def _ordered(message):
    return (lambda a, b, *rest: b - a, ">=0", message)


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


_SIGMA = _needs((1, ">=0", "sigma must be >= 0"))

RANDOM = {f.name: f for f in (
    # NEURON Random class (NetPyNE's default generator)
    Function("uniform", 2, 2, lambda g, n, a, b: g.uniform(a, b, n),
             _needs((lambda a, b: np.where(np.isfinite(b - a), 0, -1), ">=0",
                     "high - low must be finite"))),
    Function("normal", 2, 2, lambda g, n, mean, var: g.normal(mean, np.sqrt(var), n),
             _needs((1, ">=0", "the variance must be >= 0"))),
    Function("lognormal", 2, 2, _lognormal_neuron,
             _needs((0, ">0", "the mean must be > 0"), (1, ">=0", "the variance must be >= 0"))),
    Function("negexp", 1, 1, lambda g, n, mean: g.exponential(mean, n),
             _needs((0, ">=0", "the mean must be >= 0"))),
    Function("poisson", 1, 1, lambda g, n, mean: g.poisson(mean, n).astype(float),
             _needs((0, ">=0", "the mean must be >= 0"),
                    (lambda m: m / 1e18, "[0,1]", "the mean must be at most 1e18"))),
    Function("binomial", 2, 2, lambda g, n, trials, p: g.binomial(
        np.asarray(trials).astype(np.int64), p, n).astype(float),
             _needs((0, ">=0", "the number of trials must be >= 0"),
                    (0, "int", "the number of trials must be at most 2**62"),
                    (1, "[0,1]", "the probability must be in [0, 1]"))),
    Function("discunif", 2, 2, lambda g, n, low, high: g.integers(
        np.asarray(low).astype(np.int64), np.asarray(high).astype(np.int64), n,
        endpoint=True).astype(float),
             _needs(_ordered("low must be <= high"), (0, "int", "low must be within 2**62"),
                    (1, "int", "high must be within 2**62"))),
    Function("erlang", 2, 2, _erlang,
             _needs((0, ">0", "the mean must be > 0"), (1, ">0", "the variance must be > 0"))),
    # NEURON's geometric(a), 0 < a < 1: trials up to the first success, P(success) = 1 - a
    Function("geometric", 1, 1, lambda g, n, a: g.geometric(1 - np.asarray(a), n)
             .astype(float), _needs((0, "[0,1)", "its argument must be in [0, 1)"))),
    # NEURON's weibull(alpha, beta) is (beta * E)^(1/alpha) for E ~ Exp(1)
    Function("weibull", 2, 2, lambda g, n, alpha, beta: np.power(beta, 1 / np.asarray(alpha))
             * g.weibull(alpha, n),
             _needs((0, ">0", "alpha must be > 0"), (1, ">=0", "beta must be >= 0"))),
    # numpy's names
    Function("gamma", 2, 2, lambda g, n, shape, scale: g.gamma(shape, scale, n),
             _needs((0, ">=0", "the shape must be >= 0"), (1, ">=0", "the scale must be >= 0"))),
    Function("beta", 2, 2, lambda g, n, a, b: g.beta(a, b, n),
             _needs((0, ">0", "a must be > 0"), (1, ">0", "b must be > 0"))),
    # Python's random module
    Function("random", 0, 0, lambda g, n: g.random(n)),
    Function("gauss", 2, 2, lambda g, n, mu, sigma: g.normal(mu, sigma, n), _SIGMA),
    Function("normalvariate", 2, 2, lambda g, n, mu, sigma: g.normal(mu, sigma, n), _SIGMA),
    Function("lognormvariate", 2, 2, lambda g, n, mu, sigma: g.lognormal(mu, sigma, n),
             _SIGMA),
    Function("expovariate", 1, 1, lambda g, n, rate: g.exponential(1 / np.asarray(rate), n),
             _needs((0, ">0", "the rate must be > 0"))),
    Function("gammavariate", 2, 2, lambda g, n, shape, scale: g.gamma(shape, scale, n),
             _needs((0, ">0", "the shape must be > 0"), (1, ">0", "the scale must be > 0"))),
    Function("betavariate", 2, 2, lambda g, n, a, b: g.beta(a, b, n),
             _needs((0, ">0", "alpha must be > 0"), (1, ">0", "beta must be > 0"))),
    Function("vonmisesvariate", 2, 2, _vonmises, _needs((1, ">=0", "kappa must be >= 0"))),
    Function("paretovariate", 1, 1, lambda g, n, alpha: g.pareto(alpha, n) + 1,
             _needs((0, ">0", "alpha must be > 0"))),
    Function("weibullvariate", 2, 2, lambda g, n, scale, shape: scale * g.weibull(shape, n),
             _needs((1, ">0", "the shape must be > 0"))),
    Function("triangular", 2, 3, lambda g, n, low, high, mode=None: g.triangular(
        low, (np.asarray(low) + high) / 2 if mode is None else mode, high, n),
             _needs((lambda low, high, *mode: high - low, ">0", "low must be < high"),
                    (lambda low, high, *mode: (mode[0] - low) / (high - low) if mode
                     else 0.5, "[0,1]", "mode must be within [low, high]"))),
)}

