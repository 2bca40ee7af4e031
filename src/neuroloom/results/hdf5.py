"""Saved runs in one HDF5 file (h5py): the canonical tables and the recordings as
datasets, the spec, catalogs and provenance as JSON text.

    /                    attrs: format, neuroloom_version
    /netParams, /simConfig          JSON text
    /net/catalogs        JSON text (populations, cell types, rules, sizes, provenance)
    /net/{cells,conns,stims}/<column>, .../extra/<column>
    /net/{spikeTrains,stimTrains}/{gids,bounds,times}
    /simData/scalars     JSON text (avgRate, popRates, stims (recordStim), ...)
    /simData/{spkt,spkid,t}, /simData/traces/<label>/cell_<gid>
    /simData/{LFP,dipoleSum}                 time x channels
    /simData/{LFPCells,dipoleCells,LFPPops,dipolePops}/{keys,data}   gids or population
                         labels, and their signals stacked (cells x time x channels)

JSON text is kept in string datasets, not attributes: HDF5 attributes are limited to
64 kB, which a detailed cell model's spec exceeds.
"""
from __future__ import annotations

import json

import h5py
import numpy as np

from ..atomic import atomic_path
from ..errors import FormatError
from ..specs.dicts import to_plain
from .simdata import LFP_ARRAYS, LFP_BY_GID, LFP_BY_POP

FORMAT = "neuroloom-data/1"
TABLES = ("cells", "conns", "stims")
TRAINS = ("spikeTrains", "stimTrains")
ARRAYS = ("spkt", "spkid", "t") + LFP_ARRAYS


def write_hdf5(path, payload: dict) -> None:
    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs["format"] = FORMAT
            f.attrs["neuroloom_version"] = payload.get("neuroloom_version", "")
            if payload.get("run_id"):  # the run's id, as its spike file has it (run_id.py)
                f.attrs["run_id"] = payload["run_id"]
            for name in ("netParams", "simConfig"):
                if name in payload:
                    _put_json(f, name, payload[name])
            if "net" in payload:
                _write_net(f.create_group("net"), payload["net"])
            if "simData" in payload:
                _write_sim_data(f.create_group("simData"), payload["simData"])


def _write_net(group, net: dict) -> None:
    rest = {k: v for k, v in net.items() if k not in TABLES + TRAINS}
    _put_json(group, "catalogs", rest)
    for name in TABLES:
        if name not in net:
            continue
        table = group.create_group(name)
        columns = dict(net[name])
        extra = columns.pop("extra", {})
        for column, values in columns.items():
            table.create_dataset(column, data=np.asarray(values))
        extra_group = table.create_group("extra")
        for column, values in extra.items():
            values = np.asarray(values)
            extra_group.create_dataset(column, data=values.astype("S") if values.dtype.kind
                                       in "US" else values)
    for name in TRAINS:
        if name in net:
            trains = group.create_group(name)
            for key, values in net[name].items():
                trains.create_dataset(key, data=np.asarray(values))


def _write_sim_data(group, sim_data: dict) -> None:
    traces = group.create_group("traces")
    scalars = {}
    for key, value in sim_data.items():
        if key in ARRAYS:
            group.create_dataset(key, data=np.asarray(value))
        elif key in LFP_BY_GID + LFP_BY_POP:
            _write_stacked(group.create_group(key), value, key in LFP_BY_GID)
        elif key == "stims":  # {cell: {source: times}}: small, kept with the scalars
            scalars[key] = value
        elif isinstance(value, dict) and value and all(k.startswith("cell_") for k in value):
            trace = traces.create_group(key)
            for cell, samples in value.items():
                trace.create_dataset(cell, data=np.asarray(samples))
        else:
            scalars[key] = value
    _put_json(group, "scalars", scalars)


def read_hdf5(path) -> dict:
    """The payload a saved file holds: plain data, with numpy arrays for the tables'
    columns and the recordings. A damaged file (truncated, a group or dataset missing or
    of another kind, JSON text that is not JSON) is a FormatError naming it."""
    try:
        if not h5py.is_hdf5(path):
            raise FormatError(f"{str(path)!r} is not an HDF5 file")
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != FORMAT:
                raise FormatError(f"{str(path)!r} is not a neuroloom data file (format "
                                  f"{f.attrs.get('format')!r})")
            out = {"neuroloom_version": str(f.attrs.get("neuroloom_version", ""))}
            for name in ("netParams", "simConfig"):
                if name in f:
                    out[name] = _get_json(f, name)
            if "net" in f:
                out["net"] = _read_net(f["net"])
            if "simData" in f:
                out["simData"] = _read_sim_data(f["simData"])
    except FormatError:
        raise
    # h5py raises OSError for a truncated file, RuntimeError for damaged metadata,
    # KeyError/TypeError/AttributeError for groups and datasets missing or of another
    # kind, and others still for other damage: all of them mean a damaged file
    except Exception as err:
        raise FormatError(f"{str(path)!r} is a damaged neuroloom HDF5 data file "
                          f"({type(err).__name__}: {err})") from None
    return out


def _read_net(group) -> dict:
    net = _get_json(group, "catalogs")
    for name in TABLES:
        if name in group:
            table = {k: v[()] for k, v in group[name].items() if k != "extra"}
            table["extra"] = {k: v[()].astype(str) if v.dtype.kind == "S" else v[()]
                              for k, v in group[name]["extra"].items()}
            net[name] = table
    for name in TRAINS:
        if name in group:
            net[name] = {k: v[()] for k, v in group[name].items()}
    return net


def _read_sim_data(group) -> dict:
    out = _get_json(group, "scalars")
    for key in ARRAYS:
        if key in group:
            out[key] = group[key][()]
    for label, trace in group["traces"].items():
        out[label] = {cell: samples[()] for cell, samples in trace.items()}
    for key in LFP_BY_GID + LFP_BY_POP:
        if key in group:
            keys, data = group[key]["keys"][()], group[key]["data"][()]
            out[key] = {(int(k) if key in LFP_BY_GID else k.decode("utf-8")): signal
                        for k, signal in zip(keys, data)}
    return out


def _write_stacked(group, signals: dict, by_gid: bool) -> None:
    """Signals of equal shape by gid or population label: keys and one 3D dataset
    (labels are not dataset names: a label may hold '/')."""
    keys = list(signals)
    group.create_dataset("keys", data=np.asarray(keys, dtype=np.int64) if by_gid else
                         np.asarray(keys, dtype=object), dtype=None if by_gid else
                         h5py.string_dtype("utf-8"))
    group.create_dataset("data", data=np.asarray([signals[k] for k in keys], dtype=float))


def _put_json(group, name, value) -> None:
    group.create_dataset(name, data=json.dumps(to_plain(value)),
                         dtype=h5py.string_dtype("utf-8"))


def _get_json(group, name):
    return json.loads(group[name][()].decode("utf-8"))
