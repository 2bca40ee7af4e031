"""Where runs execute: an mpi4py pool under mpiexec (rank 0 schedules, the others simulate)
gives the local pool's results; Slurm gets one runnable sbatch script per run."""
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from test_batch_runs import run_batch, tutorial8

MPIEXEC = Path(sys.executable).parent / "mpiexec"
SMALL = {"params['synMechTau2'] = [3.0, 5.0, 7.0]": "params['synMechTau2'] = [3.0]",
         "b.run()": "b.initCfg = {'duration': 300}\n    b.run()"}


def spikes(path: Path):
    with h5py.File(path, "r") as f:
        return {pop: g["timestamps"][()] for pop, g in f["spikes"].items()}


@pytest.mark.slow
@pytest.mark.mpi
def test_mpi_pool_runs_the_grid_like_the_local_pool(tmp_path):
    local = tutorial8(tmp_path / "local", **SMALL)
    done = run_batch(local)
    assert done.returncode == 0, done.stderr[-2000:]
    mpi = tutorial8(tmp_path / "mpi", local=False, **SMALL)
    done = run_batch(mpi, str(MPIEXEC), "-n", "2")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "without mpiexec" not in done.stdout
    assert done.stdout.count("run 3/3") == 1  # reported once, by rank 0
    for j in range(3):
        run = f"tauWeight_0_{j}"
        ours, theirs = (spikes(f / "tut8_data" / f"{run}_spikes.h5") for f in (local, mpi))
        assert ours.keys() == theirs.keys()
        for pop in ours:
            np.testing.assert_array_equal(ours[pop], theirs[pop])
    assert (mpi / "tut8_data" / "tauWeight_batch.json").exists()


@pytest.mark.slow
@pytest.mark.mpi
def test_the_tutorials_nrniv_command(tmp_path):
    """`mpiexec -np 2 nrniv -python -mpi tut8_batch.py`, as the tutorial runs a batch
    (nrniv starts MPI before Python: MPI_LIB_NRN_PATH must be in its environment)."""
    from neuroloom.engine.mpi import wheel_library

    folder = tutorial8(tmp_path / "nrniv", local=False, **SMALL)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "OMPI_", "SLURM_"))}
    done = subprocess.run([str(MPIEXEC), "-np", "2", str(Path(sys.executable).parent / "nrniv"),
                           "-python", "-mpi", "tut8_batch.py"], cwd=folder, capture_output=True,
                          text=True, timeout=300,
                          env={**env, "MPI_LIB_NRN_PATH": str(wheel_library())})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "numprocs=2" in done.stdout and "without mpiexec" not in done.stdout
    assert done.stdout.count("run 3/3") == 1
    assert len(list((folder / "tut8_data").glob("tauWeight_0_?.json"))) == 3


@pytest.mark.slow
def test_mpi_type_without_a_launcher_runs_locally(tmp_path):
    folder = tutorial8(tmp_path / "plain", local=False, **SMALL)
    done = run_batch(folder)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "runCfg type 'mpi' without mpiexec: running on this machine instead" in done.stdout
    assert len(list((folder / "tut8_data").glob("tauWeight_0_?.json"))) == 3


SLURM = {"'type': 'mpi'": "'type': 'slurm', 'allocation': 'lab42', 'walltime': '01:00:00', "
                          "'nodes': 1, 'coresPerNode': 2, 'email': 'me@lab.org', "
                          "'custom': '#SBATCH --constraint=cpu'",
         **SMALL}


def test_slurm_without_sbatch_writes_runnable_scripts(tmp_path):
    folder = tutorial8(tmp_path / "slurm", local=False, **SLURM)
    env_path = os.environ["PATH"]
    done = subprocess.run([sys.executable, "tut8_batch.py"], cwd=folder, capture_output=True,
                          text=True, env={**os.environ, "PATH": "/usr/bin:/bin"}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    data = folder / "tut8_data"
    assert "no sbatch on this machine: 3 job scripts written" in done.stdout
    script = (data / "tauWeight_0_1.sbatch").read_text()
    for line in ("#SBATCH --job-name=tauWeight_0_1", "#SBATCH --account=lab42",
                 "#SBATCH --time=01:00:00", "#SBATCH --ntasks-per-node=2",
                 "#SBATCH --mail-user=me@lab.org", "#SBATCH --constraint=cpu",
                 "-m neuroloom.batch.runner"):
        assert line in script
    assert not list(data.glob("tauWeight_0_?.json"))  # nothing ran
    # the script runs the simulation and publishes its outputs, as a Slurm node would
    ran = subprocess.run(["bash", str(data / "tauWeight_0_1.sbatch")], capture_output=True,
                         text=True, timeout=300, env={**os.environ, "PATH": env_path})
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    saved = json.loads((data / "tauWeight_0_1.json").read_text())
    assert saved["simConfig"]["connWeight"] == 0.01
    assert (data / "tauWeight_0_1_raster.png").exists()


def test_slurm_submits_with_sbatch(tmp_path):
    folder = tutorial8(tmp_path / "submit", local=False, **SLURM)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "sbatch"
    fake.write_text(f"#!/bin/sh\necho \"$1\" >> {tmp_path / 'submitted'}\n"
                    "echo Submitted batch job 4242\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    done = subprocess.run([sys.executable, "tut8_batch.py"], cwd=folder, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "3 jobs submitted to Slurm" in done.stdout
    submitted = (tmp_path / "submitted").read_text().split()
    assert [Path(s).name for s in submitted] == [f"tauWeight_0_{j}.sbatch" for j in range(3)]
