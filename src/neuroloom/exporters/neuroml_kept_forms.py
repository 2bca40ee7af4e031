"""Kept NeuroML definitions (neuroml/channels.py) read for an export, checked whole.

libNeuroML reads an element into the classes of NeuroML's schema and drops, without a word,
children the schema has no place for. LEMS files (and jNeuroML) write a
blockingPlasticSynapse's mechanisms as elements of their own type::

    <voltageConcDepBlockMechanism id="block" species="mg" .../>   (Ex6_NMDA)
    <tsodyksMarkramDepMechanism id="depMech" .../>                 (Ex7_STP)

where the schema has ``<blockMechanism type="voltageConcDepBlockMechanism" species="mg"
.../>`` and ``<plasticityMechanism type="tsodyksMarkramDepMechanism" .../>`` (no id: LEMS
matches the child by its type). Read as they were, an export would write the synapse without
its block or its depression. They are read in the schema's form; and what libNeuroML writes
back is compared with the kept element: anything else it would lose is a FormatError naming
the element.
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import FormatError
from ..neuroml import conventions as nc
from ..neuroml.channels import DEFINITION_SUFFIX, channel_from_text
from ..neuroml.component_types import local_name, plain_text

#: LEMS's element of a synapse mechanism -> the schema's element for it (with type=)
SCHEMA_CHILDREN = {"voltageConcDepBlockMechanism": "blockMechanism",
                   "tsodyksMarkramDepMechanism": "plasticityMechanism",
                   "tsodyksMarkramDepFacMechanism": "plasticityMechanism"}


def checked_definitions(folders, mechanisms) -> dict:
    """{mechanism: libNeuroML component} of the mechanisms whose definition is kept in one of
    ``folders``, in the schema's form, each checked to lose nothing (see the module)."""
    out = {}
    for mechanism in sorted(set(mechanisms)):
        path = next((Path(f) / f"{mechanism}{DEFINITION_SUFFIX}" for f in folders
                     if (Path(f) / f"{mechanism}{DEFINITION_SUFFIX}").is_file()), None)
        if path is not None:
            out[mechanism] = _read(path.read_text(), str(path))
    return out


def _read(text: str, where: str):
    root = ET.fromstring(text)
    types = [c for c in root if local_name(c.tag) == "ComponentType"]
    elements = [c for c in root if local_name(c.tag) != "ComponentType"]
    if len(elements) != 1:
        raise FormatError(f"{where}: expected one component, found {len(elements)}")
    # as the document will have it (plain_text gives '1.per_ms' its 0)
    element = ET.fromstring(plain_text(schema_form(elements[0])))
    held = channel_from_text(
        f'<neuroml xmlns="{nc.NAMESPACE}" id="{root.get("id", "kept")}">'
        + "".join(plain_text(e) for e in [*types, element]) + "</neuroml>", where)
    tag = local_name(element.tag)
    out = io.StringIO()
    held.export(out, 0, name_=tag, namespacedef_="")
    written = ET.fromstring(out.getvalue())
    if _canonical(written) != _canonical(element):
        lost = sorted({local_name(c.tag) for c in element.iter()}
                      - {local_name(c.tag) for c in written.iter()})
        raise FormatError(f"{where}: <{tag} id=\"{element.get('id')}\">: libNeuroML, which "
                          "writes the NeuroML document, has no form for "
                          f"{', '.join(f'<{t}>' for t in lost) or 'some of its attributes'}, "
                          "so the export would lose it")
    return held


def schema_form(element: ET.Element) -> ET.Element:
    """The element with LEMS's synapse mechanism children in the schema's form."""
    if not any(local_name(c.tag) in SCHEMA_CHILDREN for c in element):
        return element
    copy = ET.Element(local_name(element.tag), element.attrib)
    copy.text = element.text
    for child in element:
        name = local_name(child.tag) if isinstance(child.tag, str) else None
        if name in SCHEMA_CHILDREN:
            attrs = {k: v for k, v in child.attrib.items() if k != "id"}
            child = ET.Element(SCHEMA_CHILDREN[name], {"type": name, **attrs})
        copy.append(child)
    return copy


def _canonical(element: ET.Element):
    """An element as a comparable value: tag, attributes and children, in any order
    (libNeuroML writes children in the schema's order)."""
    kids = [c for c in element if isinstance(c.tag, str)]
    return (local_name(element.tag),
            tuple(sorted((k, _number(v)) for k, v in element.attrib.items())),
            tuple(sorted(_canonical(c) for c in kids)))


def _number(text: str) -> str:
    """A plain number's value (libNeuroML writes PyNN's floats as '2.0' for '2')."""
    try:
        return repr(float(text))
    except ValueError:
        return text
