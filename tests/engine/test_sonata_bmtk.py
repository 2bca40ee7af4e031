"""BMTK, the SONATA reference simulator, runs a circuit neuroloom exported and fires the
same spikes as neuroloom."""
import shutil
import subprocess
import sys
from pathlib import Path

import bmtk
import h5py
import pytest

from helpers import tutorial_specs
from neuroloom.exporters.sonata import export

BMTK_MODS = Path(bmtk.__file__).parent / "utils/scripts/bionet/mechanisms/modfiles"

RUN_BMTK = """
import sys
import pandas
pandas.set_option('future.infer_string', False)  # BMTK 1.2.0 with pandas 3 (see README)
from neuroloom.engine.modfiles import load
load(sys.argv[1])  # BMTK feeds virtual nodes through VecStim (vecevent.mod)
from bmtk.simulator import bionet
conf = bionet.Config.from_json('simulation_config.json', validate=True)
conf.build_env()
network = bionet.BioNetwork.from_config(conf)
bionet.BioSimulator.from_config(conf, network=network).run()
"""


def spikes(path, pops):
    out = []
    with h5py.File(path, "r") as f:
        for pop in pops:
            group = f["spikes"][pop]
            out += zip([pop] * len(group["node_ids"]), group["node_ids"][()].tolist(),
                       group["timestamps"][()].tolist())
    return sorted(out)


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
    result = subprocess.run([sys.executable, "-c", RUN_BMTK, str(mods)], cwd=folder,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    names = list(groups) or ["S", "M"]
    theirs = spikes(folder / "output" / "spikes.h5", names)
    mine = spikes(tmp_path / "ours" / "tut2_spikes.h5", names)
    assert len(mine) > 500
    assert theirs == mine
    in_m = [pop == "M" or (pop == "cortex" and node < 20) for pop, node, _ in mine]
    assert sum(in_m) > 2 * (len(mine) - sum(in_m))  # S drives M as in tut2
