"""Synapses made of other synapses (``<doubleSynapse synapse1=... synapse2=...>``): the
definitions of the parts, kept beside the composite's own (neuroml/channels.py).

jNeuroML compiles a doubleSynapse with its two parts into one mechanism, so neuroloom runs
it as that mechanism; an export writes the composite back as the file defined it, and the
parts it names must then be in the document as the file defined them too. A part may also
be a synapse neuroloom runs in its own form (Ex27's AMPA, an expTwoSynapse read as NEURON's
Exp2Syn with gbase folded into the weights, written back with gbase 1 uS): the export writes
that one under another id, and the part under its own.

A blockingPlasticSynapse's block and plasticity mechanisms are parts too: a LEMS file may
give them in LEMS's form, a child named by its type (Ex27's ``<voltageConcDepBlockMechanism
id="block" .../>``), which NeuroML's schema (and so libNeuroML, which drops it without a
word) knows only as ``<blockMechanism type="voltageConcDepBlockMechanism" .../>``: the
definition is kept in the schema's form (schema_form), which jNeuroML runs the same (only
its mod file's variable names follow the child's name).
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

from .channels import keep_definition, kept_definitions
from .component_types import local_name

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
        keep_definition(folder, part_mechanism(mechanism, k), schema_form(part), files)
        keep_parts(folder, part_mechanism(mechanism, k), part, components, files)


#: the mechanisms of a blockingPlasticSynapse in LEMS's form: type -> the schema's element
SCHEMA_CHILDREN = {"voltageConcDepBlockMechanism": "blockMechanism",
                   "tsodyksMarkramDepMechanism": "plasticityMechanism",
                   "tsodyksMarkramDepFacMechanism": "plasticityMechanism"}


def schema_form(element):
    """A component's element with its block and plasticity mechanisms in the schema's form
    (``<blockMechanism type=...>``, ``<plasticityMechanism type=...>``, without the LEMS
    child's id); the element itself when it has none in LEMS's form."""
    children = [c for c in element if isinstance(c.tag, str)
                and local_name(c.tag) in SCHEMA_CHILDREN]
    if not children:
        return element
    out = copy.deepcopy(element)
    for child in out:
        if not isinstance(child.tag, str) or local_name(child.tag) not in SCHEMA_CHILDREN:
            continue
        kind = local_name(child.tag)
        namespace = child.tag[:-len(kind)]
        child.tag = namespace + SCHEMA_CHILDREN[kind]
        attrs = {"type": kind, **{k: v for k, v in child.attrib.items() if k != "id"}}
        child.attrib.clear()
        child.attrib.update(attrs)
    return out


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
