"""NeuroML documents in libNeuroML's HDF5 layout (/neuroml with the top-level XML as an
attribute, and each network's populations, projections and input lists as tables), read
into the reader's Document (neuroml/reader.py)."""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from ..errors import FormatError
from . import continuous
from .reader_data import NetworkData, PopulationData, ProjectionData

def read_hdf5(path: Path, doc, parse_xml) -> None:
    """libNeuroML's HDF5 layout into ``doc``; ``parse_xml(text)`` reads its embedded
    top-level XML (the reader's XML parser)."""
    doc.files.append(path)
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise FormatError(f"{path}: not an HDF5 file ({err})") from None
    with f:
        root = f.get("neuroml")
        if root is None:
            raise FormatError(f"{path}: no /neuroml group (not a NeuroML HDF5 file)")
        top = _attr(root, "neuroml_top_level")
        if top:
            parse_xml(top.encode())
        net = root.get("network")
        if net is None:
            return
        data = NetworkData(_attr(net, "id"), f"{path}: /neuroml/network", path,
                           _attr(net, "temperature") or None, _attr(net, "neuroloom") or None)
        if data.id in doc.networks:
            raise FormatError(f"{data.where}: network id '{data.id}' defined twice (also at "
                              f"{doc.networks[data.id].where})")
        doc.networks[data.id] = data
        for name, group in net.items():
            where = f"{path}: /neuroml/network/{name}"
            kind = name.split("_", 1)[0]
            if kind == "population":
                _hdf5_population(group, where, data)
            elif kind in ("projection", "inputList"):
                _hdf5_table(group, where, data, kind)
            else:
                raise FormatError(f"{where}: unknown group")


def _attr(group, name) -> str:
    value = group.attrs.get(name, "")
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray):
        value = value.ravel()[0] if value.size else ""
        return value.decode() if isinstance(value, bytes) else str(value)
    return str(value)


def _hdf5_columns(dataset, where) -> dict:
    names = {}
    for key, value in dataset.attrs.items():
        if key.startswith("column_"):
            value = value.decode() if isinstance(value, bytes) else str(
                value[0] if isinstance(value, np.ndarray) else value)
            names[value] = int(key[len("column_"):])
    data = dataset[()]
    if data.ndim != 2:
        raise FormatError(f"{where}: expected a 2D table")
    return {name: data[:, i] for name, i in names.items()}


def _hdf5_population(group, where, net) -> None:
    pop_id = _attr(group, "id")
    pop = PopulationData(pop_id, _attr(group, "component"), int(_attr(group, "size") or 0),
                         where)
    if pop_id in group:
        cols = _hdf5_columns(group[pop_id], where)
        pop.x, pop.y, pop.z = (cols[a].astype(np.float64) for a in ("x", "y", "z"))
        pop.instance_ids = np.arange(len(pop.x))
    net.populations.append(pop)


def _hdf5_table(group, where, net, kind) -> None:
    table_id = _attr(group, "id")
    if kind == "projection":
        ptype = _attr(group, "type") or "projection"
        proj = ProjectionData(ptype, table_id, _attr(group, "presynapticPopulation"),
                              _attr(group, "postsynapticPopulation"),
                              _attr(group, "synapse") or _attr(group, "postComponent"), where)
        cols = _hdf5_columns(group[table_id], where) if table_id in group else {}
        n = len(next(iter(cols.values()))) if cols else 0
        get = (lambda name, default: cols[name] if name in cols else np.full(n, default))
        proj.columns = {
            "id": get("id", 0).astype(np.int64) if "id" in cols else np.arange(n),
            "pre": get("pre_cell_id", 0).astype(np.int64),
            "post": get("post_cell_id", 0).astype(np.int64),
            "pre_segment": get("pre_segment_id", 0).astype(np.int64),
            "pre_fraction": get("pre_fraction_along", 0.5).astype(np.float64),
            "post_segment": get("post_segment_id", 0).astype(np.int64),
            "post_fraction": get("post_fraction_along", 0.5).astype(np.float64),
            "weight": get("weight", 1.0).astype(np.float64),
            "delay": get("delay", 0.0).astype(np.float64),  # ms
            "synapse": None}
        if ptype == "continuousProjection":  # its two components: attributes of the group
            proj.columns.update(continuous.hdf5_components(
                _attr(group, "preComponent"), _attr(group, "postComponent"), n))
    else:
        proj = ProjectionData("inputList", table_id, "", _attr(group, "population"),
                              _attr(group, "component"), where)
        cols = _hdf5_columns(group[table_id], where) if table_id in group else {}
        n = len(next(iter(cols.values()))) if cols else 0
        get = (lambda name, default: cols[name] if name in cols else np.full(n, default))
        proj.columns = {"id": get("id", 0).astype(np.int64),
                        "cell": get("target_cell_id", 0).astype(np.int64),
                        "segment": get("segment_id", 0).astype(np.int64),
                        "fraction": get("fraction_along", 0.5).astype(np.float64),
                        "weight": get("weight", 1.0).astype(np.float64)}
    net.projections.append(proj)
