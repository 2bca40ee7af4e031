"""Where a batch's runs execute (runCfg['type']).

'local'                a pool of ``cores`` processes on this machine (default: all cores but one)
'mpi', 'mpi_bulletin'  an mpi4py pool: start the batch script with ``mpiexec -n N`` (or
                       ``neuroloom run -n N``); rank 0 schedules, the N-1 others run simulations
'mpi_direct'           each run is an MPI job of its own, ``<mpiCommand> -n N python script ...``
                       (N: ``cores`` for a grid, ``nodes`` x ``coresPerNode`` for an
                       optimisation, as NetPyNE counts them), as many at once as this machine's
                       cores hold (NetPyNE starts them all at once)
'hpc_slurm', 'slurm'   one job script per run (jobscripts.py), submitted with sbatch, or qsub
'hpc_sge'              for SGE and Torque, when this machine has it (otherwise written, and
'hpc_torque'           the batch says so); the batch does not wait for them

An executor is used as a context manager yielding a function jobs -> results, or None on the
MPI ranks that serve the pool (they have nothing else to do).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..engine.mpi import launched_size
from ..errors import MPIError
from . import jobscripts
from .runner import RunResult, execute

LOCAL, MPI, MPI_DIRECT, SLURM, SGE, TORQUE = ("local", "mpi", "mpi_direct", "slurm", "sge",
                                              "torque")
TYPES = {"local": LOCAL, "mpi": MPI, "mpi_bulletin": MPI, "mpi_direct": MPI_DIRECT,
         "slurm": SLURM, "hpc_slurm": SLURM, "hpc_sge": SGE, "hpc_torque": TORQUE}
CLUSTERS = (SLURM, SGE, TORQUE)
#: runCfg options every type reads
COMMON = ("type", "script", "skip", "skipCfg", "skipCustom", "nrnCommand", "paramListFile")
#: the options each type reads besides those
OPTIONS = {LOCAL: ("cores",), MPI: (), MPI_DIRECT: ("cores", "nodes", "coresPerNode",
                                                    "mpiCommand"),
           SLURM: jobscripts.SLURM, SGE: jobscripts.SGE, TORQUE: jobscripts.TORQUE}
#: NetPyNE runCfg options that only tune how NetPyNE polls for runs and prints their output
POLLING = ("sleepInterval", "printOutput", "executor")
KNOWN = tuple(dict.fromkeys(COMMON + POLLING + sum(OPTIONS.values(), ())))
SLURM_OPTIONS = jobscripts.SLURM


def mpi_command(name: str) -> str | None:
    """The MPI launcher ``name``, found on PATH or beside this Python.

    Parameters
    ----------
    name : str
        runCfg['mpiCommand'] ('mpiexec', 'mpirun', ...).

    Returns
    -------
    str or None
        Its path, or None when this machine does not have it.
    """
    found = shutil.which(name)
    if found is None and (Path(sys.executable).parent / name).is_file():
        found = str(Path(sys.executable).parent / name)
    return found


def processes_per_run(run_cfg: dict, optimising: bool) -> int:
    """The MPI processes of one 'mpi_direct' run, as NetPyNE counts them.

    Parameters
    ----------
    run_cfg : dict
        The batch's runCfg.
    optimising : bool
        An optimisation (``nodes`` x ``coresPerNode``) rather than a grid (``cores``).

    Returns
    -------
    int
        The processes of each run.
    """
    if optimising:
        return int(run_cfg.get("nodes", 1)) * int(run_cfg.get("coresPerNode", 1))
    return int(run_cfg.get("cores", 1))


def direct_slots(per_run: int) -> int:
    """How many 'mpi_direct' runs this machine runs at once.

    Parameters
    ----------
    per_run : int
        The MPI processes of each run.

    Returns
    -------
    int
        The machine's cores divided by ``per_run``, at least 1.
    """
    return max(1, (os.cpu_count() or 1) // per_run)


def default_cores() -> int:
    """All cores but one: the local pool's size when runCfg gives no ``cores``.

    Returns
    -------
    int
        At least 1.
    """
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
def cluster(kind: str, options: dict, say):
    """Writes a job script per run and submits it when this machine has the scheduler."""
    _, command = jobscripts.SUFFIX[kind]
    submitter = shutil.which(command)
    name = {SLURM: "Slurm", SGE: "SGE", TORQUE: "Torque"}[kind]

    def submit_all(jobs):
        results = []
        for job in jobs:
            script = jobscripts.write(kind, job, options)
            if submitter is None:
                results.append(RunResult(job.label, False, 0.0, f"written: {script}"))
                continue
            done = subprocess.run([submitter, str(script)], capture_output=True, text=True)
            message = (done.stdout or done.stderr).strip()
            if done.returncode != 0:
                raise RuntimeError(f"{command} {script} failed: {message}")
            results.append(RunResult(job.label, False, 0.0, f"submitted: {message}"))
        if submitter is None:
            say(f"no {command} on this machine: {len(jobs)} job scripts written to "
                f"{jobs[0].folder if jobs else '.'} (submit them with {command})")
        else:
            say(f"{len(jobs)} jobs submitted to {name}")
        return results

    yield submit_all


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

