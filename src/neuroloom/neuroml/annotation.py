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
"""
from __future__ import annotations

import base64
import json
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
    return base64.b64encode(packed).decode("ascii")


def xml(network, ids: dict, run, indent: str = "") -> str:
    return (f'{indent}<property tag="{nc.ANNOTATION_TAG}" '
            f'value="{text(network, ids, run)}"/>\n')


def read(text_: str, where: str) -> dict:
    """Network keyword arguments and ids from an annotation."""
    try:
        data = json.loads(zlib.decompress(base64.b64decode(text_, validate=True)))
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
        out["run"] = data["run"]
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
