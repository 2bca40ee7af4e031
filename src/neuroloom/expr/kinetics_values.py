"""Values of RxD strings checked before NEURON sees them.

An initial value is evaluated by rxd, node by node, inside NEURON: an error there surfaces
as NEURON's "Python Callback failed", and a non-finite or negative concentration runs on
silently. The engine evaluates each initial value at every node itself first
(``initial_value``), and every rate at the initial state (``rate_at``), so such a string is
an ExpressionError naming its path, its text and the node.
"""
from __future__ import annotations

from ..errors import ExpressionError, NeuroloomError, Problem
from .bounds import Bounds, describe_value
from .kinetics import FUNCTIONS, evaluate

_ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
               "/": lambda a, b: a / b, "**": lambda a, b: a ** b}


class Unknown(Exception):
    """A rate reads a species whose initial value is not known before the run."""


def _error(where, text, message) -> ExpressionError:
    return ExpressionError(Problem(where, f"{text!r} {message}", in_expression=True))


def _judge(value, where, text, at, bounds: Bounds) -> float:
    problem = bounds.problem(value)
    if problem is not None:
        raise _error(where, text, f"gives {describe_value(value)} at {at} ({problem})")
    return value


def initial_value(tree, node, where: str, text: str, at: str,
                  bounds: Bounds = Bounds()) -> float:
    """An INITIAL tree's value at ``node`` (see kinetics.evaluate), finite and within
    ``bounds``; ``at`` names the node in an error."""
    try:
        value = float(evaluate(tree, node))
    except NeuroloomError:
        raise
    except (ArithmeticError, ValueError, TypeError) as err:
        raise _error(where, text, f"cannot be evaluated at {at}: {err}") from None
    return _judge(value, where, text, at, bounds)


def rate_at(tree, concentration, v: float, where: str, text: str) -> float | None:
    """A RATE tree's value with every species at ``concentration(label, region)`` (None
    when unknown: then None, nothing is checked) and the membrane potential ``v``; a
    non-finite value or an error raises an ExpressionError."""
    try:
        value = float(_rate(tree, concentration, v))
    except Unknown:
        return None
    except (ArithmeticError, ValueError, TypeError) as err:
        raise _error(where, text, f"cannot be evaluated at the initial state: {err}") \
            from None
    return _judge(value, where, text, "the initial state", Bounds())


def _rate(tree, concentration, v):
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "ref":
        value = concentration(tree[1], tree[2])
        if value is None:
            raise Unknown(tree[1])
        return value
    if kind == "v":
        return v
    if kind == "neg":
        return -_rate(tree[1], concentration, v)
    if kind == "op":
        return _ARITHMETIC[tree[1]](_rate(tree[2], concentration, v),
                                    _rate(tree[3], concentration, v))
    if kind == "call":
        return FUNCTIONS[tree[1]][1](*(_rate(a, concentration, v) for a in tree[2]))
    raise ValueError(f"not a rate tree: {tree!r}")
