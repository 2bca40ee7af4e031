"""Saving runs (JSON, pickle, HDF5, traces as .dat/.csv, timing) and loading them back:
equal tables, specs and results, and the same spikes when a loaded network is re-run."""
import json
import pickle

import h5py
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import FormatError
from neuroloom.sim import state


@pytest.fixture
def saved(tmp_path, monkeypatch):
    """Tutorial 2, its S->M weights changed after building (so only the saved network,
    not one rebuilt from the spec, has them), run and saved in every format."""
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.analysis = {}
    cfg.recordCells = [1, 25]
    cfg.saveFolder, cfg.filename = "out", "run"
    cfg.saveJson = cfg.savePickle = cfg.saveHDF5 = True
    cfg.saveSpikesSonata = False
    sim.create(net, cfg)
    sim.net.modifyConns({"conds": {"label": "S->M"}, "postConds": {"y": [0, 50]},
                        "weight": 0.02})
    sim.simulate()
    paths = sim.saveData()
    original = state.current()
    assert sorted(p.name for p in paths) == ["run_data.h5", "run_data.json", "run_data.pkl"]
    yield original, {p.suffix: p for p in paths}
    state.peek().clear()
    original.clear()
    assert list(neuron_h().allsec()) == []


@pytest.mark.parametrize("suffix", [".json", ".pkl", ".h5"])
def test_load_gives_the_saved_run_and_reruns_it_bit_for_bit(saved, suffix):
    original, paths = saved
    before = original.sim_data
    loaded = sim.load(paths[suffix])
    assert loaded is state.current() and loaded is not original
    assert loaded.network == original.network  # every table and catalog
    assert set(loaded.network.conns.weight.tolist()) == {0.01, 0.02}
    assert sim.net.params == original.net_params and sim.cfg == original.sim_config
    data = sim.allSimData
    assert set(data) == set(before)
    np.testing.assert_array_equal(data["spkt"], before["spkt"])
    np.testing.assert_array_equal(data["spkid"], before["spkid"])
    np.testing.assert_array_equal(data["V_soma"]["cell_25"], before["V_soma"]["cell_25"])
    assert data["avgRate"] == before["avgRate"]
    sim.simulate()  # the loaded network, instantiated as saved
    np.testing.assert_array_equal(sim.allSimData["spkt"], before["spkt"])
    np.testing.assert_array_equal(sim.allSimData["spkid"], before["spkid"])


def test_hdf5_layout_holds_tables_as_datasets(saved):
    original, paths = saved
    with h5py.File(paths[".h5"], "r") as f:
        assert f.attrs["format"] == "neuroloom-data/1"
        np.testing.assert_array_equal(f["net/conns/weight"][()], original.network.conns.weight)
        np.testing.assert_array_equal(f["simData/spkt"][()], original.sim_data["spkt"])
        assert json.loads(f["simConfig"][()])["filename"] == "run"
        provenance = json.loads(f["net/catalogs"][()])["provenance"]
        assert provenance["seeds"] == dict(original.network.provenance.seeds)


def test_load_parts(saved):
    original, paths = saved
    cfg = sim.loadSimCfg(paths[".json"])
    assert cfg == original.sim_config and sim.cfg is cfg
    data = sim.loadSimData(paths[".h5"])
    np.testing.assert_array_equal(data["spkid"], original.sim_data["spkid"])
    sim.loadNet(paths[".pkl"], instantiate=False)
    assert state.current().network == original.network
    assert state.current().model is None  # not instantiated


def test_save_data_include_and_sim_label(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.analysis = {}
    cfg.saveJson, cfg.saveSpikesSonata = True, False
    cfg.saveDataInclude = ["simData", "netPops"]
    cfg.simLabel, cfg.saveFolder = "label1", "results"
    try:
        sim.createSimulateAnalyze(net, cfg)
        path = tmp_path / "results" / "label1_data.json"
        data = json.loads(path.read_text())
        assert set(data) == {"neuroloom_version", "run_id", "simData", "net"}
        assert [p["label"] for p in data["net"]["pops"]] == ["S", "M"]
        assert "cells" not in data["net"]
        assert len(data["simData"]["spkt"]) == len(sim.allSimData["spkt"]) > 0
    finally:
        state.peek().clear()


def test_traces_as_dat_and_csv_and_timing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.analysis = {}
    cfg.recordCells = [1, 25]
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.saveDat = cfg.saveCSV = cfg.saveTiming = True
    try:
        sim.createSimulateAnalyze(net, cfg)
        rec = state.current().recordings
        # NetPyNE's saveDat: <trace>_cell_<gid>.dat, time in s and the value / 1000
        for gid in (1, 25):
            dat = np.loadtxt(tmp_path / f"V_soma_cell_{gid}.dat")
            np.testing.assert_allclose(dat[:, 0], rec.t / 1000)
            np.testing.assert_allclose(dat[:, 1], rec.traces["V_soma"][gid] / 1000)
        header = (tmp_path / "tut2_traces.csv").read_text().splitlines()[0]
        assert header.split(",") == ["t", "V_soma_cell_1", "V_soma_cell_25"]
        csv = np.loadtxt(tmp_path / "tut2_traces.csv", delimiter=",", skiprows=1)
        np.testing.assert_allclose(csv[:, 2], rec.traces["V_soma"][25])
        timing = json.loads((tmp_path / "tut2_timing.json").read_text())
        # every step up to saving (the plots come after)
        assert timing == pytest.approx({k: v for k, v in sim.timingData.items()
                                        if k != "plotTime"})
        assert {"initTime", "buildTime", "createTime", "runTime", "saveTime"} <= set(timing)
        assert all(v >= 0 for v in timing.values()) and timing["runTime"] > 0
    finally:
        state.peek().clear()


class _Bomb:
    """A pickle that would write a file when unpickled."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize("suffix", [".json", ".h5"])
def test_loading_data_files_never_unpickles(tmp_path, suffix):
    marker = tmp_path / "pwned"
    path = tmp_path / f"evil{suffix}"
    path.write_bytes(pickle.dumps({"neuroloom_version": "0", "x": _Bomb(str(marker))}))
    with pytest.raises(FormatError, match="is not a"):
        sim.load(path)
    assert not marker.exists()


def test_loading_other_files_is_a_clear_error(tmp_path):
    with pytest.raises(FormatError, match="does not exist"):
        sim.load(tmp_path / "missing.json")
    (tmp_path / "x.txt").write_text("{}")
    with pytest.raises(FormatError, match=r"use a \.json, \.pkl or \.h5"):
        sim.load(tmp_path / "x.txt")
    (tmp_path / "other.json").write_text('{"a": 1}')
    with pytest.raises(FormatError, match="not a saved neuroloom run"):
        sim.load(tmp_path / "other.json")
