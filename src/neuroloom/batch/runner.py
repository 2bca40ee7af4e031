"""One batch run, start to finish, in a process of its own.

A run works in a staging folder (``<saveFolder>/.<simLabel>.running``): the script writes its
outputs there, and only when it exits successfully are they moved into the batch folder, the
data file last and named ``<simLabel>.json`` (or .pkl/.h5). The data file is therefore the
mark of a finished run: a run killed midway leaves only its staging folder, which the next
attempt clears, and never a half-written or partial set of outputs in the batch folder.

Every run is a fresh Python process (NEURON keeps state for the life of a process) with the
MPI launcher's variables removed from its environment: a run started from an MPI worker is
a serial job, not a rank of the batch's own MPI job.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

#: variables mpiexec sets for the processes it starts, and the task variables of Slurm
MPI_JOB_PREFIXES = ("PMI_", "PMIX_", "OMPI_", "HYDRA_", "MPI_LOCALRANKID", "MPI_LOCALNRANKS")
SLURM_TASK_PREFIXES = ("SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID")
#: a run saves its data in each format its cfg turns on; the first is the one a batch reads
DATA_FORMATS = (("saveJson", ".json"), ("savePickle", ".pkl"), ("saveHDF5", ".h5"))


def data_suffix(cfg) -> str | None:
    """The suffix of the data file a batch reads for a run with ``cfg`` (None: none saved)."""
    return next((suffix for option, suffix in DATA_FORMATS if cfg.get(option)), None)


@dataclass(frozen=True)
class RunJob:
    label: str  # the simLabel
    folder: str  # the batch's saveFolder
    command: tuple  # argv of the run; the staged cfg's path is in it
    cwd: str
    data_suffix: str  # '.json', '.pkl' or '.h5': the finished run's data file
    cfg_text: str  # the run's cfg as JSON, with saveFolder = the staging folder
    mpi: bool = False  # the command starts its own MPI job (mpiexec -n N ...)
    timeout: float | None = None  # seconds the run may take (maxiter_wait x time_sleep)

    @property
    def staging(self) -> Path:
        return Path(self.folder) / f".{self.label}.running"

    @property
    def data_file(self) -> Path:
        return Path(self.folder) / f"{self.label}{self.data_suffix}"


@dataclass(frozen=True)
class RunResult:
    label: str
    ok: bool
    seconds: float
    message: str = ""  # why it failed: the end of its output


@dataclass
class BatchOutcome:
    """What ``Batch.run`` returns: every run's result and, for an optimisation, the best."""

    runs: list = field(default_factory=list)  # RunResult per run, skipped ones included
    skipped: list = field(default_factory=list)  # labels of runs already finished
    best: dict | None = None  # {'label', 'params', 'fitness'}
    trials: list = field(default_factory=list)  # {'label', 'params', 'fitness'} per trial


def execute(job: RunJob) -> RunResult:
    """Run ``job`` and publish its outputs; never raises for a failing model (the batch
    goes on and reports it)."""
    start = time.perf_counter()
    stage(job)
    log = job.staging / f"{job.label}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(job.command, cwd=job.cwd, env=child_environment(job.mpi),
                                   stdout=out, stderr=subprocess.STDOUT)
        code = _wait(process, job.timeout)
    seconds = time.perf_counter() - start
    if code is None:
        return RunResult(job.label, False, seconds, f"stopped after {job.timeout:g} s, the "
                         f"time a run may take (maxiter_wait x time_sleep); log {log}")
    if code != 0:
        tail = log.read_text(errors="replace")[-1500:]
        return RunResult(job.label, False, seconds, f"exit code {code}; log {log}:\n{tail}")
    try:
        publish(job)
    except FileNotFoundError as error:
        return RunResult(job.label, False, seconds, str(error))
    return RunResult(job.label, True, seconds)


def _wait(process, timeout) -> int | None:
    """The run's exit code, or None when it was stopped after ``timeout`` seconds (asked to
    end, then killed: mpiexec passes the signal on to its ranks)."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return None


def staged_cfg(folder, label: str) -> Path:
    """Where a run's own cfg is (the command names it before the run starts)."""
    return Path(folder) / f".{label}.running" / f"{label}_cfg.json"


def stage(job: RunJob) -> None:
    """A clean staging folder (an earlier, interrupted attempt is cleared) with the cfg."""
    if job.staging.exists():
        shutil.rmtree(job.staging)
    job.staging.mkdir(parents=True)
    staged_cfg(job.folder, job.label).write_text(job.cfg_text)


def publish(job: RunJob) -> None:
    """Move the outputs into the batch folder, the data file last."""
    staging, folder = job.staging, Path(job.folder)
    data = staging / f"{job.label}_data{job.data_suffix}"
    if not data.exists():
        raise FileNotFoundError(f"{job.label}: the run wrote no {data.name} (is saveJson "
                                "off, or does the script not save its data?)")
    own_cfg = staged_cfg(job.folder, job.label)
    for item in sorted(staging.iterdir()):
        if item in (data, own_cfg):
            continue
        target = folder / _public_name(item.name, job.label)
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(item, target)
    os.replace(data, job.data_file)
    shutil.rmtree(staging)


def _public_name(name: str, label: str) -> str:
    """``<label>_data.pkl`` -> ``<label>.pkl``, as the tutorial names a run's data."""
    for _, suffix in DATA_FORMATS:
        if name == f"{label}_data{suffix}":
            return label + suffix
    return name


def child_environment(mpi: bool) -> dict:
    """This environment without the variables of the MPI job this process may be part of;
    an MPI run keeps Slurm's (its mpiexec places the ranks through them)."""
    dropped = MPI_JOB_PREFIXES if mpi else MPI_JOB_PREFIXES + SLURM_TASK_PREFIXES
    return {k: v for k, v in os.environ.items() if not k.startswith(dropped)}


def main(argv=None) -> int:
    """``python -m neuroloom.batch.runner JOB.json``: one run, as a Slurm job runs it."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m neuroloom.batch.runner JOB.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text())
    result = execute(RunJob(**{**spec, "command": tuple(spec["command"])}))
    print(f"{result.label}: {'done' if result.ok else 'failed'} in {result.seconds:.1f} s")
    if not result.ok:
        print(result.message, file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
