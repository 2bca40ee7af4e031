"""Tutorial 8 as a user runs it: the 3x3 grid writes every file the tutorial lists, M's rate
rises then falls with connWeight, a rerun with skip does nothing, and a batch killed midway
finishes the rest when run again, with no half-written outputs."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import EXAMPLES

TUT8 = ("tut8_cfg.py", "tut8_netParams.py", "tut8_init.py", "tut8_batch.py")


def tutorial8(folder: Path, local: bool = True, **replace) -> Path:
    folder.mkdir(exist_ok=True)
    for name in TUT8:
        shutil.copy(EXAMPLES / name, folder / name)
    batch = (folder / "tut8_batch.py").read_text()
    if local:
        batch = batch.replace("'type': 'mpi'", "'type': 'local'")
    for old, new in replace.items():
        assert old in batch
        batch = batch.replace(old, new)
    (folder / "tut8_batch.py").write_text(batch)
    return folder


def run_batch(folder: Path, *launcher, timeout=900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_", "SLURM_"))}
    return subprocess.run([*launcher, sys.executable, "tut8_batch.py"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=timeout)


def m_rate(data_file: Path) -> float:
    return json.loads(data_file.read_text())["simData"]["popRates"]["M"]


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    folder = tutorial8(tmp_path_factory.mktemp("tut8"))
    done = run_batch(folder)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return folder


@pytest.mark.slow
def test_the_grid_writes_every_file_the_tutorial_lists(grid):
    data = grid / "tut8_data"
    assert (data / "tauWeight_netParams.py").read_text() == (
        EXAMPLES / "tut8_netParams.py").read_text()
    assert (data / "tauWeight_batchScript.py").read_text() == (grid / "tut8_batch.py").read_text()
    options = json.loads((data / "tauWeight_batch.json").read_text())
    assert options["method"] == "grid" and options["runCfg"]["skip"] is True
    assert options["params"] == [{"label": "synMechTau2", "values": [3.0, 5.0, 7.0]},
                                 {"label": "connWeight", "values": [0.005, 0.01, 0.15]}]
    for i, tau in enumerate([3.0, 5.0, 7.0]):
        for j, weight in enumerate([0.005, 0.01, 0.15]):
            run = f"tauWeight_{i}_{j}"
            cfg = json.loads((data / f"{run}_cfg.json").read_text())["simConfig"]
            assert (cfg["synMechTau2"], cfg["connWeight"], cfg["simLabel"]) == (tau, weight, run)
            assert cfg["duration"] == 1000 and cfg["printPopAvgRates"] is True
            saved = json.loads((data / f"{run}.json").read_text())
            assert {"netParams", "net", "simConfig", "simData"} <= saved.keys()
            # the run's netParams saw the cfg values (`from __main__ import cfg`)
            assert saved["netParams"]["synMechParams"]["exc"]["tau2"] == tau
            assert saved["netParams"]["connParams"]["S->M"]["weight"] == weight
            for figure in ("raster", "traces"):
                assert (data / f"{run}_{figure}.png").stat().st_size > 10_000
    assert not list(data.glob(".*"))  # no staging folders left behind


def test_m_rate_rises_then_falls_with_connweight(grid):
    """The tutorial: 'the rate initially increases as a function of connection weight, but
    then decreases due to depolarization blockade'."""
    data = grid / "tut8_data"
    for i in range(3):
        low, mid, high = (m_rate(data / f"tauWeight_{i}_{j}.json") for j in range(3))
        assert mid > 1.5 * low and mid > high
    # in blockade a slower synaptic decay silences M more
    blockade = [m_rate(data / f"tauWeight_{i}_2.json") for i in range(3)]
    assert blockade[0] > blockade[1] > blockade[2]


def test_a_rerun_with_skip_does_no_work(grid):
    data = grid / "tut8_data"
    before = {p.name: p.stat().st_mtime_ns for p in data.glob("tauWeight_*_*.json")}
    again = run_batch(grid)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "9 of 9 runs already finished: skipped" in again.stdout
    assert "run 1/" not in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in data.glob("tauWeight_*_*.json")} == before


@pytest.mark.slow
def test_a_changed_grid_reruns_only_what_changed(grid, tmp_path):
    folder = tutorial8(tmp_path / "changed",
                       **{"[0.005, 0.01, 0.15]": "[0.005, 0.01, 0.02]"})
    shutil.copytree(grid / "tut8_data", folder / "tut8_data")
    done = run_batch(folder)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "6 of 9 runs already finished: skipped" in done.stdout
    for i in range(3):
        cfg = json.loads((folder / "tut8_data" / f"tauWeight_{i}_2.json").read_text())
        assert cfg["simConfig"]["connWeight"] == 0.02


@pytest.mark.slow
def test_a_killed_batch_finishes_the_rest_when_rerun(tmp_path):
    folder = tutorial8(tmp_path / "killed", **{"b.run()": "b.initCfg = {'duration': 300}\n"
                                                          "    b.run()"})
    data = folder / "tut8_data"
    process = subprocess.Popen([sys.executable, "tut8_batch.py"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list(data.glob("tauWeight_?_?.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the batch and the run it was doing
    process.wait()
    finished = {p.name: p.stat().st_mtime_ns for p in data.glob("tauWeight_?_?.json")}
    assert 3 <= len(finished) < 9
    # every data file in the folder is whole, and each has its figures
    for name in finished:
        json.loads((data / name).read_text())
        assert (data / name.replace(".json", "_raster.png")).exists()
    again = run_batch(folder)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{len(finished)} of 9 runs already finished: skipped" in again.stdout
    assert f"run {9 - len(finished)}/{9 - len(finished)}" in again.stdout
    assert len(list(data.glob("tauWeight_?_?.json"))) == 9
    assert {n: (data / n).stat().st_mtime_ns for n in finished} == finished
    assert not list(data.glob(".*"))


@pytest.mark.slow
def test_a_failing_run_is_reported_and_the_others_finish(tmp_path):
    folder = tutorial8(tmp_path / "failing", **{
        "params['connWeight'] = [0.005, 0.01, 0.15]":
            "params['connWeight'] = [0.005, 'undefined_variable * 2']",
        "b.run()": "b.initCfg = {'duration': 100}\n    b.run()"})
    done = run_batch(folder)
    assert done.returncode != 0
    assert "BatchError: 3 of 6 runs failed: tauWeight_0_1: exit code 1" in done.stderr
    assert "undefined_variable" in done.stderr  # the run's own error, from its log
    data = folder / "tut8_data"
    assert len(list(data.glob("tauWeight_?_0.json"))) == 3
    assert not list(data.glob("tauWeight_?_1.json"))


def test_the_tutorials_analysis_reads_the_grid(grid):
    from neuroloom.batch import load
    from neuroloom.plotting import plot_heatmap

    table = load(grid / "tut8_data")
    assert len(table) == 9 and not table.unfinished
    weights, taus, rates = table.grid("connWeight", "synMechTau2", "popRates.M")
    assert list(weights) == [0.005, 0.01, 0.15] and list(taus) == [3.0, 5.0, 7.0]
    for i in range(3):
        for j in range(3):
            assert rates[i, j] == m_rate(grid / "tut8_data" / f"tauWeight_{i}_{j}.json")
    figure = plot_heatmap(table, "connWeight", "synMechTau2", "popRates.M",
                          filename=grid / "tut8_analysis.png")
    assert (grid / "tut8_analysis.png").stat().st_size > 10_000
    assert figure.axes[0].get_xlabel() == "connWeight"
