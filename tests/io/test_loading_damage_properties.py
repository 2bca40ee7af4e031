"""Property-based: a small saved run (JSON, pickle, HDF5), damaged at random (bytes cut at
any offset, a key or column dropped, a value made NaN/inf/negative/fractional/out of
range/of another type, a column shortened), either loads equal to the original or is a
FormatError naming the file; never another exception, and never runs code (issue 19). A
byte changed anywhere may make another valid run: there only the absence of any other
exception is asked."""
import json
import pickle
import shutil
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuroloom.errors import FormatError
from neuroloom.results.save import load_payload
from neuroloom.results.simdata import saved_sim_data
from neuroloom.sim.sources import open_model
from saved_runs import tiny_network, write_run

SUFFIXES = (".json", ".pkl", ".h5")
TABLES = {"cells": ("pop", "cell_type", "index", "x", "y", "z", "xnorm", "ynorm", "znorm"),
          "conns": ("pre_gid", "post_gid", "syn_mech", "weight", "delay", "sec", "loc",
                    "rule"),
          "stims": ("gid", "source", "rule", "sec", "loc", "syn_mech", "weight", "delay")}
#: values no column may hold, and those out of range for some: (column -> bad values)
ALWAYS_BAD = (float("nan"), float("inf"), "x", None, [1, 2])
BAD = {"pre_gid": (999, -1, 2.5), "post_gid": (40, -1, 0.5), "gid": (40, -3, 1.5),
       "pop": (2, -1, 0.5), "cell_type": (1, -1), "index": (-1, 0.5),
       "syn_mech": (1, -2, 0.5), "sec": (2, -2, 0.25), "rule": (1, -2, 0.5),
       "source": (1, -1), "delay": (-3.0, -0.001), "loc": (5.0, -0.5, 1.0001)}
CATALOG_KEYS = ("format", "size", "pops", "cellTypes", "synMechs", "stimSources",
                "sectionNames", "connRules", "stimRules", "spikeTrains", "stimTrains",
                "provenance")
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("originals")
    return {suffix: write_run(folder / f"run_data{suffix}") for suffix in SUFFIXES}


def load(path):
    """What sim.load reads of a saved run: its network and simData (no NEURON)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a dropped simConfig warns: defaults are used
        model = open_model(path, trust_pickle=True)
        payload = load_payload(path, trust_pickle=True)
        sim_data = saved_sim_data(payload["simData"], repr(str(path))) \
            if "simData" in payload else None
    return model.network, sim_data


def assert_named_error_or_equal(path, equal=True):
    try:
        network, sim_data = load(path)
    except FormatError as error:
        assert path.name in str(error), str(error)
        return
    assert not (path.parent / "CODE_RAN").exists()
    if not equal:
        return
    original = tiny_network()
    for table in TABLES:
        assert getattr(network, table) == getattr(original, table), f"{table} differs"
    assert network.pops == original.pops and network.syn_mechs == original.syn_mechs
    if sim_data is not None:
        assert sim_data["spkt"].tolist() == [1.0, 2.5, 7.0]
        assert sim_data["spkid"].tolist() == [0, 1, 21]


def fresh(originals, suffix, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("damaged") / f"run_data{suffix}"
    shutil.copy(originals[suffix], path)
    return path


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), cut=st.floats(0.0, 0.999))
def test_cut_bytes(originals, tmp_path_factory, suffix, cut):
    path = fresh(originals, suffix, tmp_path_factory)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * cut)])
    assert_named_error_or_equal(path)


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), offset=st.floats(0.0, 0.999),
       byte=st.integers(0, 255))
def test_flipped_byte(originals, tmp_path_factory, suffix, offset, byte):
    path = fresh(originals, suffix, tmp_path_factory)
    data = bytearray(path.read_bytes())
    data[int(len(data) * offset)] = byte
    path.write_bytes(bytes(data))
    # a digit changed is another valid value, which no format can tell: only no raw
    # exception is asked here
    assert_named_error_or_equal(path, equal=False)


def edit(path, change):
    """Change the payload as plain data (HDF5: the net's tables and catalogs)."""
    if path.suffix == ".h5":
        with h5py.File(path, "r+") as f:
            change(_H5Payload(f))
        return
    if path.suffix == ".json":
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data, allow_nan=True))
    else:
        data = pickle.loads(path.read_bytes())
        change(data)
        path.write_bytes(pickle.dumps(data))


class _H5Payload(dict):
    """Just enough of the payload's shape over an HDF5 file for the damages below."""

    def __init__(self, f):
        super().__init__(net=_H5Net(f["net"]))


class _H5Net(dict):
    def __init__(self, group):
        super().__init__()
        self.group = group
        for table in TABLES:
            self[table] = _H5Table(group[table])

    def pop(self, key, *default):
        if key in self.group:
            del self.group[key]
        return None


class _H5Table(dict):
    def __init__(self, group):
        super().__init__({k: list(v[()]) for k, v in group.items() if k != "extra"})
        self.group = group

    def pop(self, key, *default):
        del self.group[key]

    def set_column(self, key, values):
        del self.group[key]
        array = np.asarray(values)
        if array.dtype.kind in "OU":  # HDF5 holds no Python objects: write them as text
            array = array.astype(str).astype("S")
        self.group.create_dataset(key, data=array)


def _set_column(table, column, values):
    if isinstance(table, _H5Table):
        table.set_column(column, values)
    else:
        table[column] = values


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), table=st.sampled_from(tuple(TABLES)),
       data=st.data())
def test_a_bad_value(originals, tmp_path_factory, suffix, table, data):
    column = data.draw(st.sampled_from(TABLES[table]))
    value = data.draw(st.sampled_from(ALWAYS_BAD + BAD.get(column, ())))
    if suffix == ".h5" and isinstance(value, list):
        value = "x"  # a nested list makes no HDF5 column
    path = fresh(originals, suffix, tmp_path_factory)

    def change(payload):
        values = list(payload["net"][table][column])
        values[data.draw(st.integers(0, len(values) - 1))] = value
        _set_column(payload["net"][table], column, values)

    edit(path, change)
    with pytest.raises(FormatError) as error:  # every such value is out of bounds
        load(path)
    assert path.name in str(error.value)


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), table=st.sampled_from(tuple(TABLES)),
       data=st.data(), how=st.sampled_from(("drop", "shorten")))
def test_a_column_dropped_or_shortened(originals, tmp_path_factory, suffix, table, data,
                                       how):
    column = data.draw(st.sampled_from(TABLES[table]))
    path = fresh(originals, suffix, tmp_path_factory)

    def change(payload):
        columns = payload["net"][table]
        if how == "drop":
            columns.pop(column)
        else:
            _set_column(columns, column, list(columns[column])[:-1])

    edit(path, change)
    with pytest.raises(FormatError, match=f"table '{table}'") as error:
        load(path)
    assert path.name in str(error.value)


@SETTINGS
@given(suffix=st.sampled_from((".json", ".pkl")), key=st.sampled_from(CATALOG_KEYS + (
    "net", "netParams", "simConfig", "simData", "neuroloom_version")))
def test_a_key_dropped(originals, tmp_path_factory, suffix, key):
    path = fresh(originals, suffix, tmp_path_factory)

    def change(payload):
        (payload["net"] if key in CATALOG_KEYS else payload).pop(key)

    edit(path, change)
    assert_named_error_or_equal(path)


@SETTINGS
@given(key=st.sampled_from(CATALOG_KEYS + ("cells", "conns", "stims")))
def test_a_group_dropped_from_hdf5(originals, tmp_path_factory, key):
    path = fresh(originals, ".h5", tmp_path_factory)
    with h5py.File(path, "r+") as f:
        if key in f["net"]:
            del f["net"][key]
        else:  # a catalog: the JSON text of the catalogs without it
            catalogs = json.loads(f["net/catalogs"][()].decode())
            catalogs.pop(key)
            del f["net/catalogs"]
            f["net"].create_dataset("catalogs", data=json.dumps(catalogs),
                                    dtype=h5py.string_dtype("utf-8"))
    assert_named_error_or_equal(path)


def test_the_undamaged_runs_load_equal(originals):
    for path in originals.values():
        assert_named_error_or_equal(path)


NETPYNE_RUN = Path(__file__).resolve().parents[1] / "data" / "netpyne_saved" / "small_data.json"
NETPYNE_BAD = {"preGid": (999, -1, 1.5, None), "weight": (float("nan"), float("inf"), "x",
                                                          None),
               "delay": (-1.0, float("nan"), "x"), "loc": (1.5, -0.1, float("nan"), "x")}


@SETTINGS
@given(data=st.data(), key=st.sampled_from(tuple(NETPYNE_BAD)))
def test_a_bad_value_in_a_netpyne_file(tmp_path_factory, data, key):
    saved = json.loads(NETPYNE_RUN.read_text())
    conns = [c for cell in saved["net"]["cells"] for c in cell["conns"]
             if isinstance(c.get("preGid"), int)]
    conn = data.draw(st.sampled_from(conns))
    conn[key] = data.draw(st.sampled_from(NETPYNE_BAD[key]))
    path = tmp_path_factory.mktemp("netpyne") / "np_data.json"
    path.write_text(json.dumps(saved, allow_nan=True))
    with pytest.raises(FormatError, match=r"np_data\.json': cell \d+ conns\[\d+\]"):
        open_model(path)
