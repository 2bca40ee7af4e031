"""The range a value must lie in, checked the same way for a number and for every value a
string function gives.

A spec value's bounds are declared once, where its option is checked (validate/), and
travel with the compiled string function, so a weight given as ``'0/0'`` is refused as the
number NaN would be, and a delay ``'-1'`` as the number -1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Bounds:
    """Finite (unless ``finite`` is False), and optionally >= ``minimum``, <= ``maximum``
    or > 0 (``positive``)."""

    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    finite: bool = True

    def problem(self, value: float) -> str | None:
        """What is wrong with one number, or None."""
        if np.isnan(value):
            return "must be a number, not NaN"
        if self.finite and np.isinf(value):
            return f"must be finite, not {value:g}"
        if self.positive and value <= 0:
            return f"must be > 0, not {value:g}"
        if self.minimum is not None and value < self.minimum:
            return f"must be >= {self.minimum:g}, not {value:g}"
        if self.maximum is not None and value > self.maximum:
            return f"must be <= {self.maximum:g}, not {value:g}"
        return None

    def first_violation(self, values: np.ndarray) -> int | None:
        """The flat index of the first value out of bounds, or None."""
        values = np.asarray(values, dtype=np.float64).ravel()
        bad = ~np.isfinite(values)
        with np.errstate(invalid="ignore"):
            if self.positive:
                bad |= values <= 0
            if self.minimum is not None:
                bad |= values < self.minimum
            if self.maximum is not None:
                bad |= values > self.maximum
        hits = np.flatnonzero(bad)
        return int(hits[0]) if len(hits) else None


def describe_value(value: float) -> str:
    """How a message names a value a string function gave (NaN, inf or the number)."""
    if np.isnan(value):
        return "NaN"
    return f"{value:g}"
