"""Synapses made of other synapses (``<doubleSynapse synapse1=... synapse2=...>``): the
definitions of the parts, kept beside the composite's own (neuroml/channels.py).

jNeuroML compiles a doubleSynapse with its two parts into one mechanism, so neuroloom runs
it as that mechanism; an export writes the composite back as the file defined it, and the
parts it names must then be in the document as the file defined them too. A part may also
be a synapse neuroloom runs in its own form (Ex27's AMPA, an expTwoSynapse read as NEURON's
Exp2Syn with gbase folded into the weights, written back with gbase 1 uS): the export writes
that one under another id, and the part under its own.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from .channels import keep_definition, kept_definitions

#: the attributes of a composite synapse that name its parts
PART_ATTRIBUTES = ("synapse1", "synapse2")


def part_mechanism(mechanism: str, k: int) -> str:
    """The name under which the k-th part (0-based) of a composite is kept."""
    return f"{mechanism}.part{k + 1}"


def keep_parts(folder, mechanism: str, element, components: Mapping, files=()) -> None:
    """Keep the definitions of the parts a composite synapse's element names (none for
    other elements), under part_mechanism names; parts of parts too.

    Parameters
    ----------
    folder : str or pathlib.Path
        Where the composite's mechanism and definition are.
    mechanism : str
        The composite's mechanism.
    element : xml.etree.ElementTree.Element
        The composite's element as the file gave it.
    components : mapping
        Component id -> the reader's component (with ``element``) of the document.
    files : iterable of pathlib.Path
        The document's files (for LEMS ComponentTypes the parts use).
    """
    for k, name in enumerate(PART_ATTRIBUTES):
        ref = element.get(name)
        if not ref or ref not in components:
            continue  # the reader has refused a composite without its parts
        part = components[ref].element
        keep_definition(folder, part_mechanism(mechanism, k), part, files)
        keep_parts(folder, part_mechanism(mechanism, k), part, components, files)


def kept_parts(folders: Iterable, mechanism: str, component) -> list:
    """The libNeuroML components of the parts kept for a composite (its mechanism and
    component as kept_definitions gives them), parts of parts first; [] for other
    components."""
    folders = list(folders)
    out = []
    for k, name in enumerate(PART_ATTRIBUTES):
        if not getattr(component, name, None):
            continue
        found = kept_definitions(folders, [part_mechanism(mechanism, k)])
        for part in found.values():
            out.extend(kept_parts(folders, part_mechanism(mechanism, k), part))
            out.append(part)
    return out
