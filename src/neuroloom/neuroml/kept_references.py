"""The components a kept definition names, kept beside it.

A component jNeuroML turns into one mechanism may name others that get no mechanism of their
own: a pointCellCondBased names the ion channels of its channelPopulations, and jNeuroML
writes them into the cell's mechanism. An export needs them to write the cell again, so the
importer keeps each one as ``<mechanism>.ref.<id>.nml`` beside ``<mechanism>.nml``
(neuroml/channels.py keep_definition), and ``kept_references`` reads them back.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

from .channels import DEFINITION_SUFFIX, keep_definition

REFERENCE_INFIX = ".ref."


def referenced(element: ET.Element, components: Mapping[str, ET.Element]) -> list[ET.Element]:
    """The components ``element`` names in an attribute (other than an id), and those they
    name, in the order found."""
    found, queue = {}, [element]
    own = element.get("id")
    while queue:
        node = queue.pop(0)
        for sub in node.iter():
            for key, value in sub.attrib.items():
                if key != "id" and value != own and value in components \
                        and value not in found:
                    found[value] = components[value]
                    queue.append(components[value])
    return list(found.values())


def keep_references(folder, mechanism: str, element: ET.Element,
                    components: Mapping[str, ET.Element], files=()) -> None:
    """Keep the components ``element`` names beside its kept definition (see the module)."""
    for ref in referenced(element, components):
        keep_definition(folder, f"{mechanism}{REFERENCE_INFIX}{ref.get('id')}", ref, files)


def kept_references(folders, mechanism: str) -> list[str]:
    """The texts (``<neuroml>`` documents of one component each, with the ComponentTypes it
    uses) of the components kept beside ``mechanism``'s definition, by id."""
    for folder in folders:
        paths = sorted(Path(folder).glob(f"{mechanism}{REFERENCE_INFIX}*{DEFINITION_SUFFIX}"))
        if paths:
            return [p.read_text() for p in paths]
    return []
