"""The tutorial's step-by-step API: order of the steps, re-running, a clean NEURON state
for every new model, and spec files read from the command line (tutorial 8)."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.sim import state


@pytest.fixture
def specs_tut2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    yield net, cfg
    if state.peek() is not None:
        state.peek().clear()
    assert list(neuron_h().allsec()) == []


def test_steps_must_come_in_order(specs_tut2):
    net, cfg = specs_tut2
    sim.initialize(netParams=net, simConfig=cfg)
    with pytest.raises(RuntimeError, match=r"call sim.net.createPops\(\) first"):
        sim.net.createCells()
    with pytest.raises(RuntimeError, match=r"call sim.create\(\) first"):
        sim.runSim()
    with pytest.raises(RuntimeError, match=r"call sim.runSim\(\) first"):
        sim.gatherData()
    sim.net.createPops()
    with pytest.raises(RuntimeError, match=r"call sim.net.createCells\(\) first"):
        sim.net.connectCells()
    with pytest.raises(RuntimeError, match=r"call sim.net.createCells\(\) first"):
        sim.setupRecording()


def test_step_by_step_equals_create_simulate(specs_tut2):
    net, cfg = specs_tut2
    sim.createSimulate(net, cfg)
    whole = np.array(sim.allSimData["spkt"]), np.array(sim.allSimData["spkid"])
    sim.initialize(simConfig=cfg, netParams=net)
    assert len(list(neuron_h().allsec())) == 0  # the previous model is gone
    pops = sim.net.createPops()
    assert list(pops) == ["S", "M"] and pops["M"].cellGids == list(range(20, 40))
    sim.net.createCells()
    assert len(list(neuron_h().allsec())) == 40
    sim.net.connectCells()
    sim.net.addStims()
    sim.setupRecording()
    sim.runSim()
    sim.gatherData()
    np.testing.assert_array_equal(sim.allSimData["spkt"], whole[0])
    np.testing.assert_array_equal(sim.allSimData["spkid"], whole[1])


def test_create_without_arguments_finishes_the_remaining_steps(specs_tut2):
    net, cfg = specs_tut2
    sim.initialize(simConfig=cfg, netParams=net)
    sim.net.createPops()
    sim.net.createCells()
    sim.create()  # connections, stimuli and recording
    sim.simulate()
    assert len(sim.net.cells[25].conns) > 0 and len(sim.allSimData["spkt"]) > 500


def test_running_again_gives_the_same_spikes(specs_tut2):
    net, cfg = specs_tut2
    sim.createSimulate(net, cfg)
    first = np.array(sim.allSimData["spkt"])
    sim.runSim()  # the same instantiated model, run again
    sim.gatherData()
    np.testing.assert_array_equal(sim.allSimData["spkt"], first)
    sim.createSimulate(net, cfg)  # a new model in the same process
    assert len(list(neuron_h().allsec())) == 40
    np.testing.assert_array_equal(sim.allSimData["spkt"], first)


TUT8_CFG = """
from neuroloom import specs

cfg = specs.SimConfig()
cfg.duration = 1000
cfg.dt = 0.025
cfg.recordStep = 1
cfg.filename = 'tut8'
cfg.saveJson = True
cfg.saveSpikesSonata = False
cfg.printPopAvgRates = True
# variable parameters (used in netParams)
cfg.synMechTau2 = 5
cfg.connWeight = 0.01
"""

TUT8_NET = """
from neuroloom import specs

try:
    from __main__ import cfg  # the SimConfig the init script read
except ImportError:
    from tut8_cfg import cfg

netParams = specs.NetParams()
netParams.cellParams['PYR'] = {'secs': {'soma': {
    'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
    'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}}}}}
netParams.popParams['S'] = {'cellType': 'PYR', 'numCells': 20}
netParams.popParams['M'] = {'cellType': 'PYR', 'numCells': 20}
netParams.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': cfg.synMechTau2,
                                  'e': 0}
netParams.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
netParams.stimTargetParams['bkg->PYR'] = {'source': 'bkg', 'conds': {'cellType': 'PYR'},
                                          'weight': 0.01, 'delay': 5, 'synMech': 'exc'}
netParams.connParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                                'probability': 0.5, 'weight': cfg.connWeight, 'delay': 5,
                                'synMech': 'exc'}
"""

TUT8_INIT = """
from neuroloom import sim

simConfig, netParams = sim.readCmdLineArgs(simConfigDefault='tut8_cfg.py',
                                           netParamsDefault='tut8_netParams.py')
sim.createSimulateAnalyze(netParams=netParams, simConfig=simConfig)
"""


def _run_init(folder, *args):
    result = subprocess.run([sys.executable, "tut8_init.py", *args], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "tut8_data.json").read_text())


def test_read_cmd_line_args_with_tutorial8_files(tmp_path):
    for name, text in (("tut8_cfg.py", TUT8_CFG), ("tut8_netParams.py", TUT8_NET),
                       ("tut8_init.py", TUT8_INIT)):
        (tmp_path / name).write_text(textwrap.dedent(text))
    default = _run_init(tmp_path)
    assert default["simConfig"]["connWeight"] == 0.01
    assert default["netParams"]["connParams"]["S->M"]["weight"] == 0.01
    rates = default["simData"]["popRates"]
    assert rates["M"] > 2 * rates["S"]  # as tutorial 2
    # a batch passes a JSON simConfig (as NetPyNE writes them: {"simConfig": {...}})
    changed = dict(default["simConfig"], connWeight=0.0, synMechTau2=5)
    (tmp_path / "run_0_cfg.json").write_text(json.dumps({"simConfig": changed}))
    silent = _run_init(tmp_path, "simConfig=run_0_cfg.json", "netParams=tut8_netParams.py")
    assert silent["netParams"]["connParams"]["S->M"]["weight"] == 0.0
    assert silent["simData"]["popRates"]["M"] < rates["M"] / 2
    # and a JSON netParams (saved by an earlier run)
    (tmp_path / "net.json").write_text(json.dumps({"netParams": default["netParams"]}))
    again = _run_init(tmp_path, "netParams=net.json")
    assert again["simData"]["spkt"] == default["simData"]["spkt"]


def test_read_cmd_line_args_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["init.py", "simConfig=missing.py"])
    from neuroloom.errors import FormatError
    with pytest.raises(FormatError, match="'missing.py' does not exist"):
        sim.readCmdLineArgs()
    (tmp_path / "cfg.txt").write_text("")
    monkeypatch.setattr(sys, "argv", ["init.py", "simConfig=cfg.txt"])
    with pytest.raises(FormatError, match="must be .py or .json"):
        sim.readCmdLineArgs()
    (tmp_path / "cfg.py").write_text("x = 1\n")
    monkeypatch.setattr(sys, "argv", ["init.py"])
    with pytest.raises(FormatError, match="defines no SimConfig named simConfig or cfg"):
        sim.readCmdLineArgs()

