"""Issue 19, item 6: a SONATA circuit or NeuroML2 file imported to run is checked like a
spec: an output folder that cannot be written stops it before NEURON builds or runs it (a
run loaded from a file is not: its saveFolder may be another machine's)."""
from __future__ import annotations

import pytest

from helpers import shared
from neuroloom import sim, specs
from neuroloom.errors import SpecError
from neuroloom.sim import state


def test_a_sonata_circuit_with_an_unwritable_output_folder_stops_before_building(tmp_path):
    (tmp_path / "afile").write_text("x")
    config = shared("sonata-examples", "300_intfire", "config.json")
    with pytest.raises(SpecError, match="simConfig.saveFolder") as err:
        sim.importSONATA(config, saveFolder=tmp_path / "afile" / "output")
    assert "is a file, not a folder" in str(err.value)
    assert state.peek().model is None  # nothing was put into NEURON


def test_a_neuroml_file_with_an_unwritable_save_folder_stops_before_running(tmp_path):
    (tmp_path / "afile").write_text("x")
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.saveFolder = 20, True, str(tmp_path / "afile")
    nml = shared("neuroml-examples", "examples", "NML2_SingleCompHHCell.nml")
    with pytest.raises(SpecError, match="simConfig.saveFolder"):
        sim.importNeuroML2(str(nml), simConfig=cfg, simulate=True)
    assert state.peek().sim_data is None  # it never ran


def test_a_loaded_run_keeps_its_saved_folder_unchecked(tmp_path):
    net = specs.NetParams()
    net.cellParams["PYR"] = {"secs": {"soma": {"geom": {"diam": 18.8, "L": 18.8},
                                               "mechs": {"hh": {}}}}}
    net.popParams["E"] = {"cellType": "PYR", "numCells": 2}
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson = 5, True
    cfg.saveFolder, cfg.filename = str(tmp_path / "elsewhere"), "run"
    sim.createSimulateAnalyze(net, cfg)
    saved = tmp_path / "elsewhere" / "run_data.json"
    (tmp_path / "elsewhere").rename(tmp_path / "here")  # the folder it names is gone...
    (tmp_path / "elsewhere").write_text("x")  # ...and a file holds its name
    sim.load(str(tmp_path / "here" / saved.name), instantiate=False)
    assert len(sim.net.cells) == 2
