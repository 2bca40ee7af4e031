"""NeuroML quantities ("120.0 mS_per_cm2") in NEURON's units, exactly: when the written
unit is the one asked for, the written digits are returned untouched; otherwise the digits
are scaled as decimals, so "1e-7 m" is 0.1 um, not 0.09999999999999999."""
from __future__ import annotations

import re
from decimal import Decimal

from ..errors import FormatError


class UnitError(FormatError):
    """A quantity that cannot be read or is not in the expected dimension."""


_PREFIX = {"p": -12, "n": -9, "u": -6, "m": -3, "c": -2, "k": 3, "M": 6, "G": 9}
# symbol -> (power of ten to SI, dimension); S is ohm^-1 so conductances and resistances agree
_BASE = {"m": (0, {"m": 1}), "s": (0, {"s": 1}), "V": (0, {"V": 1}), "A": (0, {"A": 1}),
         "F": (0, {"F": 1}), "ohm": (0, {"ohm": 1}), "S": (0, {"ohm": -1}),
         "mol": (0, {"mol": 1}), "M": (3, {"mol": 1, "m": -3}), "Hz": (0, {"s": -1})}
# the unit NEURON's mod files use for each dimension a cell can carry
_NEURON_UNITS = ("mV", "ms", "um", "mM", "S_per_cm2", "uF_per_cm2", "ohm_cm", "nA", "uS",
                 "per_ms", "cm_per_s")
_QUANTITY = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z_0-9]*)\s*")


def _unit(unit: str):
    """(power of ten to SI, dimension) of a NeuroML unit name like 'mS_per_cm2'."""
    exp, dims = 0, {}
    parts = ([""] + unit[4:].split("_per_")) if unit.startswith("per_") else unit.split("_per_")
    for i, part in enumerate(parts if unit else []):
        for token in filter(None, part.split("_")):  # everything after a "_per_" divides
            m = re.fullmatch(r"([A-Za-z]+)(\d*)", token)
            sym, power = (m.group(1), int(m.group(2) or 1) * (-1 if i else 1)) if m else ("", 0)
            if sym in _BASE:  # the whole symbol first: "m" is metre, "M" molar
                scale, (base_exp, base_dims) = 0, _BASE[sym]
            elif sym[:1] in _PREFIX and sym[1:] in _BASE:
                scale, (base_exp, base_dims) = _PREFIX[sym[0]], _BASE[sym[1:]]
            else:
                raise UnitError(f"unknown unit {unit!r}")
            exp += (scale + base_exp) * power
            for b, p in base_dims.items():
                dims[b] = dims.get(b, 0) + p * power
    return exp, tuple(sorted((b, p) for b, p in dims.items() if p))


def convert(text, target: str | None = None) -> float:
    """A NeuroML quantity in `target` units; without target, in NEURON's unit for its
    dimension (SI for a dimension NEURON has no convention for, e.g. rho)."""
    m = _QUANTITY.fullmatch(str(text))
    if m is None:
        raise UnitError(f"not a quantity: {text!r}")
    value, unit = m.group(1), m.group(2)
    if unit == target:
        return float(value)  # no arithmetic: values come out exactly as written
    exp, dims = _unit(unit)
    if target is None:
        target = next((t for t in _NEURON_UNITS if _unit(t)[1] == dims), unit)
    t_exp, t_dims = _unit(target)
    if dims != t_dims:
        raise UnitError(f"{text!r} is not in units of {target}")
    # decimal scaling of the written digits: "1e-7 m" is 0.1 um, not 0.09999999999999999
    return float(Decimal(value).scaleb(exp - t_exp))


