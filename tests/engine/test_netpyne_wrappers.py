"""NetPyNE's wrappers (sim/wrappers.py) as its scripts call them: createExportNeuroML2 (the
examples' export.py), intervalSimulate, runSimIntervalSaving, distributedSimulate and the
createSimulateAnalyze variants that use them. Each gives the spikes of a plain run."""
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.sim import state
from neuroloom.sim.sources import specs_of_script


@pytest.fixture
def tut2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.duration, cfg.analysis = 100.0, {}
    cfg.recordCells = [0]
    cfg.saveJson, cfg.saveSpikesSonata = False, False
    yield net, cfg
    if state.peek() is not None:
        state.peek().clear()
    assert list(neuron_h().allsec()) == []


def plain_spikes(net, cfg):
    sim.createSimulate(net, cfg)
    return np.array(sim.allSimData["spkt"]), np.array(sim.allSimData["spkid"])


def test_create_export_neuroml2_writes_the_network_without_running_it(tut2, tmp_path):
    net, cfg = tut2
    cfg.saveFolder = str(tmp_path / "nml")
    made = sim.createExportNeuroML2(netParams=net, simConfig=cfg, reference="tut2",
                                    output=True)
    assert len(made) == 6 and len(made[1]) == 40  # (pops, cells, conns, stims, rxd, simData)
    assert sorted(p.name for p in (tmp_path / "nml").iterdir()) == ["LEMS_tut2.xml",
                                                                    "tut2.net.nml"]
    assert state.current().sim_data is None  # nothing was simulated


def test_a_script_calling_create_export_hands_over_its_specs(tut2, tmp_path):
    script = tmp_path / "export.py"
    script.write_text("from neuroloom import specs, sim\n"
                      "net = specs.NetParams()\n"
                      "net.popParams['P'] = {'cellModel': 'NetStim', 'numCells': 3}\n"
                      "cfg = specs.SimConfig()\n"
                      "sim.createExportNeuroML2(netParams=net, simConfig=cfg, reference='x')\n"
                      "raise SystemExit('not reached')\n")
    net, cfg = specs_of_script(script)
    assert net.popParams['P']['numCells'] == 3


def test_interval_and_distributed_runs_give_the_plain_runs_spikes(tut2, tmp_path):
    net, cfg = tut2
    spkt, spkid = plain_spikes(net, cfg)
    cfg.intervalFolder = "intervals"
    sim.create(net, cfg)
    sim.intervalSimulate(25)
    np.testing.assert_array_equal(sim.allSimData["spkt"], spkt)
    np.testing.assert_array_equal(sim.allSimData["spkid"], spkid)
    assert [f.name for f in (tmp_path / "intervals").iterdir()] == ["interval_100.pkl"]
    sim.create(net, cfg)
    sim.runSimIntervalSaving(50)
    sim.gatherData()
    np.testing.assert_array_equal(sim.allSimData["spkt"], spkt)
    cfg.simLabel = "dist"
    sim.create(net, cfg)
    with pytest.warns(UserWarning, match="saveDataInNodes wrote nothing"):
        with pytest.raises(Exception, match="no node files"):
            sim.distributedSimulate()  # as on NetPyNE: the node files need a format
    cfg.savePickle = True
    sim.create(net, cfg)
    sim.distributedSimulate()
    np.testing.assert_array_equal(sim.allSimData["spkt"], spkt)
    assert (tmp_path / "dist_node_data").is_dir()


def test_create_simulate_analyze_interval_and_distributed(tut2, tmp_path):
    net, cfg = tut2
    spkt, _ = plain_spikes(net, cfg)
    cfg.intervalFolder = "intervals"
    out = sim.createSimulateAnalyzeInterval(net, cfg, output=True, interval=50)
    assert len(out) == 5
    np.testing.assert_array_equal(out[4]["spkt"], spkt)
    with pytest.raises(ValueError, match="interval must be a positive number of ms"):
        sim.createSimulateAnalyzeInterval(net, cfg)
    cfg.saveJson, cfg.savePickle, cfg.simLabel = True, True, "dist"
    sim.createSimulateAnalyzeDistributed(net, cfg)
    np.testing.assert_array_equal(sim.allSimData["spkt"], spkt)
    assert (tmp_path / "tut2_data.json").exists()  # the merged run is saved, as NetPyNE
    assert list((tmp_path / "dist_node_data").iterdir()) == []
