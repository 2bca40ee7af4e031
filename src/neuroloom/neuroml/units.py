"""NeuroML quantities ("120.0 mS_per_cm2") in NEURON's units, through NeuroML's own unit
definitions: the ``<Dimension>`` and ``<Unit symbol dimension power scale offset>`` elements
of NeuroMLCoreDimensions.xml in the jNeuroML jar pyNeuroML bundles (read once). A unit means
``SI value = value * scale * 10**power + offset`` (LEMS; offset only for degC).

Exact: when the written unit is the one asked for, the written digits are returned
untouched; otherwise the digits are scaled as decimals, so "1e-7 m" is 0.1 um, not
0.09999999999999999.

Units a NeuroML/LEMS file defines itself (its own ``<Unit>``/``<Dimension>``) are not read:
no file of the NeuroML2 examples defines one (checked), and such a unit is an error here.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from ..errors import FormatError
from ..suggest import hint
from . import jnml

DIMENSIONS_FILE = "NeuroML2CoreTypes/NeuroMLCoreDimensions.xml"
#: LEMS's base dimensions: mass, length, time, current, temperature, amount, luminosity
_BASES = ("m", "l", "t", "i", "k", "n", "j")

#: NEURON's unit for each NeuroML dimension. neuroloom hands NEURON hoc-level quantities
#: (section L/diam in um, area() in um2, cm in uF/cm2, Ra in ohm cm, a channel's gmax through
#: hoc in S/cm2, celsius in degC) and parameters of jNeuroML's generated mechanisms, whose
#: PARAMETER blocks declare jNeuroML's NEURON units (NRNUtils.getNeuronUnit): mV, ms, kHz
#: (= per_ms), uS, nF, nA, Mohm, mM, pC/umol, femtojoule/K/umol and, for
#: fixedFactorConcentrationModel's rho, (umol / cm / nA / ms).
NEURON_UNITS = {
    "voltage": "mV", "per_voltage": "per_mV", "time": "ms", "per_time": "per_ms",
    "length": "um", "area": "um2", "volume": "um3",
    "conductance": "uS", "conductanceDensity": "S_per_cm2",
    "capacitance": "nF", "specificCapacitance": "uF_per_cm2",
    "resistance": "Mohm", "resistivity": "ohm_cm",
    "current": "nA", "currentDensity": "mA_per_cm2",  # NEURON's density currents: mA/cm2
    "concentration": "mM", "permeability": "cm_per_s",  # GHK permeabilities: cm/s
    "temperature": "degC",  # NEURON's celsius (jNeuroML's mods take K; neuroloom passes none)
    "charge_per_mole": "pC_per_umol", "idealGasConstantDims": "fJ_per_K_per_umol",
    "rho_factor": "umol_per_cm_per_nA_per_ms",
}
#: dimensions NEURON has no convention for among the core units, kept in SI: a charge and an
#: amount of substance (no core type hands one to NEURON), and conductance_per_voltage, which
#: jNeuroML's mods declare in uS/mV, a unit the core file does not define
SI_DIMENSIONS = {"none": "", "charge": "C", "substance": "mol", "conductance_per_voltage": "S_per_V"}

_QUANTITY = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z_0-9]*)\s*")


class UnitError(FormatError):
    """A quantity that cannot be read or is not in the expected dimension."""


class Unit(NamedTuple):
    """A NeuroML unit: its dimension and ``SI = value * scale * 10**power + offset``."""

    symbol: str
    dimension: str
    exponents: tuple  # of _BASES
    power: int
    scale: Decimal
    offset: Decimal


@cache
def units() -> dict:
    """{symbol: Unit} of NeuroML's core units ("" is a plain number, dimension "none")."""
    root = ET.fromstring(jnml.jar_entry(DIMENSIONS_FILE))
    dimensions = {"none": (0,) * len(_BASES)}
    found = {"": Unit("", "none", dimensions["none"], 0, Decimal(1), Decimal(0))}
    for el in root:
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag == "Dimension":
            dimensions[el.get("name")] = tuple(int(el.get(b, "0")) for b in _BASES)
        elif tag == "Unit":
            dim = el.get("dimension")
            found[el.get("symbol")] = Unit(el.get("symbol"), dim, dimensions[dim],
                                           int(el.get("power", "0")),
                                           Decimal(el.get("scale", "1")),
                                           Decimal(el.get("offset", "0")))
    return found


def neuron_unit(dimension: str) -> str:
    """NEURON's unit (a core NeuroML symbol) for a NeuroML dimension name."""
    if dimension in NEURON_UNITS:
        return NEURON_UNITS[dimension]
    if dimension in SI_DIMENSIONS:
        return SI_DIMENSIONS[dimension]
    raise UnitError(f"dimension {dimension!r} has no NEURON unit in neuroloom; "
                    f"{hint(dimension, [*NEURON_UNITS, *SI_DIMENSIONS])}")


def _unit(symbol: str, target: str | None = None) -> Unit:
    table = units()
    if symbol in table:
        return table[symbol]
    same = [s for s, u in table.items() if s and target in table
            and u.exponents == table[target].exponents]
    raise UnitError(f"unknown unit {symbol!r} (not one of NeuroML's core units): "
                    f"{hint(symbol, same or [s for s in table if s])}")


def check_unit(text, component_type: str | None = None, name: str | None = None) -> None:
    """Raise UnitError if `text` is a quantity ("3 mv") in a unit NeuroML does not define,
    or, given the core ComponentType and parameter it is written for, in another dimension
    than that parameter's; anything else (a plain number, a name) passes."""
    m = _QUANTITY.fullmatch(str(text))
    if m is None or not m.group(2):
        return
    unit = _unit(m.group(2))
    dimension = parameter_dimension(component_type, name) if component_type else None
    if dimension is not None and unit.exponents != _dimensions().get(dimension):
        raise UnitError(f"{text!r} is a {unit.dimension}, not a {dimension} "
                        f"(e.g. {neuron_unit(dimension) or 'a plain number'})")


def parameter_dimension(component_type: str, name: str) -> str | None:
    """The dimension of parameter `name` of NeuroML core ComponentType `component_type`
    (or of a type it extends); None if neither is a core one or the dimension is any."""
    types = _core_parameters()
    seen = set()
    while component_type in types and component_type not in seen:
        seen.add(component_type)
        extends, parameters = types[component_type]
        if name in parameters:
            return None if parameters[name] == "*" else parameters[name]
        component_type = extends
    return None


@cache
def _dimensions() -> dict:
    """{dimension name: exponents} of NeuroML's core dimensions."""
    return {u.dimension: u.exponents for u in units().values()}


@cache
def _core_parameters() -> dict:
    """{ComponentType: (extends, {Parameter or Property: dimension})} of NeuroML's core
    types."""
    return {name: (el.get("extends"), {
        c.get("name"): c.get("dimension", "none") for c in el
        if isinstance(c.tag, str) and c.tag.rsplit("}", 1)[-1] in ("Parameter", "Property")})
        for name, el in jnml.core_component_types().items()}


def convert(text, target: str | None = None) -> float:
    """A NeuroML quantity in `target` units.

    Parameters
    ----------
    text : str
        A quantity as NeuroML writes it: "120.0 mS_per_cm2", "-65mV", "0.5".
    target : str, optional
        A NeuroML unit symbol; by default NEURON's unit for the quantity's dimension
        (``NEURON_UNITS``; SI for ``SI_DIMENSIONS``).

    Returns
    -------
    float
        The value; the written digits untouched when written in `target`.

    Raises
    ------
    UnitError
        Not a quantity, a unit NeuroML does not define, or a dimension other than target's.
    """
    m = _QUANTITY.fullmatch(str(text))
    if m is None:
        raise UnitError(f"not a quantity: {text!r}")
    value, symbol = m.group(1), m.group(2)
    if symbol == target:
        return float(value)  # no arithmetic: values come out exactly as written
    unit = _unit(symbol, target)
    if target is None:
        target = neuron_unit(unit.dimension)
        if symbol == target:
            return float(value)
    goal = _unit(target)
    if unit.exponents != goal.exponents:
        raise UnitError(f"{text!r} is not in units of {target} "
                        f"({unit.dimension}, not {goal.dimension})")
    # decimal arithmetic on the written digits: "1e-7 m" is 0.1 um, not 0.09999999999999999
    si = (Decimal(value) * unit.scale).scaleb(unit.power) + unit.offset
    return float(((si - goal.offset) / goal.scale).scaleb(-goal.power))
