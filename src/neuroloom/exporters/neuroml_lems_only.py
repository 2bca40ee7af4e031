"""Components NeuroML's schema cannot hold, exported the way the corpus holds them: in LEMS.

Some components jNeuroML runs exist only in NeuroML's LEMS definitions, not in its schema
(pointCellCondBased, Ex1_HH; stdpSynapse, Ex11_STDP), or break the schema's rules (an ion
channel with gates of several kinds, Ex24's k_slow: the schema allows one kind per channel).
jNeuroML reads them in a LEMS file, and the corpus defines them there. An export of a
network using them writes:

    <reference>.net.nml           the components the schema holds (channels, synapses,
                                  inputs..., a pointCellCondBased's channels,
                                  neuroml/kept_references.py) and nothing that names a
                                  LEMS-only one: it passes ``pynml -validate``
    <reference>.lems_only.xml     a <Lems> file: the LEMS-only components (cells, channels,
                                  synapses), what they name that the schema
                                  cannot hold (a channel using the file's own ComponentTypes
                                  goes with them), the cells that use them, and the network
                                  (its populations and projections name them)
    LEMS_<reference>.xml          includes both and runs the network

``pynml -validate`` fails a document whose population or channelDensity names a component it
does not define (tests 10020 and 10025, even through an <include>), hence the network's move.
That network carries no neuroloom annotation: the importer checks an annotation against
libNeuroML's reading of the components, which has no form for these, so the re-import reads
the files as they are (as the first import read the corpus file).
"""
from __future__ import annotations

import io
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import neuroml

from ..atomic import atomic_path
from ..errors import FormatError
from ..neuroml import conventions as nc
from ..neuroml.channels import DEFINITION_SUFFIX, channel_from_text
from ..neuroml.component_types import local_name, plain_text
from ..neuroml.kept_references import kept_references

#: the elements a NeuroML document may hold (libNeuroML's reading of the schema)
SCHEMA_ELEMENTS = frozenset(m.get_child_attrs()["name"]
                            for m in neuroml.NeuroMLDocument.member_data_items_)
#: an ion channel's gate elements: the schema allows one of them per channel
GATE_ELEMENTS = frozenset({"gate", "gateHHrates", "gateHHratesTau", "gateHHtauInf",
                           "gateHHratesInf", "gateHHratesTauInf", "gateHHInstantaneous",
                           "gateFractional", "gateKS"})
LEMS_ONLY_SUFFIX = ".lems_only.xml"


@dataclass(frozen=True)
class LemsOnly:
    """A kept component no NeuroML document holds; it stands for it where a libNeuroML
    component would (neuroml/elements.py reads ``id``, and ``species`` of a channel)."""

    id: str
    tag: str
    text: str  # the element, as LEMS text
    parts: tuple  # (key, text) of the ComponentTypes and components it needs, before it
    species: str | None = None
    why: str = ""
    in_document: tuple = ()  # (text, libNeuroML component) of what it names that the .nml holds


def lems_only_definitions(folders, mechanisms) -> dict:
    """{mechanism: LemsOnly} of the mechanisms whose kept definition (neuroml/channels.py)
    no NeuroML document can hold."""
    out = {}
    for mechanism in sorted(set(mechanisms)):
        path = next((Path(f) / f"{mechanism}{DEFINITION_SUFFIX}" for f in folders
                     if (Path(f) / f"{mechanism}{DEFINITION_SUFFIX}").is_file()), None)
        if path is None:
            continue
        parts, main = _split(path.read_text(), str(path))
        tag = local_name(main.tag)
        gates = sorted({local_name(c.tag) for c in main} & GATE_ELEMENTS)
        if tag in SCHEMA_ELEMENTS and len(gates) < 2:
            continue
        why = (f"gates of several kinds ({', '.join(gates)})" if tag in SCHEMA_ELEMENTS
               else "no element in NeuroML's schema")
        in_document = []
        for text in kept_references(folders, mechanism):
            more, ref = _split(text, mechanism)
            held = None if more else _schema_form(ref, mechanism)
            if held is None:
                parts += more + [(ref.get("id"), plain_text(ref))]
            else:
                in_document.append(held)
        out[mechanism] = LemsOnly(main.get("id"), tag, plain_text(main), tuple(parts),
                                  main.get("species"), why, tuple(in_document))
    return out


def _schema_form(element: ET.Element, where: str):
    """(text, libNeuroML component) of a component NeuroML's schema holds (a LEMS file's
    ionChannelPassive is the schema's <ionChannel type="ionChannelPassive">), else None."""
    if local_name(element.tag) == "ionChannelPassive":
        copy = ET.Element("ionChannel", {**element.attrib, "type": "ionChannelPassive"})
        copy.extend(list(element))
        element = copy
    tag = local_name(element.tag)
    if tag not in SCHEMA_ELEMENTS:
        return None
    text = plain_text(element)
    held = channel_from_text(f'<neuroml xmlns="{nc.NAMESPACE}" id="ref">{text}</neuroml>', where)
    out = io.StringIO()
    held.export(out, 0, name_=tag, namespacedef_="")
    # libNeuroML drops what the schema lacks (Ex4_KS's vHalfTransition in a gateKS)
    return (text, held) if _same(ET.fromstring(out.getvalue()), element) else None


def _same(a: ET.Element, b: ET.Element) -> bool:
    """The same element, children and attributes (namespaces, whitespace and comments
    aside)."""
    kids_a = [c for c in a if isinstance(c.tag, str)]
    kids_b = [c for c in b if isinstance(c.tag, str)]
    return (local_name(a.tag) == local_name(b.tag) and a.attrib == b.attrib
            and len(kids_a) == len(kids_b) and all(map(_same, kids_a, kids_b)))


def _split(text: str, where: str):
    """([(key, text)] of a kept document's ComponentTypes, its one component element)."""
    root = ET.fromstring(text)
    types = [("ComponentType " + c.get("name", ""), plain_text(c)) for c in root
             if local_name(c.tag) == "ComponentType"]
    elements = [c for c in root if local_name(c.tag) != "ComponentType"]
    if len(elements) != 1:
        raise FormatError(f"{where}: expected one component, found {len(elements)}")
    return types, elements[0]


@dataclass
class LemsOnlyFile:
    """What the LEMS-only file holds, by id (ComponentTypes by name), in order."""

    texts: dict = field(default_factory=dict)
    why: dict = field(default_factory=dict)  # LEMS-only component id -> why
    in_document: dict = field(default_factory=dict)  # id -> text of what the .nml holds

    def __bool__(self) -> bool:
        return bool(self.texts)

    def add(self, key: str, text: str) -> None:
        if self.texts.setdefault(key, text) != text:
            raise FormatError(f"two different components are both named {key!r}; one LEMS "
                              "file cannot hold both")

    def add_component(self, comp: LemsOnly, skip_types=(), add=None) -> None:
        """A LEMS-only component and what it needs; ``add(component)`` puts what it names
        that the schema holds into the NeuroML document."""
        for text, held in comp.in_document:
            known = self.in_document.get(held.id)
            if known is None:
                self.in_document[held.id] = text
                if add is not None:
                    add(held)
            elif known != text:
                raise FormatError(f"two different components are both named {held.id!r}; "
                                  "one NeuroML document cannot hold both")
        for key, text in comp.parts:
            if key.removeprefix("ComponentType ") not in skip_types:
                self.add(key, text)
        self.add(comp.id, comp.text)
        self.why[comp.id] = comp.why

    def add_cell(self, cell) -> None:
        """A libNeuroML cell that uses a LEMS-only channel (the validator wants a
        channelDensity's channel in the same document)."""
        out = io.StringIO()
        cell.export(out, 1, name_="cell", namespacedef_="")
        self.add(cell.id, out.getvalue().strip())


def move_network(nml_path, lems_only_path, parts: LemsOnlyFile) -> None:
    """Write the LEMS-only file: ``parts`` and the network of the written document at
    ``nml_path`` without its annotation; the network leaves that document. Warns that the
    annotation is left out."""
    warnings.warn(f"{', '.join(parts.why)}: no NeuroML document holds them "
                  f"({'; '.join(parts.why.values())}): written, with the network using them, "
                  f"to {Path(lems_only_path).name} (a LEMS file, as jNeuroML reads them) "
                  "without neuroloom's annotation, so a re-import reads the files as they are "
                  "(connectivity rule labels, normalised positions and cell tags are not "
                  "kept)", stacklevel=3)
    tag = f'<property tag="{nc.ANNOTATION_TAG}"'
    kept = Path(nml_path).with_suffix(".rest")
    with open(nml_path, encoding="utf-8") as src, open(kept, "w", encoding="utf-8") as rest, \
            atomic_path(lems_only_path, suffix=".xml") as tmp, \
            open(tmp, "w", encoding="utf-8") as lems:
        lems.write('<?xml version="1.0" encoding="UTF-8"?>\n<Lems>\n    <!-- written by '
                   "neuroloom: components NeuroML's schema has no form for "
                   f"({'; '.join(f'{k}: {v}' for k, v in parts.why.items())}), what they "
                   "name, and the network using them -->\n")
        lems.writelines(f"    {text}\n" for text in parts.texts.values())
        inside = False
        for line in src:
            if line.startswith("    <network "):
                inside = True
            if inside:
                if not line.lstrip().startswith(tag):
                    lems.write(line)
            else:
                rest.write(line)
            if line.startswith("    </network>"):
                inside = False
        lems.write("</Lems>\n")
    kept.replace(nml_path)
