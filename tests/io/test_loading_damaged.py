"""A damaged saved run is a FormatError naming the file (and the table, column and row),
never a raw exception nor a run silently different (issue 19, item 5); `neuroloom info` on
each says so in one line, without a traceback."""
import json
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

from neuroloom import cli, sim
from neuroloom.cli import main
from neuroloom.errors import FormatError
from neuroloom.importers import sonata
from neuroloom.sim.sources import open_model
from neuroloom.sonata.files import read_spike_file
from saved_runs import edit_h5, edit_json, edit_pickle, replace_dataset, write_run

NETPYNE_RUN = Path(__file__).resolve().parents[1] / "data" / "netpyne_saved" / "small_data.json"


def truncated(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


def emptied(path):
    path.write_bytes(b"")
    return path


def a_folder(path):
    path.mkdir()
    return path


def too_deep(path):
    path.write_text("[" * 100000 + "]" * 100000)
    return path


CONTAINERS = {
    "truncated .h5": (lambda p: truncated(write_run(p / "run_data.h5")), "damaged"),
    "truncated .json": (lambda p: truncated(write_run(p / "run_data.json")), "not a JSON"),
    "truncated .pkl": (lambda p: truncated(write_run(p / "run_data.pkl")), "truncated"),
    "empty .pkl": (lambda p: emptied(p / "run_data.pkl"), "it is empty"),
    "empty .json": (lambda p: emptied(p / "run_data.json"), "not a JSON"),
    "folder .json": (lambda p: a_folder(p / "run_data.json"), "is a folder"),
    "folder .pkl": (lambda p: a_folder(p / "run_data.pkl"), "is a folder"),
    "folder .h5": (lambda p: a_folder(p / "run_data.h5"), "is a folder"),
    "deep .json": (lambda p: too_deep(p / "run_data.json"), "not a JSON"),
    "catalogs not JSON in .h5": (lambda p: edit_h5(write_run(p / "run_data.h5"), lambda f:
                                 replace_dataset(f, "net/catalogs", np.bytes_(b"{x"))),
                                 "damaged"),
}


@pytest.mark.parametrize("name", CONTAINERS)
def test_a_damaged_container_names_the_file(tmp_path, name):
    make, what = CONTAINERS[name]
    path = make(tmp_path)
    with pytest.raises(FormatError, match=what) as error:
        sim.loadSimData(str(path))
    assert path.name in str(error.value)


def conn_value(column, value):
    return lambda d: d["net"]["conns"][column].__setitem__(3, value)


TABLE_DAMAGE = {
    "pre_gid 999": (conn_value("pre_gid", 999), r"'conns', column 'pre_gid', row 3: 999 is "
                                                "not a gid of the 40 cells"),
    "post_gid -1": (conn_value("post_gid", -1), r"'conns', column 'post_gid', row 3: -1"),
    "float gid": (conn_value("pre_gid", 3.5), r"'pre_gid', row 3: 3.5 is not an integer"),
    "string gid": (conn_value("pre_gid", "3"), r"'pre_gid', row 0: '1' is not a number"),
    "NaN weight": (conn_value("weight", float("nan")), r"'weight', row 3: nan is not finite"),
    "inf weight": (conn_value("weight", float("inf")), r"'weight', row 3: inf is not finite"),
    "delay -3": (conn_value("delay", -3), r"'delay', row 3: -3.0 is not a finite value >= 0"),
    "sec 7": (conn_value("sec", 7), r"'sec', row 3: 7 is not in -1..1"),
    "sec -1": (conn_value("sec", -1), r"'sec', row 3: no section \(-1\) is not a section of "
                                      r"cell 20 \('PYR'\)"),
    "loc 5": (conn_value("loc", 5), r"'loc', row 3: 5.0 is not in \[0, 1\]"),
    "missing column": (lambda d: d["net"]["conns"].pop("weight"),
                       r"table 'conns' has no column 'weight'"),
    "short column": (lambda d: d["net"]["conns"]["weight"].pop(),
                     r"table 'conns', column 'weight' has 202 rows; column 'pre_gid' has 203"),
    "missing catalog": (lambda d: d["net"].pop("synMechs"), r"has no 'synMechs'"),
    "damaged catalog": (lambda d: d["net"]["synMechs"][0].pop("mod"),
                        r"catalogs are damaged \(KeyError: 'mod'\)"),
    "stim gid 999": (lambda d: d["net"]["stims"]["gid"].__setitem__(0, 999),
                     r"'stims', column 'gid', row 0: 999"),
    "spike time NaN": (lambda d: d["simData"]["spkt"].__setitem__(1, float("nan")),
                       r"simData\['spkt'\], row 1: nan"),
    "spike gid 2.5": (lambda d: d["simData"]["spkid"].__setitem__(2, 2.5),
                      r"simData\['spkid'\], row 2: 2.5 is not a gid"),
    "net not a dict": (lambda d: d.update(net=5), r"its 'net' is a int"),
}


@pytest.mark.parametrize("name", TABLE_DAMAGE)
def test_a_damaged_table_names_file_table_column_and_row(tmp_path, name):
    change, message = TABLE_DAMAGE[name]
    path = edit_json(write_run(tmp_path / "run_data.json"), change)
    with pytest.raises(FormatError, match=message) as error:
        sim.load(str(path), instantiate=False)
    assert str(error.value).startswith(repr(str(path)))


def test_pickle_and_hdf5_tables_are_checked_alike(tmp_path):
    pkl = edit_pickle(write_run(tmp_path / "run_data.pkl"),
                      conn_value("weight", float("nan")))
    with pytest.raises(FormatError, match=r"run_data\.pkl': table 'conns', column 'weight', "
                                          r"row 3: nan"):
        open_model(pkl, trust_pickle=True)
    h5 = edit_h5(write_run(tmp_path / "run_data.h5"), lambda f: replace_dataset(
        f, "net/conns/pre_gid", f["net/conns/pre_gid"][()] + 0.5))
    with pytest.raises(FormatError, match=r"run_data\.h5': table 'conns', column 'pre_gid', "
                                          r"row 0: 1.5 is not an integer"):
        open_model(h5)
    h5 = edit_h5(write_run(tmp_path / "other_data.h5"), lambda f: f.__delitem__(
        "net/conns/delay"))
    with pytest.raises(FormatError, match=r"other_data\.h5': table 'conns' has no column "
                                          "'delay'"):
        open_model(h5)


@pytest.mark.parametrize("suffix", [".json", ".pkl", ".h5"])
def test_a_run_without_simconfig_warns_naming_the_defaults(tmp_path, suffix):
    path = write_run(tmp_path / f"run_data{suffix}", include=("netParams", "netCells"))
    with pytest.warns(UserWarning, match=r"run_data\..* holds no simConfig: SimConfig's "
                                         r"defaults are used \(duration 1000\.0, dt 0\.025"):
        model = open_model(path, trust_pickle=True)
    assert model.sim_config.duration == 1000.0
    with warnings.catch_warnings():  # saved with it: its own 100 ms, no warning
        warnings.simplefilter("error")
        assert open_model(write_run(tmp_path / f"full{suffix}"),
                          trust_pickle=True).sim_config.duration == 100


def netpyne_conn(data):
    cell = data["net"]["cells"][20]
    return next(c for c in cell["conns"] if isinstance(c["preGid"], int))


NETPYNE_DAMAGE = {
    "preGid 999": (lambda d: netpyne_conn(d).update(preGid=999),
                   r"cell 20 conns\[0\]\.preGid: 999 is not a gid of the 24 cells"),
    "NaN weight": (lambda d: netpyne_conn(d).update(weight=float("nan")),
                   r"cell 20 conns\[0\]\.weight: nan is not finite"),
    "delay -3": (lambda d: netpyne_conn(d).update(delay=-3), r"conns\[0\]\.delay: -3"),
    "loc 5": (lambda d: netpyne_conn(d).update(loc=5), r"conns\[0\]\.loc: 5 is not in"),
    "float preGid": (lambda d: netpyne_conn(d).update(preGid=1.5),
                     r"conns\[0\]\.preGid: 1.5 is not an integer"),
    "no weight": (lambda d: netpyne_conn(d).pop("weight"), r"conns\[0\] has no 'weight'"),
    "float cell gid": (lambda d: d["net"]["cells"][1].update(gid=1.5),
                       r"net\['cells'\]\[1\]\.gid: 1.5 is not an integer"),
}


@pytest.mark.parametrize("name", NETPYNE_DAMAGE)
def test_a_damaged_netpyne_file_names_the_connection(tmp_path, name):
    change, message = NETPYNE_DAMAGE[name]
    data = json.loads(NETPYNE_RUN.read_text())
    change(data)
    path = tmp_path / "np_data.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FormatError, match=message):
        open_model(path)


@pytest.mark.parametrize("name", ["truncated .h5", "truncated .pkl", "empty .pkl",
                                  "folder .pkl", "catalogs not JSON in .h5"])
def test_info_on_a_damaged_file_is_one_line(tmp_path, capsys, name):
    path = CONTAINERS[name][0](tmp_path)
    assert main(["info", str(path), "--trust-pickle"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and len(out.err.strip().splitlines()) == 1
    assert "Traceback" not in out.err and path.name in out.err


@pytest.mark.parametrize("name", ["pre_gid 999", "missing column", "short column",
                                  "missing catalog", "loc 5", "net not a dict"])
def test_info_on_a_damaged_table_is_one_line(tmp_path, capsys, name):
    path = edit_json(write_run(tmp_path / "run_data.json"), TABLE_DAMAGE[name][0])
    assert main(["info", str(path)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("neuroloom info: FormatError")


def test_an_unexpected_error_is_one_line_naming_a_bug(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise TypeError("something\nunforeseen")

    monkeypatch.setattr(cli.inspect, "open_model", broken)
    path = write_run(tmp_path / "run_data.json")
    assert main(["info", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "neuroloom info: internal error, a neuroloom bug (TypeError: something unforeseen); "
        "please report it with the traceback that --debug shows"]
    with pytest.raises(TypeError):
        main(["info", str(path), "--debug"])


def spike_file(path, ids, times, layout="legacy"):
    with h5py.File(path, "w") as f:
        group = f.create_group("spikes" if layout == "legacy" else "spikes/lgn")
        group.create_dataset("gids" if layout == "legacy" else "node_ids", data=ids)
        group.create_dataset("timestamps", data=times).attrs["units"] = "ms"
    return path


SPIKE_DAMAGE = {
    "NaN time": (np.arange(4), [1.0, np.nan, 3.0, 4.0],
                 r"/spikes/timestamps, row 1: nan is not a spike time"),
    "negative time": (np.arange(4), [1.0, 2.0, -3.0, 4.0],
                      r"/spikes/timestamps, row 2: -3.0 is not a spike time"),
    "float ids": (np.array([0.0, 1.5, 2.0, 3.0]), [1.0, 2.0, 3.0, 4.0],
                  r"/spikes/gids, row 1: 1.5: node ids are floating point"),
    "negative id": (np.array([0, 1, -2, 3]), [1.0, 2.0, 3.0, 4.0],
                    r"/spikes/gids, row 2: -2 is not a node id"),
    "lengths": (np.arange(3), [1.0, 2.0, 3.0, 4.0], r"/spikes has 3 node ids \(gids\) for 4 "
                                                    r"times \(timestamps\): from row 3"),
}


@pytest.mark.parametrize("name", SPIKE_DAMAGE)
def test_a_damaged_spike_file_names_file_dataset_and_row(tmp_path, name):
    ids, times, message = SPIKE_DAMAGE[name]
    path = spike_file(tmp_path / "in.h5", ids, times)
    with pytest.raises(FormatError, match=message) as error:
        read_spike_file(path, "lgn")
    assert str(path) in str(error.value)
    path = spike_file(tmp_path / "current.h5", ids, times, layout="current")
    with pytest.raises(FormatError, match=message.replace("/spikes", "/spikes/lgn").replace(
            "gids", "node_ids")):
        read_spike_file(path, "lgn")


def test_a_spike_input_out_of_its_population_names_the_row(tmp_path):
    shared = Path("/work/shared/sonata-examples")
    if not shared.is_dir():
        pytest.skip("the SONATA examples are not on this machine")
    import shutil
    shutil.copytree(shared / "300_intfire", tmp_path / "300_intfire")
    (tmp_path / "shared_components").symlink_to(shared / "shared_components")
    path = tmp_path / "300_intfire" / "inputs" / "lgn_spikes.h5"
    with h5py.File(path, "r") as f:
        ids, times = f["spikes/gids"][()].astype(np.int64), f["spikes/timestamps"][()]
    ids[7] = 999
    spike_file(path, ids, times)
    with pytest.raises(FormatError, match=r"inputs\['LGN_spikes'\]\.input_file: .*"
                                          r"lgn_spikes\.h5: row 7: node id 999 is not in "
                                          r"population 'lgn' \(90 nodes"):
        sonata.load(tmp_path / "300_intfire" / "config.json")
