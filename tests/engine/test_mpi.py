"""MPI: `mpiexec -n N python tutorial.py` runs the tutorial scripts unchanged, in parallel,
with the spikes of the serial run bit for bit; a broken MPI setup stops the run instead of
running copies of the model."""
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import EXAMPLES
from neuroloom.engine import mpi

MPIEXEC = Path(sys.executable).parent / "mpiexec"
NRNIV = Path(sys.executable).parent / "nrniv"  # the neuron wheel's wrapper: venv paths set


def run(script, folder: Path, ranks: int, program=(sys.executable,),
        **env) -> subprocess.CompletedProcess:
    folder.mkdir()
    command = [*map(str, program), str(EXAMPLES / script)]
    if ranks > 1:
        command = [str(MPIEXEC), "-n", str(ranks), *command]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    return subprocess.run(command, cwd=folder, env={**clean, **env}, capture_output=True,
                          text=True, timeout=600)


def spikes(path: Path) -> dict:
    with h5py.File(path, "r") as f:
        return {pop: (g["node_ids"][()], g["timestamps"][()]) for pop, g in f["spikes"].items()}


def assert_same_spikes(one: dict, other: dict) -> None:
    assert one.keys() == other.keys()
    for pop in one:
        np.testing.assert_array_equal(one[pop][0], other[pop][0])
        np.testing.assert_array_equal(one[pop][1], other[pop][1])


@pytest.mark.slow
@pytest.mark.mpi
@pytest.mark.parametrize("name", ["tut2", "tut5", "tut6"])
def test_ranks_fire_the_serial_spikes(name, tmp_path):
    """On 2 and 3 ranks (3 ranks on 2 cores: oversubscribed)."""
    serial = run(f"{name}.py", tmp_path / "serial", 1)
    assert serial.returncode == 0, serial.stderr[-2000:]
    one = spikes(tmp_path / "serial" / f"{name}_spikes.h5")
    assert sum(len(ids) for ids, _ in one.values()) > 20
    for ranks in (2, 3):
        parallel = run(f"{name}.py", tmp_path / f"n{ranks}", ranks)
        assert parallel.returncode == 0, parallel.stderr[-2000:]
        assert_same_spikes(one, spikes(tmp_path / f"n{ranks}" / f"{name}_spikes.h5"))
        # written once, by rank 0, with every figure the script asks for
        assert (tmp_path / f"n{ranks}" / f"{name}_raster.png").exists()
        assert parallel.stdout.count("Simulated") == 1


@pytest.mark.slow
@pytest.mark.mpi
def test_nrniv_runs_a_tutorial_under_mpi(tmp_path):
    """`mpiexec -n 2 nrniv -python -mpi tut2.py`: the serial spikes. nrniv starts MPI
    before Python, so MPI_LIB_NRN_PATH must be in its environment; without -mpi neuroloom
    sets it as under python."""
    serial = run("tut2.py", tmp_path / "serial", 1)
    assert serial.returncode == 0, serial.stderr[-2000:]
    one = spikes(tmp_path / "serial" / "tut2_spikes.h5")
    library = str(mpi.wheel_library())
    for folder, flags, env in (("mpi", ["-mpi"], {"MPI_LIB_NRN_PATH": library}),
                               ("nompi", [], {})):
        done = run("tut2.py", tmp_path / folder, 2, program=(NRNIV, "-python", *flags), **env)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "numprocs=2" in done.stdout and done.stdout.count("Simulated") == 1
        assert_same_spikes(one, spikes(tmp_path / folder / "tut2_spikes.h5"))
    # NEURON's own stop (before any Python runs), which the README's advice relies on
    bare = run("tut2.py", tmp_path / "bare", 2, program=(NRNIV, "-python", "-mpi"))
    assert bare.returncode != 0 and "MPI_LIB_NRN_PATH" in bare.stdout + bare.stderr
    assert not (tmp_path / "bare" / "tut2_spikes.h5").exists()


EXIT = """
import atexit, os, sys, time
rank = os.environ["PMI_RANK"]
def late():  # registered before neuroloom's exit handler, so it runs after it
    if rank == "0":
        time.sleep(1)
    open(f"done{rank}", "w").close()
atexit.register(late)
from neuroloom.engine.neuron_env import neuron_h
h = neuron_h()
if sys.argv[1:] == ["quit"]:
    h.quit()
"""


@pytest.mark.mpi
@pytest.mark.parametrize("ending", ["", "quit"])
def test_every_rank_finishes(ending, tmp_path):
    """Hydra kills the ranks still running when one exits without MPI_Finalize (NEURON
    under python never calls it): neuroloom finalises at exit, and not twice when the
    script ends with h.quit()."""
    (tmp_path / "exit.py").write_text(EXIT)
    done = subprocess.run([str(MPIEXEC), "-n", "2", sys.executable, "exit.py", ending],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "done0").exists() and (tmp_path / "done1").exists()
    assert "finalizing" not in done.stderr


@pytest.mark.mpi
def test_an_error_on_one_rank_ends_the_job(tmp_path):
    """Rank 1 fails after building: rank 0, already simulating, must not wait for it
    forever."""
    script = tmp_path / "tut2_fails.py"
    script.write_text((EXAMPLES / "tut2.py").read_text().replace(
        "sim.createSimulateAnalyze(netParams = netParams, simConfig = simConfig)",
        "import os\nsim.create(netParams, simConfig)\nif os.environ['PMI_RANK'] == '1':\n"
        "    raise RuntimeError('rank 1 fails')\nsim.simulate()\nsim.saveData()"))
    done = subprocess.run([str(MPIEXEC), "-n", "2", sys.executable, str(script)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "RuntimeError: rank 1 fails" in done.stderr
    assert not (tmp_path / "tut2_data.json").exists()


@pytest.mark.mpi
@pytest.mark.slow
@pytest.mark.parametrize("leave, before", [("sys.exit(0)", "sim.simulate()"),
                                           ("raise SystemExit(3)", "sim.simulate()"),
                                           ("sys.exit(0)", "sim.create(")])
def test_a_rank_that_exits_before_the_run_ends_the_job(tmp_path, leave, before):
    """Issue 19: SystemExit on one rank bypasses sys.excepthook; the other rank waited for
    it in sim.simulate (or, when it left before NEURON started, in MPI's start-up)
    forever. The job now ends (after engine/mpi.py's EARLY_EXIT_WAIT), naming the rank."""
    script = tmp_path / "tut2_exits.py"
    steps = "sim.create(netParams, simConfig)\nsim.simulate()\nsim.saveData()"
    steps = steps.replace(before, f"if os.environ['PMI_RANK'] == '1':\n    {leave}\n{before}")
    script.write_text((EXAMPLES / "tut2.py").read_text().replace(
        "sim.createSimulateAnalyze(netParams = netParams, simConfig = simConfig)",
        f"import os, sys\n{steps}"))
    done = subprocess.run([str(MPIEXEC), "-n", "2", sys.executable, str(script)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    how = "SystemExit 0" if leave == "sys.exit(0)" else "its script ended"
    assert f"neuroloom: rank 1 exited ({how}) while the other ranks" in done.stderr
    assert not (tmp_path / "tut2_data.json").exists()


@pytest.mark.mpi
def test_a_delay_not_longer_than_dt_is_named_on_several_ranks(tmp_path):
    """NEURON needs every delay > dt on several ranks: the rule is named, not NEURON's
    'mindelay is 0' stop; one rank runs it."""
    script = tmp_path / "tut2_short_delay.py"
    script.write_text((EXAMPLES / "tut2.py").read_text().replace(
        "'delay': 5,                     # transmission delay (ms)", "'delay': 0.02,"))
    done = subprocess.run([str(MPIEXEC), "-n", "2", sys.executable, str(script)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert ("connParams['S->M'].delay: a connection delay of 0.02 ms is not longer than dt "
            "(0.025 ms)") in done.stderr
    serial = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert serial.returncode == 0, serial.stderr[-2000:]


@pytest.mark.mpi
def test_a_missing_mpi_library_stops_the_run(tmp_path):
    broken = run("tut2.py", tmp_path / "broken", 2, MPI_LIB_NRN_PATH="/nowhere/libmpi.so.12")
    assert broken.returncode != 0
    assert "the MPI launcher started 2 processes but NEURON runs 1" in broken.stderr
    assert "MPI_LIB_NRN_PATH=/nowhere/libmpi.so.12" in broken.stderr
    assert not (tmp_path / "broken" / "tut2_spikes.h5").exists()


def test_launcher_detection_and_library(monkeypatch):
    for rank, size in mpi.LAUNCHER_VARIABLES:
        monkeypatch.delenv(rank, raising=False)
        monkeypatch.delenv(size, raising=False)
    assert mpi.launched_size() == 1
    monkeypatch.setenv("PMI_SIZE", "3")
    assert mpi.launched_size() == 3
    library = mpi.wheel_library()
    assert library is not None and library.name.startswith("libmpi.so.") and library.is_file()
    with pytest.raises(mpi.MPIError, match="started 3 processes but NEURON runs 1"):
        mpi.check(1)


def test_oversubscribed_ranks_yield(monkeypatch):
    """More ranks than cores: MPICH is told to sleep while waiting; your own setting wins."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # prepare() adds variables: keep them out of this process's real environment
    monkeypatch.setattr(os, "environ", {k: v for k, v in os.environ.items()
                                        if k not in mpi.YIELDING})
    monkeypatch.setenv("MPI_LIB_NRN_PATH", "/some/libmpi.so")
    monkeypatch.setenv("PMI_SIZE", "2")
    monkeypatch.setenv("MPI_LOCALNRANKS", "2")
    assert mpi.prepare() and not any(name in os.environ for name in mpi.YIELDING)
    monkeypatch.setenv("MPI_LOCALNRANKS", "3")
    monkeypatch.setenv("MPIR_CVAR_CH4_PROGRESS_THROTTLE", "0")
    assert mpi.prepare()
    assert os.environ["MPIR_CVAR_CH4_PROGRESS_THROTTLE"] == "0"
    assert os.environ["MPIR_CVAR_CH4_PROGRESS_THROTTLE_NO_PROGRESS_COUNT"] == "16"
    monkeypatch.delenv("MPI_LOCALNRANKS")  # another launcher: all ranks on this node
    monkeypatch.setenv("PMI_SIZE", "4")
    assert mpi.oversubscribed()


@pytest.mark.slow
@pytest.mark.mpi
def test_the_run_command(tmp_path):
    """`neuroloom run [-n N] script.py`: the tutorial's runsim."""
    command = str(Path(sys.executable).parent / "neuroloom")
    results = {}
    for ranks in (1, 2):
        folder = tmp_path / f"n{ranks}"
        folder.mkdir()
        done = subprocess.run([command, "run", "-n", str(ranks), str(EXAMPLES / "tut2.py")],
                              cwd=folder, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        results[ranks] = spikes(folder / "tut2_spikes.h5")
    for pop in results[1]:
        np.testing.assert_array_equal(results[1][pop][1], results[2][pop][1])
    missing = subprocess.run([command, "run", "nowhere.py"], capture_output=True, text=True,
                             cwd=tmp_path)
    assert missing.returncode == 2 and "no script nowhere.py" in missing.stderr
    version = subprocess.run([command, "--version"], capture_output=True, text=True)
    assert version.stdout.strip().startswith("neuroloom ")


SONATA_RUN = """
import sys
from neuroloom import sim
sim.importSONATA(sys.argv[1], saveFolder='.')
sim.simulate()
sim.saveData()
"""


@pytest.mark.slow
@pytest.mark.mpi
def test_a_sonata_circuit_on_two_and_three_ranks(tmp_path):
    """The official 300_intfire example: the same spikes on 1, 2 and 3 ranks."""
    from helpers import shared

    config = str(shared("sonata-examples", "300_intfire", "config.json"))
    (tmp_path / "run.py").write_text(SONATA_RUN)
    results = {}
    for ranks in (1, 2, 3):
        folder = tmp_path / f"n{ranks}"
        folder.mkdir()
        command = [sys.executable, str(tmp_path / "run.py"), config]
        if ranks > 1:
            command = [str(MPIEXEC), "-n", str(ranks), *command]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        results[ranks] = spikes(folder / "spikes.h5")
    assert len(results[1]["v1"][0]) == 4322  # the reference output's spikes
    assert_same_spikes(results[1], results[2])
    assert_same_spikes(results[1], results[3])


@pytest.mark.slow
@pytest.mark.mpi
def test_lpt_balances_cost_and_keeps_the_spikes(tmp_path):
    """loadBalance='lpt': cells by cost over the ranks, per-rank timing in timingData, the
    serial spikes."""
    script = tmp_path / "tut5_lpt.py"
    script.write_text((EXAMPLES / "tut5.py").read_text().replace(
        "sim.createSimulateAnalyze(", "simConfig.loadBalance = 'lpt'\n"
        "simConfig.saveTiming = True\nsim.createSimulateAnalyze("))
    results = {}
    for ranks in (1, 2):
        folder = tmp_path / f"n{ranks}"
        folder.mkdir()
        command = [sys.executable, str(script)]
        if ranks > 1:
            command = [str(MPIEXEC), "-n", "2", *command]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        results[ranks] = spikes(folder / "tut5_spikes.h5")
    for pop in results[1]:
        np.testing.assert_array_equal(results[1][pop][1], results[2][pop][1])
    import json

    timing = json.loads((tmp_path / "n2" / "tut5_timing.json").read_text())
    assert [r["rank"] for r in timing["ranks"]] == [0, 1]
    assert sum(r["cells"] for r in timing["ranks"]) == 300
    assert all(r["runTime"] >= r["waitTime"] >= 0 for r in timing["ranks"])


def test_lpt_assignment():
    from dataclasses import replace

    from helpers import built_network
    from neuroloom.engine import balance

    network, _ = built_network("tut5")
    costs = balance.cell_costs(network)
    ranks = balance.ranks_of(network, 3, "lpt")
    loads = [costs[ranks == r].sum() for r in range(3)]
    assert max(loads) - min(loads) <= costs.max()  # LPT's guarantee
    assert np.array_equal(balance.ranks_of(network, 3), np.arange(300) % 3)
    heavy = replace(network, conns=network.conns.take(np.flatnonzero(network.conns.post_gid
                                                                     < 50)))
    lpt = balance.ranks_of(heavy, 2, "lpt")
    heavy_costs = balance.cell_costs(heavy)
    lpt_loads = [heavy_costs[lpt == r].sum() for r in range(2)]
    rr_loads = [heavy_costs[np.arange(300) % 2 == r].sum() for r in range(2)]
    assert abs(lpt_loads[0] - lpt_loads[1]) <= abs(rr_loads[0] - rr_loads[1])
