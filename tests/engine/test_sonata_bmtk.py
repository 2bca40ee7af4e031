"""BMTK, the SONATA reference simulator, runs a circuit neuroloom exported and fires the
same spikes as neuroloom."""
import shutil
from pathlib import Path

import bmtk
import pytest

from helpers import run_bmtk, sonata_spikes, tutorial_specs
from neuroloom.exporters.sonata import export

BMTK_MODS = Path(bmtk.__file__).parent / "utils/scripts/bionet/mechanisms/modfiles"





@pytest.mark.parametrize("groups", [{}, {"cortex": ["M", "S"]}])
def test_bmtk_runs_an_exported_tutorial2_network(groups, tmp_path, run_session):
    """Tutorial 2 with its background drawn as VecStim trains (BMTK has no NetStim), its
    populations exported as they are or as one SONATA node population."""
    net, cfg = tutorial_specs("tut2")
    net.stimSourceParams["bkg"] = {"type": "VecStim", "pulses": [
        {"start": 0, "end": 1000, "rate": 10, "noise": 0.5}]}
    cfg.analysis, cfg.saveJson = {}, False
    cfg.saveFolder, cfg.sonataPopulations = str(tmp_path / "ours"), groups
    ours = run_session(net, cfg)
    ours.save_data()
    folder = tmp_path / "circuit"
    export(ours.network, folder, cfg)
    mods = tmp_path / "vecevent"
    mods.mkdir()
    shutil.copy(BMTK_MODS / "vecevent.mod", mods)
    run_bmtk(folder, mechanisms=mods)
    names = list(groups) or ["S", "M"]
    theirs = sonata_spikes(folder / "output" / "spikes.h5", names)
    mine = sonata_spikes(tmp_path / "ours" / "tut2_spikes.h5", names)
    assert len(mine) > 500
    assert theirs == mine
    in_m = [pop == "M" or (pop == "cortex" and node < 20) for pop, node, _ in mine]
    assert sum(in_m) > 2 * (len(mine) - sum(in_m))  # S drives M as in tut2
