"""neuroloom's annotation of an exported NeuroML network: what NeuroML cannot hold exactly.

NeuroML carries the cells, synapses, positions, connections and inputs; it has no place for
neuroloom's catalogs as they were (cell types with every NEURON section setting, synMech
labels, connectivity and stimulation rule labels, NetStim noise, per-target parameters of
stimuli, VClamp), nor for normalised positions and cell tags. They go, as JSON compressed
with zlib and written in base64, into a property of the network (an attribute "neuroloom"
of /neuroml/network in HDF5):

    <network ...><property tag="neuroloom" value="eNrtXQt0VNW5..."/>

A property, not an <annotation>: jLEMS reads annotation content as components and stops at
an unknown one; base64, because jLEMS's XML reader does not accept quotes inside values. The importer builds the network from the NeuroML elements and takes
from the annotation only what those elements cannot say: the annotation's catalogs are used
only if they agree with the ones built from NeuroML (see importers/neuroml.py), so an
edited file is never silently overridden.

The value starts with a digest of the document as neuroml/reader.py reads it (the network's
attributes, the components of the network's file, its populations, projections and input
lists; everything but this property), then a colon and the packed JSON:

    value="<network>.<components>.<populations>.<projections>.<inputs>:eNrtXQt0VNW5..."

one truncated SHA-256 per part, so the importer can say which part was edited. The exporter
writes the file with a placeholder, reads it back and fills the digest in (the same function
at write and read): a digest of what was read, not of the bytes, so a file whose text is
laid out or its attributes ordered differently but says the same is still recognised, and so
is the file libNeuroML writes when it reads and writes it again (numbers are compared as
float32; positions, weights and delays always come from the file).
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import xml.etree.ElementTree as ET
import zlib

import numpy as np

from ..errors import FormatError
from ..model.serialize import catalogs_from_dict, catalogs_to_dict
from ..model.tables import SpikeTrains, StimTable
from . import conventions as nc


def text(network, ids: dict, run) -> str:
    """The annotation (packed JSON): catalogs, cell columns NeuroML lacks, the stimulus table and
    trains, and ``ids``: the NeuroML ids of populations, cell types and synapses, and the
    rule each projection belongs to."""
    cells = network.cells
    data = {
        "format": nc.ANNOTATION_FORMAT,
        "catalogs": catalogs_to_dict(network),
        "cells": {"xnorm": _array(cells.xnorm), "ynorm": _array(cells.ynorm),
                  "znorm": _array(cells.znorm),
                  "extra": {k: _array(v) for k, v in cells.extra.items()}},
        "stims": {**{k: _array(v) for k, v in network.stims.columns().items()},
                  "extra": {k: _array(v) for k, v in network.stims.extra.items()}},
        "stimTrains": _trains(network.stim_trains),
        "spikeTrains": _trains(network.spike_trains),
        "ids": ids,
        "run": {"v_init": run.v_init, "celsius": run.celsius, "seeds": run.seeds},
    }
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)
    return f"{PLACEHOLDER}:{base64.b64encode(packed).decode('ascii')}"


def xml(network, ids: dict, run, indent: str = "") -> str:
    return (f'{indent}<property tag="{nc.ANNOTATION_TAG}" '
            f'value="{text(network, ids, run)}"/>\n')


def read(text_: str, where: str) -> dict:
    """Network keyword arguments and ids from an annotation (``digest``: the content digest
    it carries, None in an annotation without one)."""
    digest, _, packed = text_.rpartition(":")
    try:
        data = json.loads(zlib.decompress(base64.b64decode(packed, validate=True)))
    except (ValueError, zlib.error) as err:
        raise FormatError(f"{where}: neuroloom annotation is not valid JSON ({err})") from None
    if data.get("format") != nc.ANNOTATION_FORMAT:
        raise FormatError(f"{where}: neuroloom annotation of format {data.get('format')!r}, "
                          f"expected {nc.ANNOTATION_FORMAT!r}")
    try:
        out = catalogs_from_dict(data["catalogs"])
        stims = {k: _from(v) for k, v in data["stims"].items() if k != "extra"}
        out["stims"] = StimTable(**stims, extra={k: _from(v) for k, v in
                                                 data["stims"]["extra"].items()})
        out["stim_trains"] = SpikeTrains(**{k: _from(v) for k, v in data["stimTrains"].items()})
        out["spike_trains"] = SpikeTrains(**{k: _from(v) for k, v in
                                             data["spikeTrains"].items()})
        out["cell_columns"] = {k: _from(data["cells"][k]) for k in ("xnorm", "ynorm", "znorm")}
        out["cell_extra"] = {k: _from(v) for k, v in data["cells"]["extra"].items()}
        ids = data["ids"]
        out["population_ids"] = ids["pops"]
        out["projection_rules"] = ids["projections"]
        out["cellTypes"], out["synapses"] = ids["cellTypes"], ids["synapses"]
        # mechanism jNeuroML generated -> the id of the channel or synapse it was made from
        out["generated"] = ids.get("generated", {})
        out["run"] = data["run"]
        out["digest"] = digest if len(digest) == len(PLACEHOLDER) else None
    except (KeyError, TypeError, ValueError) as err:
        raise FormatError(f"{where}: neuroloom annotation is incomplete ({err!r})") from None
    return out


def _array(values) -> dict:
    """A numpy column, exactly: numbers as base64 of their bytes, strings as a list."""
    values = np.asarray(values)
    if values.dtype.kind in "US":
        return {"strings": values.astype(str).tolist()}
    return {"dtype": values.dtype.str, "data": base64.b64encode(
        np.ascontiguousarray(values).tobytes()).decode("ascii")}


def _from(entry) -> np.ndarray:
    if "strings" in entry:
        return np.array(entry["strings"], dtype=str)
    return np.frombuffer(base64.b64decode(entry["data"]), dtype=np.dtype(entry["dtype"])).copy()


def _trains(trains) -> dict:
    return {"gids": _array(trains.gids), "bounds": _array(trains.bounds),
            "times": _array(trains.times)}


# -- the digest of a document's content ---------------------------------------------------------
#: the parts of a document the digest covers, in the order it lists them
DIGEST_PARTS = ("network attributes", "components", "populations", "projections",
                "input lists")
_PART_HEX = 32  # hex digits of each part's digest (128 bits of SHA-256)
#: what the exporter writes before it knows the digest (replaced in place: same length)
PLACEHOLDER = ".".join("0" * _PART_HEX for _ in DIGEST_PARTS)
#: fields of the reader's population and projection data that say where, not what
_LOCATION_FIELDS = frozenset({"where", "file", "line"})


def digest(doc) -> str:
    """The digest of a document's network as neuroml/reader.py read it (``doc``: its
    Document): one hash per part of DIGEST_PARTS, joined by dots."""
    net = doc.networks[doc.network_id]
    hashes = [hashlib.sha256() for _ in DIGEST_PARTS]
    attrs, comps, pops, projs, inputs = hashes
    _feed(attrs, [net.id, net.temperature])
    for comp_id in sorted(c for c, comp in doc.components.items() if comp.file == net.file):
        _feed(comps, [comp_id, _canonical(doc.components[comp_id].element)])
    for pop in net.populations:
        _feed(pops, _fields(pop))
    for proj in net.projections:
        _feed(inputs if proj.kind == "inputList" else projs, _fields(proj))
    return ".".join(h.hexdigest()[:_PART_HEX] for h in hashes)


def changed_parts(expected: str | None, doc) -> list[str]:
    """The parts (names from DIGEST_PARTS) in which ``doc`` differs from the digest an
    annotation carries; every part when it carries none."""
    if expected is None:
        return list(DIGEST_PARTS)
    found = digest(doc).split(".")
    return [name for name, a, b in zip(DIGEST_PARTS, expected.split("."), found) if a != b]


def _fields(obj) -> list:
    return [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)
            if f.name not in _LOCATION_FIELDS]


def _canonical(element: ET.Element) -> list:
    """An element as nested lists: tag without prefix, sorted attributes, text, children."""
    return [element.tag.rsplit(":", 1)[-1].rsplit("}", 1)[-1], sorted(element.attrib.items()),
            (element.text or "").strip(), [_canonical(c) for c in element
                                            if isinstance(c.tag, str)]]


def _feed(h, value) -> None:
    """Feed a value of the reader's data into a hash, unambiguously (type, length, content)."""
    if isinstance(value, np.ndarray):
        # numbers to float32: libNeuroML writes positions to 16 digits (1.1908758587791946 ->
        # 1.190875858779195) and its HDF5 tables in float32; the importer takes positions,
        # weights and delays from the file anyway, never from the annotation
        value = np.ascontiguousarray(value.astype(np.float32) if value.dtype.kind == "f"
                                     else value)
        h.update(f"a{value.dtype.str}{value.shape}".encode())
        h.update(value.tobytes() if value.dtype.kind != "O" else repr(value.tolist()).encode())
    elif isinstance(value, dict):
        h.update(f"d{len(value)}".encode())
        for key, item in value.items():
            _feed(h, key)
            _feed(h, item)
    elif isinstance(value, (list, tuple)):
        h.update(f"l{len(value)}".encode())
        for item in value:
            _feed(h, item)
    else:
        text = repr(value).encode()
        h.update(f"s{len(text)}:".encode() + text)
