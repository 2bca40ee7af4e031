"""Cells with no refractory period, which jNeuroML's NEURON code generation refuses.

jNeuroML 0.14.0's NEURON export (NeuronWriter) stops, in raw Java text, on a population whose
cell is or extends ``baseCellMembPotCap`` with a ``refract`` of 0 (iafRefCell, adExIaFCell:
"cannot *YET* handle cases when refract = 0"), or is or extends ``basePyNNCell`` with a
``tau_refrac`` of 0. jLEMS runs such cells. neuroloom runs abstract cells as the mechanisms
that export generates, so it refuses them too, but first and in its own words: the file, the
line and the element, and why.
"""
from __future__ import annotations

from functools import cache

from ..errors import FormatError
from . import jnml
from .component_types import file_component_types
from .units import UnitError, convert

#: (base ComponentType, its refractory parameter): jNeuroML's NeuronWriter checks these
ZERO_REFRACTORY = (("baseCellMembPotCap", "refract"), ("basePyNNCell", "tau_refrac"))


def check_refractory(doc) -> None:
    """Refuse, before any Java runs, a population's cell that jNeuroML's NEURON export
    refuses for a refractory period of 0.

    Parameters
    ----------
    doc : neuroml.reader.Document
        The file read (its populations are those of the network to run).

    Raises
    ------
    FormatError
        Naming the file, line and element of the cell, and why.
    """
    defined = None
    for pop in doc.populations:
        comp = doc.components.get(pop.component)
        if comp is None:
            continue
        for base, param in ZERO_REFRACTORY:
            text = comp.element.get(param)
            if text is None:
                continue
            if defined is None:
                defined = {name: el.get("extends") for name, el in
                           file_component_types(doc.files).items()}
            if base not in _lineage(comp.type, defined) or not _is_zero(text):
                continue
            raise FormatError(
                f"{comp.where}: {param} = {text.strip()}: a cell with no refractory period "
                f"cannot run in neuroloom: neuroloom runs the {comp.type} as the mechanism "
                f"jNeuroML's NEURON code generation writes, and that generation refuses "
                f"{param} = 0 (jNeuroML's own simulator jLEMS runs it: pynml "
                f"{doc.path.name} without -neuron); give it a {param} above 0")


def _is_zero(text: str) -> bool:
    try:
        return convert(text.strip()) == 0.0
    except UnitError:
        return False  # the reader's checks name a quantity it cannot read


def _lineage(name: str, defined: dict) -> list:
    """``name`` and the ComponentTypes it extends, the file's own first, then the core's."""
    core, out = _core_extends(), []
    while name and name not in out:
        out.append(name)
        name = defined.get(name) if name in defined else core.get(name)
    return out


@cache
def _core_extends() -> dict:
    """{ComponentType: the type it extends} of NeuroML's core types."""
    return {name: el.get("extends") for name, el in jnml.core_component_types().items()}
