"""simConfig.saveWeights with sim.intervalSave (as NetPyNE's intervalSaveWeights example
uses it), self-connections in NEURON, and re-running a network saved without its cells'
sections (saveCellSecs False)."""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import EXAMPLES, tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.sim import state


@pytest.fixture
def tut2(tmp_path, monkeypatch):
    """Tutorial 2 (100 ms, no plots, no files but the interval ones), in tmp_path; NEURON
    and sim.allWeights are left as they were."""
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.duration, cfg.analysis = 100.0, {}
    cfg.saveJson, cfg.saveSpikesSonata = False, False
    cfg.intervalFolder = "temporary"
    yield net, cfg
    if "allWeights" in vars(sim):
        del sim.allWeights
    if state.peek() is not None:
        state.peek().clear()
    assert list(neuron_h().allsec()) == []


def all_conns():
    """Every cell's conns: its connections, then the NetCons of its NetStims."""
    return [conn for cell in sim.net.cells for conn in cell.conns]


def test_interval_save_saves_the_weights_neuron_holds_with_save_weights(tut2, tmp_path):
    net, cfg = tut2
    cfg.saveWeights = True
    sim.create(net, cfg)
    first = all_conns()[0]
    files = []

    def change_and_save(t):
        first["hObj"].weight[0] = 0.05 * (len(files) + 1)  # as a plastic synapse would
        files.append(sim.intervalSave(t))

    sim.runSimWithIntervalFunc(50, change_and_save)
    saved = pickle.loads(files[-1].read_bytes())["simData"]["allWeights"]
    table = [conn["weight"] for conn in all_conns()]
    network = state.current().network
    assert len(saved) == len(table) == len(network.conns) + len(network.stims)
    assert saved[0] == 0.1 and table[0] != 0.1  # NEURON's at the 2nd save, not the table's
    assert saved[1:] == table[1:]
    sim.gatherData()
    assert sim.allSimData["allWeights"] == saved  # kept in simData, as NetPyNE


def test_interval_save_saves_the_scripts_sim_all_weights(tut2):
    # NetPyNE's intervalSaveWeights example: the script keeps sim.allWeights itself
    net, cfg = tut2
    cfg.saveWeights = True
    sim.create(net, cfg)
    files = []

    def save_weights(t):
        if not hasattr(sim, "allWeights"):
            sim.allWeights = []
        for cell in sim.net.cells:
            for conn in cell.conns:
                sim.allWeights.append(float(conn["hObj"].weight[0]))
        files.append(sim.intervalSave(t))

    sim.runSimWithIntervalFunc(50, save_weights)
    n = len(state.current().network.conns) + len(state.current().network.stims)  # NetStims'
    saved = pickle.loads(files[-1].read_bytes())["simData"]
    assert len(saved["allWeights"]) == 2 * n  # at 50 and at 100 ms
    assert saved["allWeights"] == sim.allWeights
    sim.gatherData()
    assert sim.allSimData["allWeights"] == sim.allWeights


def test_interval_save_without_save_weights_saves_no_weights(tut2):
    net, cfg = tut2
    sim.create(net, cfg)
    files = []
    sim.runSimWithIntervalFunc(100, lambda t: files.append(sim.intervalSave(t)))
    assert "allWeights" not in pickle.loads(files[-1].read_bytes())["simData"]
    sim.gatherData()
    assert "allWeights" not in sim.allSimData


def test_self_connections_are_netcons_of_a_cell_onto_itself(tut2):
    net, cfg = tut2
    net.connParams["M->M"] = {"preConds": {"pop": "M"}, "postConds": {"pop": "M"},
                              "probability": 1.0, "weight": 0.001, "delay": 5,
                              "synMech": "exc"}
    cfg.allowSelfConns = True
    sim.create(net, cfg)
    selfs = [(cell.gid, conn) for cell in sim.net.cells for conn in cell.conns
             if conn["preGid"] == cell.gid]
    assert len(selfs) == 20  # one per M cell
    assert all(conn["hObj"].srcgid() == gid for gid, conn in selfs)


def test_a_run_saved_without_cell_secs_is_rerun_with_the_same_spikes(tut2):
    net, cfg = tut2
    cfg.saveJson, cfg.saveCellSecs = True, False
    cfg.filename = "run"
    sim.createSimulate(net, cfg)
    spkt = np.asarray(sim.allSimData["spkt"])
    path = sim.saveData()[0]
    state.peek().clear()
    sim.load(path)
    sim.simulate()
    np.testing.assert_array_equal(sim.allSimData["spkt"], spkt)


MPI_SCRIPT = f"""
import json, pickle, sys
sys.path.insert(0, {str(EXAMPLES.parent / 'tests')!r})
from helpers import tutorial_specs
from neuroloom import sim

net, cfg = tutorial_specs("tut2")
cfg.duration, cfg.analysis = 50.0, {{}}
cfg.saveJson, cfg.saveSpikesSonata = False, False
cfg.saveWeights, cfg.intervalFolder = True, "temporary"
sim.create(net, cfg)
for cell in sim.net.cells:  # NEURON's weight of cell 25's first connection, on its rank
    if cell.gid == 25 and "hObj" in cell.conns[0]:
        cell.conns[0]["hObj"].weight[0] = 0.3
sim.runSimWithIntervalFunc(50, sim.intervalSave)
if sim.rank == 0:
    saved = pickle.load(open("temporary/interval_50.pkl", "rb"))["simData"]["allWeights"]
    with open("weights.json", "w") as f:
        json.dump(saved, f)
"""


def run_weights(tmp_path: Path, ranks: int) -> list:
    folder = tmp_path / f"n{ranks}"
    folder.mkdir()
    (folder / "run.py").write_text(MPI_SCRIPT)
    command = [sys.executable, "run.py"]
    if ranks > 1:
        command = [str(Path(sys.executable).parent / "mpiexec"), "-n", str(ranks), *command]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    done = subprocess.run(command, cwd=folder, env=clean, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads((folder / "weights.json").read_text())


@pytest.mark.mpi
@pytest.mark.slow
def test_saved_weights_are_the_same_on_any_number_of_ranks(tmp_path):
    serial = run_weights(tmp_path, 1)
    assert 0.3 in serial
    assert run_weights(tmp_path, 2) == serial
