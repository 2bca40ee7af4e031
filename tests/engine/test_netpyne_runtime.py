"""NetPyNE's run-time API on neuroloom: sim.create(output=True), runSimWithIntervalFunc and
intervalSave, saveData(include, filename), recordStim, the saving options, node files, the
loading of NetPyNE's own saved runs (re-run: NetPyNE's spikes), and sim.net.cells[i].conns."""
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import shared, tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import SpecError
from neuroloom.sim import state
from neuroloom.sim.views import _section, _syn_mech

SAVED = Path(__file__).resolve().parents[1] / "data" / "netpyne_saved"


@pytest.fixture
def tut2(tmp_path, monkeypatch):
    """Tutorial 2's specs (200 ms, traces of cells 0 and 25, no plots), run in tmp_path;
    NEURON is left empty afterwards."""
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.duration, cfg.analysis = 200.0, {}
    cfg.recordCells = [0, 25]
    cfg.saveJson, cfg.saveSpikesSonata = False, False
    yield net, cfg
    if state.peek() is not None:
        state.peek().clear()
    assert list(neuron_h().allsec()) == []


def test_create_output_returns_netpyne_tuple(tut2):
    net, cfg = tut2
    pops, cells, conns, rxd, stims, sim_data = sim.create(net, cfg, output=True)
    assert list(pops) == ["S", "M"] and len(cells) == 40 and rxd is None
    assert [len(c) for c in conns] == [len(cell.conns) for cell in cells]
    network = state.current().network  # connections, then each cell's NetStim synapse
    assert sum(map(len, conns)) == len(network.conns) + len(network.stims)
    assert all(conn["hObj"].weight[0] == conn["weight"] for c in conns for conn in c)
    assert sum(map(len, stims)) == len(state.current().network.stims)
    assert set(sim_data) == {"spkt", "spkid", "V_soma"}
    done = sim.createSimulate(net, cfg, output=True)
    assert len(done) == 5 and done[4] is sim.allSimData and len(done[4]["spkt"]) > 0


def test_interval_function_and_interval_save(tut2, tmp_path):
    net, cfg = tut2
    sim.createSimulate(net, cfg)
    spkt, spkid = sim.allSimData["spkt"].copy(), sim.allSimData["spkid"].copy()
    cfg.intervalFolder = "temporary"  # a variable, as the intervalSaving example sets it
    sim.create(net, cfg)
    times, files = [], []

    def every(t, label):
        times.append((t, label))
        files.append(sim.intervalSave(t))
        assert files[-1].exists() and all(not f.exists() for f in files[:-1])

    sim.runSimWithIntervalFunc(50, every, funcArgs={"label": "x"})
    # NEURON's time after each piece, as NetPyNE hands it over (50.00000000000281...)
    assert [(round(t, 6), label) for t, label in times] == [
        (50.0, "x"), (100.0, "x"), (150.0, "x"), (200.0, "x")]
    sim.gatherData()
    np.testing.assert_array_equal(sim.allSimData["spkt"], spkt)  # the same run
    np.testing.assert_array_equal(sim.allSimData["spkid"], spkid)
    assert [f.name for f in (tmp_path / "temporary").iterdir()] == ["interval_200.pkl"]
    with open(files[1], "wb") as f:  # an earlier interval's data: up to 100 ms
        pickle.dump({}, f)
    state.peek().clear()
    sim.create(net, cfg)
    sim.runSimWithIntervalFunc(100, lambda t: files.append(sim.intervalSave(t)),
                               timeRange=[0, 100])
    saved = pickle.loads(files[-1].read_bytes())
    assert files[-1].name == "interval_100.pkl"
    assert set(saved) == {"neuroloom_version", "run_id", "netParams", "net", "simConfig",
                          "simData"}
    early = spkt <= 100
    np.testing.assert_array_equal(saved["simData"]["spkt"], spkt[early])
    assert len(saved["simData"]["V_soma"]["cell_25"]) == 1001  # 0..100 ms every 0.1 ms


def test_save_data_include_and_filename(tut2, tmp_path):
    net, cfg = tut2
    cfg.simLabel = "output"  # no saveFolder: NetPyNE names the files by filename
    sim.createSimulate(net, cfg)
    sim.cfg.saveJson = True
    sim.saveData()
    assert (tmp_path / "tut2_data.json").exists()
    for include, name, parts in ((["netParams"], "out_netParams", {"netParams"}),
                                 (["net"], "out_net", {"net"}),
                                 (["simConfig", "simData"], "out_cfg_data",
                                  {"simConfig", "simData"})):
        paths = sim.saveData(include=include, filename=name)
        assert [p.name for p in paths] == [f"{name}_data.json"]
        data = json.loads((tmp_path / f"{name}_data.json").read_text())
        assert set(data) == {"neuroloom_version", "run_id", *parts}
    assert sim.cfg.filename == "out_cfg_data"
    net_data = json.loads((tmp_path / "out_net_data.json").read_text())["net"]
    assert len(net_data["cells"]["pop"]) == 40 and "conns" in net_data
    with pytest.raises(SpecError, match=r"saveData\(include\).*'netParam'.*valid parts"):
        sim.saveData(include=["netParam"])


def test_saving_options_change_the_files(tut2, tmp_path):
    net, cfg = tut2
    cfg.saveJson = cfg.saveMat = True
    cfg.saveCellConns = False
    cfg.recordStim = True
    sim.createSimulate(net, cfg)
    paths = sim.saveData()
    assert sorted(p.name for p in paths) == ["tut2_data.json", "tut2_data.mat"]
    from scipy.io import loadmat

    mat = loadmat(tmp_path / "tut2_data.mat", squeeze_me=True, struct_as_record=False)
    np.testing.assert_allclose(mat["simData"].spkt, sim.allSimData["spkt"])
    data = json.loads((tmp_path / "tut2_data.json").read_text())
    assert data["net"]["conns"]["pre_gid"] == [] and data["net"]["omitted"] == ["conns"]
    # the stimulus spikes NetPyNE keeps for netClamp: every cell, by source
    stims = data["simData"]["stims"]
    assert set(stims) == {f"cell_{g}" for g in range(40)}
    assert all(set(by_source) == {"bkg"} and len(by_source["bkg"]) > 0
               for by_source in stims.values())
    with pytest.warns(UserWarning, match="without its connections"):
        sim.load(tmp_path / "tut2_data.json")
    assert len(state.current().network.conns) == 0


def test_record_stim_gives_netpyne_stim_spikes():
    """NetPyNE's file of a regular NetStim onto every cell, re-run: the same times."""
    saved = json.loads((SAVED / "small_data.json").read_text())["simData"]
    try:
        sim.load(SAVED / "small_data.json")
        sim.simulate()
        stims = sim.allSimData["stims"]
        assert set(stims) == set(saved["stims"])
        for cell, by_source in saved["stims"].items():
            assert set(stims[cell]) == set(by_source)
            for label, times in by_source.items():
                np.testing.assert_allclose(stims[cell][label], times, atol=1e-9)
    finally:
        state.peek().clear()


@pytest.mark.parametrize("name", ["small_data.json", "small_data.pkl"])
def test_netpyne_saved_run_reruns_to_netpyne_spikes(name):
    """The saved network (positions, connections: not rebuilt) re-run with NetPyNE's
    settings fires NetPyNE's spikes: the model has no other randomness."""
    saved = json.loads((SAVED / "small_data.json").read_text())
    try:
        sim.load(SAVED / name)
        network = state.current().network
        assert network.provenance.source == "NetPyNE file"
        cell = sim.net.cells[12]
        assert cell.tags["pop"] == "M" and cell.tags["y"] == saved["net"]["cells"][12]["tags"]["y"]
        def key(c):  # NetPyNE's keys (neuroloom's connections have no preLoc)
            return tuple(c.get(k) for k in ("preGid", "sec", "loc", "synMech", "weight",
                                             "delay", "preLabel"))
        theirs = [key(c) for c in saved["net"]["cells"][12]["conns"]]
        assert "NetStim" in [t[0] for t in theirs]
        assert sorted(map(key, cell.conns), key=repr) == sorted(theirs, key=repr)
        np.testing.assert_array_equal(sim.allSimData["spkt"], saved["simData"]["spkt"])
        sim.simulate()
        assert len(sim.allSimData["spkt"]) == len(saved["simData"]["spkt"]) > 50
        np.testing.assert_allclose(sim.allSimData["spkt"], saved["simData"]["spkt"], atol=1e-9)
        np.testing.assert_array_equal(sim.allSimData["spkid"], saved["simData"]["spkid"])
        np.testing.assert_allclose(sim.allSimData["V_soma"]["cell_12"],
                                   saved["simData"]["V_soma"]["cell_12"], atol=1e-6)
    finally:
        state.peek().clear()


def test_load_parts_of_a_netpyne_file():
    cfg = sim.loadSimCfg(SAVED / "small_data.json")
    assert cfg.duration == 200.0 and sim.cfg is cfg
    params = sim.loadNetParams(SAVED / "small_data.pkl", setLoaded=False)
    assert set(params.popParams) == {"S", "M"}
    data = sim.loadSimData(SAVED / "small_data.pkl")
    assert len(data["spkt"]) == 100 and data["spkid"].dtype.kind == "i"
    session = sim.loadNet(SAVED / "compact_data.json", instantiate=False)
    assert session.model is None and session.network.num_cells == 24


def test_node_files_merge_into_the_gathered_data(tut2, tmp_path):
    net, cfg = tut2
    cfg.saveJson, cfg.savePickle, cfg.simLabel = True, True, "run1"
    sim.create(net, cfg)
    sim.runSim()
    paths = sim.saveDataInNodes()
    assert sorted(p.name for p in paths) == ["run1_node_0.json", "run1_node_0.pkl"]
    assert paths[0].parent.name == "run1_node_data"
    sim.gatherData()
    gathered = {k: v for k, v in sim.allSimData.items()}
    merged = sim.gatherDataFromFiles(fileType="json")
    np.testing.assert_array_equal(merged["spkt"], gathered["spkt"])
    np.testing.assert_array_equal(merged["V_soma"]["cell_25"], gathered["V_soma"]["cell_25"])
    assert merged["avgRate"] == pytest.approx(gathered["avgRate"])
    sim.gatherDataFromFiles(saveMerged=True)
    assert (tmp_path / "tut2_data.json").exists()
    assert list((tmp_path / "run1_node_data").iterdir()) == []  # the .json twin too


def test_cell_conns_hold_the_table_and_the_netcons(tut2):
    net, cfg = tut2
    sim.create(net, cfg)
    session = state.current()
    network, model = session.network, session.model
    c = network.conns
    seen = 0
    for cell in sim.net.cells:
        rows = np.flatnonzero(c.post_gid == cell.gid)
        conns = [conn for conn in cell.conns if conn["preGid"] != "NetStim"]
        assert [conn["preGid"] for conn in conns] == c.pre_gid[rows].tolist()
        for conn, row in zip(conns, rows):
            assert set(conn) == {"preGid", "sec", "loc", "synMech", "weight", "delay",
                                 "label", "hObj"}
            assert conn == {**conn, "sec": _section(network, c.sec[row]),
                            "loc": c.loc[row], "synMech": _syn_mech(network, c.syn_mech[row]),
                            "weight": c.weight[row], "delay": c.delay[row],
                            "label": network.conn_rules[c.rule[row]]}
            assert conn["hObj"].srcgid() == conn["preGid"]
            assert conn["hObj"].weight[0] == conn["weight"]
            assert conn.hObj.delay == conn["delay"]
            seen += 1
    assert seen == len(c) == len(model.netcons) > 100
    sim.net.modifyConns({"conds": {"label": "S->M"}, "weight": 0.5})
    assert {conn["weight"] for cell in sim.net.cells for conn in cell.conns
            if conn.get("label") == "S->M"} == {0.5}  # a changed network: made anew


@pytest.mark.java
@pytest.mark.slow
def test_a_saved_neuroml_import_loads_in_a_new_process(tmp_path):
    """Its generated mechanisms are named by the saved network (mod_folders)."""
    lems = shared("neuroml-examples", "LEMSexamples", "LEMS_NML2_Ex25_MultiComp.xml")
    script = f"""
import sys
import numpy as np
from neuroloom import sim, specs
if sys.argv[1] == "save":
    cfg = specs.SimConfig(duration=20.0, dt=0.025, saveJson=True, filename="ex25",
                          saveSpikesSonata=False)
    model = sim.importNeuroML2({str(lems)!r}, simConfig=cfg, analyze=False)
    cfg.recordCells = ["all"]
    cfg.recordTraces = {{"V": {{"sec": model.network.cell_types[0].sections[0].name,
                               "var": "v"}}}}
    sim.importNeuroML2({str(lems)!r}, simConfig=cfg)
    np.save("v.npy", np.array(list(sim.allSimData["V"].values())))
else:
    sim.load("ex25_data.json")
    sim.simulate()
    np.testing.assert_allclose(np.array(list(sim.allSimData["V"].values())), np.load("v.npy"))
    print("same traces")
"""
    (tmp_path / "run.py").write_text(script)
    for step in ("save", "load"):
        done = subprocess.run([sys.executable, "run.py", step], cwd=tmp_path,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "same traces" in done.stdout
