"""Values NeuroML2 cannot mean, found as the reader meets each element, so that a NaN or
a negative time constant is an error naming the file, line, element and attribute instead
of NaN voltages in NEURON or raw text from Java."""
from __future__ import annotations

import math
import re

from .units import UnitError, check_unit, convert

#: attributes that must be > 0: time constants (an exponential with tau <= 0 grows or
#: divides by zero) and membrane capacitance (C, izhikevich2007Cell/iafCell; the `value` of
#: a <specificCapacitance>) which a voltage equation divides by
POSITIVE = frozenset({"tauDecay", "tauRise", "C", "specificCapacitance.value"})
#: attributes that must be >= 0: conductances (a negative one is a source, not a channel;
#: 0 switches it off), a pulse's duration and delay, a connection's delay (an event cannot
#: arrive before it was sent) and an integrate-and-fire refractory period (lengths of
#: time; 0 is no pulse / no delay / no refractoriness, as corpus files use)
NON_NEGATIVE = frozenset({"gbase", "gmax", "condDensity", "conductance", "duration",
                          "refract", "delay"})
_NOT_FINITE = re.compile(r"\s*[-+]?(?:nan|inf|infinity)(?:\s*[A-Za-z_][A-Za-z_0-9]*)?\s*",
                         re.IGNORECASE)
#: attributes that name things, never numbers: a cell called "inf" is not a bad value
_NAMES = frozenset({"id", "name", "type", "component", "synapse", "ionChannel", "ion",
                    "species", "segmentGroup", "href", "file", "population", "target",
                    "input", "destination", "tag", "select", "quantity", "fileName",
                    "presynapticPopulation", "postsynapticPopulation", "preComponent",
                    "postComponent", "from", "to", "cell", "neuroLexId", "metaid"})


def bad_value(tag: str, attrs: dict) -> str | None:
    """What is wrong with a value of element `tag`'s attributes, or None.

    Parameters
    ----------
    tag : str
        The element's name (``expTwoSynapse``, ``location``...).
    attrs : dict
        Its attributes as written.

    Returns
    -------
    str or None
        ``"attribute 'tauDecay' is -2ms: must be > 0"`` and the like; None if every value
        is allowed.
    """
    for key, text in attrs.items():
        if key not in _NAMES and _NOT_FINITE.fullmatch(text):
            return f"attribute '{key}' is {text!r}: not a number"
        if key not in _NAMES and tag != "property":  # a property's value is free text
            try:
                # every quantity, not only the bounded ones: "3 mv", erev="3 nS"
                check_unit(text, attrs.get("type", tag), key)
            except UnitError as err:
                return f"attribute '{key}': {err}"
        qualified = f"{tag}.{key}"
        positive = key in POSITIVE or qualified in POSITIVE
        if not positive and key not in NON_NEGATIVE:
            continue
        try:
            value = convert(text)
        except UnitError as err:
            return f"attribute '{key}': {err}"
        if positive and not value > 0:
            return f"attribute '{key}' is {text}: must be > 0"
        if not math.isnan(value) and value < 0:
            return f"attribute '{key}' is {text}: must be >= 0"
    return None
