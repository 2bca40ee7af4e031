"""`neuroloom run` and `neuroloom batch`: a script, serially or under MPI.

`-n N` starts the script under the mpiexec installed beside this Python (the `mpich`
wheel's), so the MPI library NEURON loads is the one the launcher speaks to.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path


def add_commands(commands, parents) -> None:
    for name, text in (("run", "run a model script, serially or under MPI (the tutorial's "
                               "runsim)"),
                       ("batch", "run a batch script (tutorial 8); -n N for an MPI pool")):
        command = commands.add_parser(name, help=text, description=text, parents=parents)
        command.add_argument("-n", "--processes", type=int, default=1,
                             help="number of MPI processes (default 1: serial)")
        command.add_argument("script", help="the script (.py)")
        command.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
        command.set_defaults(handler=run)


def run(options, parser) -> int:
    script = Path(options.script)
    if not script.is_file():
        parser.error(f"no script {script}")
    if options.processes < 1:
        parser.error("-n must be at least 1")
    command = [sys.executable, str(script), *options.args]
    if options.processes > 1:
        launcher = mpiexec()
        if launcher is None:
            parser.error("no mpiexec found: install the `mpich` wheel in this environment")
        command = [launcher, "-n", str(options.processes), *command]
    sys.stdout.flush()
    os.execv(command[0], command)  # the script's exit code is the command's
    return 0  # not reached


def mpiexec() -> str | None:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")
