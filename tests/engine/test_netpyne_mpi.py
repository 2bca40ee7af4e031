"""Under MPI (mpiexec -n 2): sim.allSimData is complete on every rank after gatherData, so a
script that post-processes it runs on every rank; saveDataInNodes writes a file per rank and
gatherDataFromFiles merges them into what gathering gives."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES

MPIEXEC = Path(sys.executable).parent / "mpiexec"

SCRIPT = f"""
import json, sys
sys.path.insert(0, {str(EXAMPLES.parent / 'tests')!r})
from helpers import tutorial_specs
from neuroloom import sim

net, cfg = tutorial_specs("tut2")
cfg.duration, cfg.analysis, cfg.recordCells = 200.0, {{}}, [0, 25]
cfg.saveJson, cfg.saveSpikesSonata, cfg.recordStim, cfg.simLabel = True, False, True, "run"
sim.create(net, cfg)
sim.runSim()
sim.saveDataInNodes()
sim.gatherData()
data = sim.allSimData  # every rank post-processes the spikes, as tutorial scripts do
gathered = {{"rank": sim.rank, "spikes": len(data["spkt"]), "gids": sorted(set(data["spkid"].tolist())),
            "traces": sorted(data["V_soma"]), "stims": len(data["stims"]),
            "first": data["spkt"][:5].tolist()}}
merged = sim.gatherDataFromFiles(fileType="json")
gathered["merged_same"] = (merged["spkt"].tolist() == data["spkt"].tolist()
                           and sorted(merged["V_soma"]) == gathered["traces"])
with open(f"result_{{sim.rank}}.json", "w") as f:  # ranks' prints may interleave
    json.dump(gathered, f)
"""


def run(tmp_path: Path, ranks: int) -> list:
    folder = tmp_path / f"n{ranks}"
    folder.mkdir()
    (folder / "run.py").write_text(SCRIPT)
    command = [sys.executable, "run.py"]
    if ranks > 1:
        command = [str(MPIEXEC), "-n", str(ranks), *command]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    done = subprocess.run(command, cwd=folder, env=clean, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return [json.loads((folder / f"result_{rank}.json").read_text()) for rank in range(ranks)]


@pytest.mark.mpi
@pytest.mark.slow
def test_all_sim_data_is_complete_on_every_rank(tmp_path):
    serial, = run(tmp_path, 1)
    ranks = run(tmp_path, 2)
    assert [r["rank"] for r in ranks] == [0, 1]
    for result in ranks:
        assert result["spikes"] == serial["spikes"] > 20
        assert result["gids"] == serial["gids"] and result["first"] == serial["first"]
        assert result["traces"] == ["cell_0", "cell_25"] and result["stims"] == 40
        assert result["merged_same"]
    assert sorted(p.name for p in (tmp_path / "n2" / "run_node_data").iterdir()) == [
        "run_node_0.json", "run_node_1.json"]
