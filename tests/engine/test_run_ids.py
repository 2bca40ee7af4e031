"""Issue 19 (item 6): the data file and the spike file of one run carry its id; loading a
run whose spike file beside it is another run's warns."""
from __future__ import annotations

import warnings

import pytest

from neuroloom import sim, specs
from neuroloom.results import run_id


def tiny_run(folder, save_json=True):
    net = specs.NetParams()
    net.cellParams["PYR"] = {"secs": {"soma": {"geom": {"diam": 18.8, "L": 18.8},
                                               "mechs": {"hh": {}}}}}
    net.popParams["E"] = {"cellType": "PYR", "numCells": 3}
    net.stimSourceParams["in"] = {"type": "NetStim", "rate": 50, "noise": 0}
    net.synMechParams["exc"] = {"mod": "ExpSyn", "tau": 2, "e": 0}
    net.stimTargetParams["in->E"] = {"source": "in", "conds": {"pop": "E"}, "weight": 0.05,
                                     "delay": 1, "synMech": "exc"}
    cfg = specs.SimConfig()
    cfg.duration = 20
    cfg.saveFolder, cfg.filename = str(folder), "tiny"
    cfg.saveJson, cfg.progress = save_json, False
    sim.createSimulateAnalyze(net, cfg)
    return folder / "tiny_data.json", folder / "tiny_spikes.h5"


def test_a_run_s_files_share_its_id_and_a_later_run_s_spikes_are_noticed(tmp_path):
    data, spikes = tiny_run(tmp_path)
    assert run_id.data_file_run_id(data) == run_id.spike_file_run_id(spikes) is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.load(data, instantiate=False)
    tiny_run(tmp_path, save_json=False)  # a second run rewrote only the spike file
    with pytest.warns(UserWarning, match="are not of the same run"):
        sim.load(data, instantiate=False)
