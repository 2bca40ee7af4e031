"""Checker: walks a spec, collects every problem with its dotted path."""
from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Mapping
from numbers import Integral, Real

from ..errors import ExpressionError, Problem, SpecError
from ..expr import Bounds
from ..suggest import closest, hint
from .options import asks_for_pending

_MISSING = object()


class NearMissWarning(UserWarning):
    """A NetParams or SimConfig attribute one or two letters from an option: kept as the
    user's own variable (as NetPyNE keeps it), probably a typo."""


def item_path(path: str, key) -> str:
    """``connParams`` + 'S->M' -> ``connParams['S->M']``"""
    return f"{path}[{key!r}]"


def attr_path(path: str, key) -> str:
    """``connParams['S->M']`` + probability -> ``connParams['S->M'].probability``"""
    return f"{path}.{key}" if path else str(key)


class Checker:
    """Collects problems; ``raise_if_any()`` raises one SpecError listing all of them.
    ``warn``: whether near misses of top-level option names are warned about (a spec
    checked again, e.g. a simConfig after the run, need not repeat them)."""

    def __init__(self, warn: bool = True):
        self.problems: list[Problem] = []
        self.warn = warn

    def add(self, path: str, message: str, in_expression: bool = False) -> None:
        self.problems.append(Problem(path, message, in_expression))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        if all(p.in_expression for p in self.problems):
            raise ExpressionError(self.problems)
        raise SpecError(self.problems)

    # -- structure --------------------------------------------------------------------
    def mapping(self, value, path: str) -> Mapping | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, f"must be a dict, not {type(value).__name__} {value!r}")
        return None

    def known_keys(self, mapping: Mapping, path: str, allowed, pending: Mapping = None) -> None:
        """Every key must be one of ``allowed``. ``pending`` maps NetPyNE keys neuroloom
        recognises but does not implement yet to the issue/feature that will bring them."""
        allowed = list(allowed)
        for key in mapping:
            if key in allowed:
                continue
            if pending and key in pending:
                self.add(attr_path(path, key), f"'{key}' is not supported yet ({pending[key]})")
                continue
            self.add(attr_path(path, key), f"unknown key '{key}'; {hint(str(key), allowed)}")

    def required(self, mapping: Mapping, key: str, path: str):
        if key not in mapping:
            self.add(attr_path(path, key), "is required")
            return _MISSING
        return mapping[key]

    def top_level(self, spec, kind: str, options: Mapping, pending: Mapping) -> None:
        """The attributes of a NetParams/SimConfig (``kind``): its options; NetPyNE options
        not supported yet, an error when set to ask for what they do (validate/options.py
        ``asks_for_pending``); and the user's own variables (anything else, accepted). A
        variable one or two letters from an option is probably a typo: NetPyNE keeps it
        as a variable and ignores it, and so does neuroloom, with a warning naming the
        option (near misses inside rules and options are errors)."""
        for name in spec.keys():
            if name in pending and asks_for_pending(name, spec[name]):
                self.add(name, f"'{name}' is not supported yet ({pending[name]})")
            elif name in options:
                continue
            elif self.warn and (typo := looks_like_typo(name, options)) is not None:
                warnings.warn(f"{kind} attribute '{name}' is not an option; did you mean "
                              f"'{typo}'? It is kept as your own variable, as NetPyNE does, "
                              f"and '{typo}' keeps its value", NearMissWarning,
                              stacklevel=outside_neuroloom())

    # -- values -----------------------------------------------------------------------
    def number(self, value, path: str, *, minimum=None, maximum=None, positive=False,
               finite=True, default=None):
        """A real number within bounds (finite unless ``finite`` is False: NEURON would
        carry inf through a run); returns ``default`` after recording a problem."""
        if isinstance(value, str):
            self.add(path, f"must be a number, not the string {value!r} "
                           "(string functions are not supported here yet)")
            return default
        if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
            self.add(path, f"must be a number, not {value!r}")
            return default
        value = float(value)
        problem = Bounds(minimum, maximum, positive, finite).problem(value)
        if problem:
            self.add(path, problem)
            return default
        return value

    def integer(self, value, path: str, *, minimum=None, default=None):
        if isinstance(value, Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(value)
        if not isinstance(value, Integral) or isinstance(value, bool):
            self.add(path, f"must be a whole number, not {value!r}")
            return default
        if minimum is not None and value < minimum:
            self.add(path, f"must be >= {minimum}, not {value}")
            return default
        return int(value)

    def boolean(self, value, path: str, default=False):
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        self.add(path, f"must be True or False, not {value!r}")
        return default

    def string(self, value, path: str, default=None):
        if isinstance(value, str) and value:
            return value
        self.add(path, f"must be a non-empty string, not {value!r}")
        return default

    def reference(self, value, path: str, what: str, known, default=None):
        """``value`` must name one of ``known`` (a label defined elsewhere in the spec)."""
        if not isinstance(value, str):
            self.add(path, f"must name a {what}, not {value!r}")
            return default
        known = list(known)
        if value not in known:
            self.add(path, f"unknown {what} '{value}'; {hint(value, known)}")
            return default
        return value


def outside_neuroloom() -> int:
    """The stacklevel of the first caller outside neuroloom (the user's script), so a
    warning shows the user's line rather than validation's."""
    package = __name__.split(".")[0]
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == package:
        frame, level = frame.f_back, level + 1
    return level


def looks_like_typo(name: str, options) -> str | None:
    """The option ``name`` is probably a misspelling of, or None when it looks like a
    user variable. Stricter than ``closest``: user variables are allowed, so only near
    misses count (one or two letters off, or a case difference)."""
    return closest(name, options, cutoff=0.85)
