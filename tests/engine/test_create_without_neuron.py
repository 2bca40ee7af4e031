"""simConfig.createNEURONObj = False (saveLoadV1's create_save.py): sim.create builds the
network without putting it into NEURON, gatherData and saveData save it, and a later
sim.load runs it with the spikes of a network made in one go."""
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.sim import state


@pytest.fixture
def tut2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.duration, cfg.analysis = 100.0, {}
    cfg.saveJson, cfg.saveSpikesSonata = False, False
    yield net, cfg
    if state.peek() is not None:
        state.peek().clear()
    assert list(neuron_h().allsec()) == []


def test_a_network_built_without_neuron_is_saved_and_runs_when_loaded(tut2, tmp_path):
    net, cfg = tut2
    sim.createSimulate(net, cfg)
    spkt = np.array(sim.allSimData["spkt"])
    cfg.createNEURONObj = False
    cfg.saveJson, cfg.saveDataInclude = True, ['netParams', 'net', 'simConfig']
    cfg.filename = "built"
    sim.create(netParams=net, simConfig=cfg)  # as create_save.py
    assert list(neuron_h().allsec()) == []  # nothing in NEURON
    assert len(sim.net.cells) == 40
    assert sum(len(c.conns) for c in sim.net.cells) == len(state.current().network.conns) \
        + len(state.current().network.stims)
    assert all('hObj' not in conn for conn in sim.net.cells[25].conns)
    sim.gatherData()
    assert len(sim.allSimData["spkt"]) == 0
    with pytest.raises(RuntimeError, match="createNEURONObj is False: the network was built "
                                           "without NEURON objects"):
        sim.runSim()
    paths = sim.saveData()
    assert [p.name for p in paths] == ["built_data.json"]
    cfg.createNEURONObj, cfg.saveJson = True, False
    sim.loadSimulate(str(tmp_path / "built_data.json"), simConfig=cfg)
    np.testing.assert_array_equal(sim.allSimData["spkt"], spkt)
