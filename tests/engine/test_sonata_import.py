"""SONATA import: the official 300_intfire example reproduced spike for spike with no
compiled mechanism, exported networks re-simulated bit for bit, and broken circuits
rejected with a FormatError that names the problem."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import shared, tutorial_specs
from neuroloom import sim
from neuroloom.errors import FormatError
from neuroloom.exporters.sonata import export
from neuroloom.importers import sonata
from neuroloom.sim import state

INTFIRE = shared("sonata-examples", "300_intfire")
COMPARE = str(shared("tools", "compare_spikes.py"))

RUN_300 = """
import json, sys
from neuroloom import sim
from neuroloom.engine import mechanisms
model = sim.importSONATA(sys.argv[1], saveFolder=sys.argv[2])
sim.simulate()
print(json.dumps([str(p) for p in sim.saveData()]))
print(mechanisms.exists('VecStim'), mechanisms.exists('Izhi2007b'))
"""


def sorted_spikes(path, population):
    with h5py.File(path, "r") as f:
        group = f["spikes"][population]
        ids, times = group["node_ids"][()].astype(int), group["timestamps"][()]
    order = np.lexsort((times, ids))
    return ids[order], times[order]


def test_300_intfire_reproduces_every_reference_spike(tmp_path):
    """In a fresh process with an empty mechanism cache: nothing is compiled or loaded
    (virtual inputs are replayed by NEURON's built-in PatternStim, IntFire1 is built in)."""
    cache = tmp_path / "cache"
    result = subprocess.run([sys.executable, "-c", RUN_300, str(INTFIRE / "config.json"),
                             str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "NEUROLOOM_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr
    paths, loaded = result.stdout.strip().splitlines()[-2:]
    assert json.loads(paths) == [str(tmp_path / "out" / "spikes.h5")]
    assert loaded == "False False"
    assert not cache.exists() or not any(cache.iterdir())
    ref_ids, ref_t = sorted_spikes(INTFIRE / "output" / "spikes.h5", "v1")
    ids, t = sorted_spikes(tmp_path / "out" / "spikes.h5", "v1")
    assert len(ref_t) == 4322 and len(t) == 4322
    np.testing.assert_array_equal(ids, ref_ids)
    assert np.abs(t - ref_t).max() < 1e-6
    compared = subprocess.run([sys.executable, COMPARE, str(INTFIRE / "output" / "spikes.h5"),
                               str(tmp_path / "out" / "spikes.h5"), "--pop", "v1"],
                              capture_output=True, text=True, timeout=60)
    assert compared.returncode == 0, compared.stdout  # exact within 1e-9 ms


def test_300_intfire_model():
    model = sonata.load(INTFIRE / "config.json")
    net = model.network
    assert [(p.label, p.size, p.cell_model) for p in net.pops] == [
        ("v1", 300, "IntFire1"), ("lgn", 90, "VecStim"), ("tw", 30, "VecStim")]
    # IntFire1 tau 0.024 s and refrac 0.003 s in BMTK's dynamics file -> ms for NEURON
    exc = net.cell_types[net.cells.cell_type[0]].artificial
    assert dict(exc.params) == {"tau": 24.0, "refrac": 3.0}
    assert net.conn_rules == ("v1_to_v1", "lgn_to_v1", "tw_to_v1")
    with h5py.File(INTFIRE / "network" / "v1_v1_edges.h5", "r") as f:
        nsyns = f["edges/v1_to_v1/0/nsyns"][()]
        type_ids = f["edges/v1_to_v1/edge_type_id"][()]
    syn_weight = {100: 0.01, 101: 0.15, 102: 0.3, 103: 0.002}  # from the edge types CSV
    sign = {100: -1, 101: -1, 102: 1, 103: 1}  # instanteneousInh / Exc
    expected = np.array([syn_weight[t] * sign[t] for t in type_ids]) * nsyns
    rows = net.conns.rule == 0
    np.testing.assert_allclose(net.conns.weight[rows], expected, rtol=1e-15)
    assert set(net.conns.delay.tolist()) == {2.0}
    assert len(net.spike_trains) == 120 and len(net.spike_trains.times) == 3033
    cfg = model.sim_config
    assert (cfg.duration, cfg.dt, cfg.hParams["celsius"], cfg.hParams["v_init"]) == (
        3000.0, 0.1, 34.0, -80.0)
    assert model.node_sets.gids("LGN").tolist() == list(range(300, 390))
    assert net.cells.extra["ei"][:3].tolist() == ["e", "e", "e"]


GROUPS = {"excitatory": ["E2", "E4", "E5"], "inhibitory": ["I5", "I4", "I2"]}


@pytest.mark.parametrize("name, groups", [("tut2", {}), ("tut5", {}), ("tut5", GROUPS)])
def test_imported_export_reruns_bit_for_bit(name, groups, tmp_path, run_session):
    net, cfg = tutorial_specs(name)
    cfg.analysis, cfg.saveJson, cfg.saveFolder = {}, False, str(tmp_path)
    cfg.saveSpikesSonata, cfg.sonataPopulations = "original_spikes.h5", groups
    original = run_session(net, cfg)
    spikes = original.recordings.spike_t.copy(), original.recordings.spike_gid.copy()
    original.save_data()
    original.clear()
    folder = tmp_path / "circuit"
    export(original.network, folder, cfg)  # node populations as cfg.sonataPopulations
    try:
        sim.importSONATA(folder / "simulation_config.json", saveFolder=tmp_path / "out")
        sim.simulate()
        np.testing.assert_array_equal(sim.allSimData["spkt"], spikes[0])
        np.testing.assert_array_equal(sim.allSimData["spkid"], spikes[1])
        written = sim.saveData()
        assert written == [tmp_path / "out" / "spikes.h5"]
    finally:
        state.peek().clear()
    names = list(groups) or [p.label for p in original.network.pops]
    with h5py.File(tmp_path / "original_spikes.h5") as before, h5py.File(written[0]) as after:
        assert sorted(before["spikes"]) == sorted(after["spikes"]) == sorted(names)
        for pop in names:  # the same node ids and times, population by population
            for column in ("node_ids", "timestamps"):
                np.testing.assert_array_equal(before["spikes"][pop][column][()],
                                              after["spikes"][pop][column][()])


def test_export_through_the_facade(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    sim.initialize(netParams=net, simConfig=cfg)
    sim.net.createPops()
    files = sim.exportSONATA("circuit")
    assert Path("circuit", "circuit_config.json") in files
    assert all(p.exists() for p in files)
    assert sonata.load("circuit/circuit_config.json").network == state.current().network


@pytest.fixture
def broken(tmp_path):
    """A copy of 300_intfire to damage."""
    folder = tmp_path / "300"
    shutil.copytree(INTFIRE, folder, ignore=shutil.ignore_patterns("output"))
    components = tmp_path / "shared_components"
    shutil.copytree(INTFIRE.parent / "shared_components", components,
                    ignore=shutil.ignore_patterns("morphologies", "biophysical*"))
    return folder


def test_missing_dataset(broken):
    with h5py.File(broken / "network" / "v1_nodes.h5", "a") as f:
        del f["nodes/v1/node_type_id"]
    with pytest.raises(FormatError, match=r"v1_nodes.h5: /nodes/v1/node_type_id is missing"):
        sonata.load(broken / "config.json")


def test_out_of_range_node_ids(broken):
    with h5py.File(broken / "network" / "lgn_v1_edges.h5", "a") as f:
        ids = f["edges/lgn_to_v1/target_node_id"]
        values = ids[()]
        values[5] = 300
        ids[...] = values
    with pytest.raises(FormatError, match=r"lgn_v1_edges.h5: /edges/lgn_to_v1/target_node_id: "
                                          r"node ids up to 300 for population 'v1' of 300"):
        sonata.load(broken / "config.json")


def test_unknown_model_type(broken):
    path = broken / "network" / "v1_node_types.csv"
    path.write_text(path.read_text().replace("point_process", "point_cell"))
    with pytest.raises(FormatError, match=r"v1_node_types.csv: population 'v1': unknown "
                                          r"model_type 'point_cell'"):
        sonata.load(broken / "config.json")


def test_unknown_node_type_and_missing_files(broken):
    path = broken / "network" / "v1_node_types.csv"
    path.write_text(path.read_text().replace("\n101 ", "\n102 "))
    with pytest.raises(FormatError, match=r"node_type_id \[101\] that .*v1_node_types.csv "
                                          r"does not define"):
        sonata.load(broken / "config.json")
    shutil.copy(INTFIRE / "network" / "v1_node_types.csv", path)
    (broken / "inputs" / "lgn_spikes.h5").unlink()
    with pytest.raises(FormatError, match=r"lgn_spikes.h5: file not found"):
        sonata.load(broken / "config.json")


def test_unknown_point_neuron_template_and_node_set(broken):
    path = broken / "network" / "v1_node_types.csv"
    path.write_text(path.read_text().replace("nrn:IntFire1", "python:lif"))
    with pytest.raises(FormatError, match=r"model_template 'python:lif' is not supported"):
        sonata.load(broken / "config.json")
    shutil.copy(INTFIRE / "network" / "v1_node_types.csv", path)
    config = json.loads((broken / "simulation_config.json").read_text())
    config["inputs"]["LGN_spikes"]["node_set"] = "lgnn"
    (broken / "simulation_config.json").write_text(json.dumps(config))
    with pytest.raises(FormatError, match=r"inputs\['LGN_spikes'\]: unknown node set 'lgnn'"):
        sonata.load(broken / "config.json")


def test_izhikevich_cells_are_point_process_nodes(tmp_path, run_session):
    """Tutorial 4 with Izhikevich cells in both populations and a VecStim background,
    exported, then imported as any SONATA circuit (without neuroloom's own files): the
    nrn:Izhi2007b nodes fire the original spikes bit for bit."""
    net, cfg = tutorial_specs("tut4")
    net.popParams["M"]["cellType"] = "PYR_Izhi"
    net.connParams["S->M"]["sec"] = "soma"
    net.stimSourceParams["bkg"] = {"type": "VecStim", "pulses": [
        {"start": 0, "end": 1000, "rate": 10, "noise": 0.5}]}
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    original = run_session(net, cfg)
    spikes = original.recordings.spike_t.copy(), original.recordings.spike_gid.copy()
    original.clear()
    folder = tmp_path / "circuit"
    export(original.network, folder, cfg)
    types = (folder / "network" / "M_node_types.csv").read_text()
    assert "point_process nrn:Izhi2007b" in types
    dynamics = json.loads((folder / "components" / "point_neuron_models" /
                           "PYR_Izhi.json").read_text())
    assert dynamics["vpeak"] == 35 and dynamics["celltype"] == 1
    config = json.loads((folder / "circuit_config.json").read_text())
    del config["neuroloom"]  # a foreign circuit from here on
    (folder / "circuit_config.json").write_text(json.dumps(config))
    for name in ("neuroloom_catalogs.json", "neuroloom_stimuli.h5"):
        (folder / name).unlink()
    try:
        model = sim.importSONATA(folder / "simulation_config.json")
        izhi = model.network.cell_type_of(0)
        assert [p.mod for p in izhi.sections[0].pointps] == ["Izhi2007b"]
        sim.simulate()
        cells = sim.allSimData["spkid"] < 40  # the background is a population here
        assert cells.sum() == len(spikes[0]) > 100
        np.testing.assert_array_equal(sim.allSimData["spkt"][cells], spikes[0])
        np.testing.assert_array_equal(sim.allSimData["spkid"][cells], spikes[1])
    finally:
        state.peek().clear()
