"""Rule values: numbers, lists of numbers, or string functions of the context's variables.

A value's bounds are given once, to ``value``: a number is checked against them here, and
a string function carries them (expr.Bounds) to the builder, which checks every value it
gives. Either way the value must be finite.
"""
from __future__ import annotations

import math
from numbers import Real

from ..errors import ExpressionError
from ..expr import Bounds, Expression, compile_expression

AXES = ("x", "y", "z", "xnorm", "ynorm", "znorm")
PRE = tuple(f"pre_{a}" for a in AXES)
POST = tuple(f"post_{a}" for a in AXES)
DIST = tuple(f"dist_{a}" for a in AXES) + ("dist_3D", "dist_2D", "dist_norm3D", "dist_norm2D")
PAIR = PRE + POST + DIST
DENSITY = ("xnorm", "ynorm", "znorm")


class Contexts:
    """The variables a string function may use, by context."""

    def __init__(self, net_variables):
        self.net = tuple(name for name, _ in net_variables)

    def pair(self):  # a value per connection
        return PAIR + self.net

    def post(self):  # a value per postsynaptic (or stimulated) cell
        return POST + self.net

    def pre(self):  # a value per presynaptic cell
        return PRE + self.net

    def density(self):
        return DENSITY + self.net


def value(check, raw, path, variables, *, minimum=None, maximum=None, positive=False,
          allow_list=False, allow_random=True, default=0.0):
    """A number, a compiled string function, or (with ``allow_list``) a tuple of numbers.
    Problems are recorded on ``check``; ``default`` is returned after a problem."""
    if isinstance(raw, str):
        return expression(check, raw, path, variables, allow_random=allow_random,
                          default=default, minimum=minimum, maximum=maximum,
                          positive=positive)
    if allow_list and isinstance(raw, (list, tuple)):
        items = [_finite(check, check.number(v, f"{path}[{i}]", minimum=minimum,
                                             maximum=maximum, positive=positive),
                         f"{path}[{i}]") for i, v in enumerate(raw)]
        if not items:
            check.add(path, "must not be an empty list")
            return default
        return default if None in items else tuple(items)
    if isinstance(raw, bool) or not isinstance(raw, Real):
        what = "a number, a list of numbers or a string function" if allow_list else \
            "a number or a string function"
        check.add(path, f"must be {what}, not {raw!r}")
        return default
    number = _finite(check, check.number(raw, path, minimum=minimum, maximum=maximum,
                                         positive=positive), path)
    return default if number is None else number


def _finite(check, number, path):
    """``number`` (None after a problem); an infinite one is a problem, as NaN is."""
    if number is not None and not math.isfinite(number):
        check.add(path, f"must be finite, not {number:g}")
        return None
    return number


def expression(check, text, path, variables, *, allow_random=True, default=0.0,
               minimum=None, maximum=None, positive=False):
    """A compiled string function whose values must be finite and within the bounds
    (checked per element where it is evaluated); ``default`` after a problem."""
    try:
        compiled = compile_expression(text, variables, where=path)
    except ExpressionError as err:
        check.problems.extend(err.problems)
        return default
    if compiled.is_random and not allow_random:
        check.add(path, f"random draws are not allowed here: {text!r}", in_expression=True)
        return default
    return compiled.with_bounds(Bounds(minimum, maximum, positive))


def is_expression(v) -> bool:
    return isinstance(v, Expression)
