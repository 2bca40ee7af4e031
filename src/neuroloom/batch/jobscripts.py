"""Job scripts for cluster schedulers: one per run, as NetPyNE writes them for 'hpc_slurm'
(``<run>.sbatch``, sbatch), 'hpc_sge' (``<run>.sh``, qsub) and 'hpc_torque' (``<run>.pbs``,
qsub).

Every script runs ``python -m neuroloom.batch.runner <folder>/.<run>.job.json``: the run's
command (an MPI job when the runCfg gives one) in a staging folder whose outputs are moved
into the batch folder when it succeeds, as on this machine.
"""
from __future__ import annotations

import json
import os
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

from ..atomic import write_bytes_atomic
from .runner import RunJob

#: runCfg options each scheduler's script reads
SLURM = ("allocation", "partition", "walltime", "nodes", "coresPerNode", "email",
         "reservation", "custom", "mpiCommand", "folder")
SGE = ("jobName", "walltime", "vmem", "queueName", "cores", "pre", "post", "mpiCommand", "log")
TORQUE = ("walltime", "queueName", "nodes", "ppn", "custom", "mpiCommand")
#: file suffix and submit command of each scheduler
SUFFIX = {"slurm": (".sbatch", "sbatch"), "sge": (".sh", "qsub"), "torque": (".pbs", "qsub")}


def write(kind: str, job: RunJob, options: dict) -> Path:
    """Write the job's description and its script for scheduler ``kind``.

    Parameters
    ----------
    kind : str
        'slurm', 'sge' or 'torque'.
    job : runner.RunJob
        The run.
    options : dict
        The batch's runCfg.

    Returns
    -------
    pathlib.Path
        The script, ``<folder>/<run><suffix>``.
    """
    folder = Path(job.folder)
    description = folder / f".{job.label}.job.json"
    write_bytes_atomic(description, json.dumps(asdict(job), indent=1).encode())
    run = (f"{shlex.quote(sys.executable)} -m neuroloom.batch.runner "
           f"{shlex.quote(str(description.resolve()))}")
    text = {"slurm": _slurm, "sge": _sge, "torque": _torque}[kind](job, options, run)
    script = folder / f"{job.label}{SUFFIX[kind][0]}"
    write_bytes_atomic(script, text.encode())
    return script


def _slurm(job: RunJob, options: dict, run: str) -> str:
    folder = Path(job.folder)
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
    lines += ["", f"cd {shlex.quote(options.get('folder') or job.cwd)}", run, ""]
    return "\n".join(lines)


def _sge(job: RunJob, options: dict, run: str) -> str:
    log = options.get("log") or os.path.join(job.folder, job.label)
    lines = ["#!/bin/bash", "#$ -cwd", f"#$ -N {options.get('jobName') or job.label}",
             f"#$ -q {options.get('queueName', 'cpu.q')}",
             f"#$ -pe smp {options.get('cores', 2)}",
             f"#$ -l h_vmem={options.get('vmem', '32G')}",
             f"#$ -l h_rt={options.get('walltime', '00:30:00')}",
             f"#$ -o {log}.run", f"#$ -e {log}.err",
             options.get("pre", "source ~/.bashrc"), f"cd {shlex.quote(job.cwd)}", run,
             options.get("post", ""), ""]
    return "\n".join(lines)


def _torque(job: RunJob, options: dict, run: str) -> str:
    path = os.path.join(job.folder, job.label)
    lines = ["#!/bin/bash", f"#PBS -N {job.label}",
             f"#PBS -l walltime={options.get('walltime', '00:30:00')}",
             f"#PBS -q {options.get('queueName', 'default')}",
             f"#PBS -l nodes={options.get('nodes', 1)}:ppn={options.get('ppn', 1)}",
             f"#PBS -o {path}.run", f"#PBS -e {path}.err", options.get("custom", ""),
             f"cd {shlex.quote(job.cwd)}", run, ""]
    return "\n".join(lines)
