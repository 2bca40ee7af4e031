"""LEMS ComponentTypes a NeuroML file defines for its own components (a gate's rate, Ex10's
``newExpRate``), found and written so that NeuroML's schema accepts them.

A component read from NeuroML keeps its definition beside the mechanism jNeuroML generates
for it (neuroml/channels.py); the ComponentTypes it uses (its and its children's ``type``, what
those extend) are kept with it, so an export can write them back. LEMS lets a
``<DerivedVariable>`` that is exposed leave out its dimension (it is the exposure's), NeuroML's
schema does not: the dimension is filled in from the ``<Exposure>`` of that name in the type
or the types it extends (the file's own, then NeuroML's core types in the jNeuroML jar).
"""
from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from functools import cache

from . import jnml

_DERIVED = ("DerivedVariable", "ConditionalDerivedVariable")
#: a number with a bare trailing point ("1.per_ms", Ex4a): LEMS reads it, the schema's
#: quantity pattern does not; "1.0per_ms" is the same number
_BARE_POINT = re.compile(r"^(-?[0-9]+)\.(\s*[A-Za-z_].*)?$")


#: namespaces of NeuroML and LEMS (NeuroML's schema, LEMS's versions)
_OURS = "{http://www.neuroml.org/"
# prefixes for the annotation namespaces NeuroML files use, as they write them
for _prefix, _uri in (("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
                      ("bqbiol", "http://biomodels.net/biology-qualifiers/"),
                      ("bqmodel", "http://biomodels.net/model-qualifiers/")):
    ET.register_namespace(_prefix, _uri)


def local_name(tag: str) -> str:
    """A tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def plain_text(element: ET.Element, types: dict | None = None) -> str:
    """An element as text in the default namespace (LEMS files have none, NeuroML files
    NeuroML's), exposed derived variables of a ComponentType given their dimension, numbers
    with a bare trailing point given a 0."""
    plain = _strip_namespace(element)
    if local_name(plain.tag) == "ComponentType":
        _fill_dimensions(plain, types or {})
    return ET.tostring(plain, encoding="unicode")


def _strip_namespace(element: ET.Element) -> ET.Element:
    """NeuroML's and LEMS's namespaces left out; an element of another (an annotation's
    rdf:RDF) keeps its own, or it would read as a NeuroML element (jLEMS: "No such type
    RDF")."""
    if element.tag.startswith("{") and not element.tag.startswith(_OURS):
        return copy.deepcopy(element)
    plain = ET.Element(local_name(element.tag), {
        k: _BARE_POINT.sub(r"\g<1>.0\g<2>", v) for k, v in element.attrib.items()})
    plain.text, plain.tail = element.text, element.tail
    plain.extend(_strip_namespace(c) for c in element if isinstance(c.tag, str))
    return plain


def file_component_types(files) -> dict:
    """{name: ComponentType element} the files define (the first definition of a name)."""
    defined = {}
    for file in files:
        try:
            root = ET.parse(file).getroot()
        except (OSError, ET.ParseError):
            continue  # the reader has refused what it could not read
        for child in root:
            if isinstance(child.tag, str) and local_name(child.tag) == "ComponentType":
                defined.setdefault(child.get("name"), child)
    return defined


def component_types_used(element: ET.Element, files) -> list:
    """The ComponentType elements of ``files`` an element uses (its and its children's
    ``type``; theirs, and what they extend), in the order the files define them."""
    defined = file_component_types(files)
    if not defined:
        return []
    wanted, queue = set(), [element]
    while queue:
        node = queue.pop()
        for sub in node.iter():
            for name in (sub.get("type"), sub.get("extends")):
                if name in defined and name not in wanted:
                    wanted.add(name)
                    queue.append(defined[name])
    return [e for name, e in defined.items() if name in wanted]


def _fill_dimensions(component_type: ET.Element, types: dict) -> None:
    for node in component_type.iter():
        if local_name(node.tag) in _DERIVED and node.get("dimension") is None \
                and node.get("exposure"):
            dimension = _exposure_dimension(component_type, node.get("exposure"), types)
            if dimension is not None:
                node.set("dimension", dimension)


def _exposure_dimension(component_type: ET.Element, name: str, types: dict) -> str | None:
    """The dimension of exposure ``name`` in a type or those it extends."""
    seen, current = set(), component_type
    while current is not None and current.get("name") not in seen:
        seen.add(current.get("name"))
        for child in current:
            if isinstance(child.tag, str) and local_name(child.tag) == "Exposure" \
                    and child.get("name") == name:
                return child.get("dimension")
        parent = current.get("extends")
        current = types.get(parent)
        if current is None and parent:
            found = _core_exposures().get(parent)
            if found is None:
                return None
            extends, exposures = found
            if name in exposures:
                return exposures[name]
            current = ET.Element("ComponentType", {"name": parent,
                                                   **({"extends": extends} if extends else {})})
    return None


@cache
def _core_exposures() -> dict:
    """{ComponentType: (extends, {exposure: dimension})} of NeuroML's core types."""
    return {name: (el.get("extends"), {
        c.get("name"): c.get("dimension") for c in el
        if isinstance(c.tag, str) and local_name(c.tag) == "Exposure"})
        for name, el in jnml.core_component_types().items()}
