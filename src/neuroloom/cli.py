"""The `neuroloom` command.

    neuroloom run SCRIPT.py [args]          run a model script (serially)
    neuroloom run -n 4 SCRIPT.py [args]     ... on 4 MPI processes (the tutorial's runsim)
    neuroloom --version

`run -n N` starts the script under the mpiexec installed beside this Python (the `mpich`
wheel's), so the MPI library NEURON loads is the one the launcher speaks to.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from . import __version__


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="neuroloom", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"neuroloom {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a model script, serially or under MPI")
    run.add_argument("-n", "--processes", type=int, default=1,
                     help="number of MPI processes (default 1: serial)")
    run.add_argument("script", help="the model script (.py)")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    options = parser.parse_args(argv)
    if options.command == "run":
        return _run(options, parser)
    return 2


def _run(options, parser) -> int:
    script = Path(options.script)
    if not script.is_file():
        parser.error(f"no script {script}")
    if options.processes < 1:
        parser.error("-n must be at least 1")
    command = [sys.executable, str(script), *options.args]
    if options.processes > 1:
        launcher = _mpiexec()
        if launcher is None:
            parser.error("no mpiexec found: install the `mpich` wheel in this environment")
        command = [launcher, "-n", str(options.processes), *command]
    os.execv(command[0], command)  # the script's exit code is the command's
    return 0  # not reached


def _mpiexec() -> str | None:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else shutil.which("mpiexec")


if __name__ == "__main__":
    sys.exit(main())
