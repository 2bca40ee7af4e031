"""NeuroML2 conventions in one place: ids, how numbers are written, which NEURON point
processes are which NeuroML components, and the names of neuroloom's own annotations.

Numbers are written in NEURON's units (mV, ms, um, nA, uS, S_per_cm2, uF_per_cm2, ohm_cm)
as Python's repr of the float, so reading them back gives the same double, bit for bit;
no unit arithmetic happens on the way out.
"""
from __future__ import annotations

import re

from ..naming import unique

NAMESPACE = "http://www.neuroml.org/schema/neuroml2"
SCHEMA = ("http://www.neuroml.org/schema/neuroml2 "
          "https://raw.github.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/"
          "NeuroML_v2.3.1.xsd")
SECTION_LEX_ID = "sao864921383"  # NeuroLex: an unbranched segment group (a NEURON section)
NSEG_PROPERTY = "numberInternalDivisions"  # jNeuroML's name for a section's nseg

#: neuroloom's annotation of a network (see neuroml/annotation.py)
ANNOTATION_TAG = "neuroloom"
ANNOTATION_FORMAT = "neuroloom-neuroml/1"

#: NEURON synapses with an exact NeuroML form: NEURON name -> (NeuroML element, our
#: parameter -> NeuroML attribute and unit). gbase is 1 uS so that the connection weight
#: is NEURON's NetCon weight in uS.
SYNAPSES = {
    "ExpSyn": ("expOneSynapse", {"tau": ("tauDecay", "ms"), "e": ("erev", "mV")}),
    "Exp2Syn": ("expTwoSynapse", {"tau1": ("tauRise", "ms"), "tau2": ("tauDecay", "ms"),
                                  "e": ("erev", "mV")}),
}
SYNAPSE_DEFAULTS = {"ExpSyn": {"tau": 0.1, "e": 0.0},  # NEURON's PARAMETER defaults
                    "Exp2Syn": {"tau1": 0.1, "tau2": 10.0, "e": 0.0}}
GBASE = "1uS"

#: a NetStim with this many spikes or more never stops
ENDLESS = 1e8

def nml_id(label: str, taken: set, prefix: str = "id") -> str:
    """A valid NeuroML id for a neuroloom label ('S->M' -> 'S__M'), unique among ``taken``
    (which it joins)."""
    name = re.sub(r"[^a-zA-Z0-9_]", "_", str(label))
    name = re.sub(r"_{3,}", "__", name)
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = f"{prefix}_{name}"
    return unique(name, taken)


def num(value) -> str:
    """A float as written in NeuroML: repr, which reads back as the same double (NeuroML's
    quantity pattern has no '+' in exponents)."""
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{value} cannot be written in NeuroML")
    return repr(value).replace("e+", "e")


def quantity(value, unit: str) -> str:
    return f"{num(value)}{unit}"


#: how components whose NeuroML definition is exactly one of NEURON's built-in mechanisms
#: run (``sim.importNeuroML2(mechanisms=...)``): 'neuron' as those built-ins (hh, pas,
#: ExpSyn, Exp2Syn: exact exponential decay, shared synapses); 'jneuroml' as the mechanisms
#: jNeuroML generates for them, which its NEURON export runs (docs/neuroml-differences.md
#: measures the difference)
MECHANISM_READINGS = ("neuron", "jneuroml")
