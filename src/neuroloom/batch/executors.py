"""Where a batch's runs execute (runCfg['type']).

'local'               a pool of ``cores`` processes on this machine (default: all cores but one)
'mpi', 'mpi_bulletin' an mpi4py pool: start the batch script with ``mpiexec -n N`` (or
                      ``neuroloom run -n N``); rank 0 schedules, the N-1 others run simulations
'slurm', 'hpc_slurm'  one sbatch script per run, submitted with ``sbatch`` when this machine has
                      it (otherwise written, and the batch says so); the batch does not wait

An executor is used as a context manager yielding a function jobs -> results, or None on the
MPI ranks that serve the pool (they have nothing else to do).
"""
from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from ..atomic import write_bytes_atomic
from ..engine.mpi import launched_size
from ..errors import MPIError
from .runner import RunJob, RunResult, execute

LOCAL, MPI, SLURM = "local", "mpi", "slurm"
TYPES = {"local": LOCAL, "mpi": MPI, "mpi_bulletin": MPI, "slurm": SLURM, "hpc_slurm": SLURM}
SLURM_OPTIONS = ("allocation", "partition", "walltime", "nodes", "coresPerNode", "email",
                 "reservation", "custom", "mpiCommand")


def default_cores() -> int:
    return max(1, (os.cpu_count() or 1) - 1)


@contextlib.contextmanager
def local(cores: int, report):
    """Runs in up to ``cores`` processes at once (each run is a process of its own; the
    threads here only wait for them)."""
    def run_all(jobs):
        return _collect(jobs, report, ThreadPoolExecutor(max_workers=cores))

    yield run_all


@contextlib.contextmanager
def mpi_pool(report, say):
    """mpi4py's pool over this MPI job; without a launcher (plain ``python batch.py``) the
    runs go to a local pool instead, and the batch says so."""
    if launched_size() <= 1:
        say("runCfg type 'mpi' without mpiexec: running on this machine instead "
            f"({default_cores()} at a time); start with `neuroloom run -n N` to use MPI")
        with local(default_cores(), report) as run_all:
            yield run_all
        return
    # mpi4py starts MPI when imported: only for batches that run on an MPI pool
    from mpi4py import MPI as mpi
    from mpi4py.futures import MPICommExecutor

    comm = mpi.COMM_WORLD
    if comm.Get_size() != launched_size():
        raise MPIError(f"the MPI launcher started {launched_size()} processes but mpi4py sees "
                       f"{comm.Get_size()}: mpi4py is not using the launcher's MPI library")
    if comm.Get_size() < 2:
        raise MPIError("runCfg type 'mpi' needs at least 2 processes: one schedules, the "
                       "others run simulations")
    with MPICommExecutor(comm, root=0) as pool:
        if pool is None:  # a worker: it served the pool until rank 0 was done
            yield None
        else:
            yield lambda jobs: _collect(jobs, report, pool, own_pool=False)


@contextlib.contextmanager
def slurm(options: dict, say):
    """Writes ``<simLabel>.sbatch`` per run and submits it when ``sbatch`` exists."""
    sbatch = shutil.which("sbatch")

    def submit_all(jobs):
        results = []
        for job in jobs:
            script = write_sbatch(job, options)
            if sbatch is None:
                results.append(RunResult(job.label, False, 0.0, f"written: {script}"))
                continue
            done = subprocess.run([sbatch, str(script)], capture_output=True, text=True)
            message = (done.stdout or done.stderr).strip()
            if done.returncode != 0:
                raise RuntimeError(f"sbatch {script} failed: {message}")
            results.append(RunResult(job.label, False, 0.0, f"submitted: {message}"))
        if sbatch is None:
            say(f"no sbatch on this machine: {len(jobs)} job scripts written to "
                f"{jobs[0].folder if jobs else '.'} (submit them with sbatch)")
        else:
            say(f"{len(jobs)} jobs submitted to Slurm")
        return results

    yield submit_all


def write_sbatch(job: RunJob, options: dict) -> Path:
    """The job's description (read by ``python -m neuroloom.batch.runner``) and its script."""
    folder = Path(job.folder)
    description = folder / f".{job.label}.job.json"
    _write_text(description, json.dumps(asdict(job), indent=1))
    lines = ["#!/bin/bash", f"#SBATCH --job-name={job.label}",
             f"#SBATCH --time={options.get('walltime', '00:30:00')}",
             f"#SBATCH --nodes={options.get('nodes', 1)}",
             f"#SBATCH --ntasks-per-node={options.get('coresPerNode', 1)}",
             f"#SBATCH --output={folder.resolve() / (job.label + '.run')}"]
    for key, flag in (("allocation", "account"), ("partition", "partition"),
                      ("reservation", "reservation")):
        if options.get(key):
            lines.append(f"#SBATCH --{flag}={options[key]}")
    if options.get("email"):
        lines += [f"#SBATCH --mail-user={options['email']}", "#SBATCH --mail-type=end"]
    custom = options.get("custom", "")
    lines += [custom] if custom else []
    lines += ["", f"cd {shlex.quote(job.cwd)}",
              f"{shlex.quote(sys.executable)} -m neuroloom.batch.runner "
              f"{shlex.quote(str(description.resolve()))}", ""]
    script = folder / f"{job.label}.sbatch"
    _write_text(script, "\n".join(lines))
    return script


def _collect(jobs, report, pool, own_pool=True) -> list[RunResult]:
    """Submit every job, report each as it ends, return the results in the jobs' order."""
    try:
        futures = {pool.submit(execute, job): i for i, job in enumerate(jobs)}
        results = [None] * len(jobs)
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            report(result)
        return results
    finally:
        if own_pool:
            pool.shutdown(wait=True)


def _write_text(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode())
