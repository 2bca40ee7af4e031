"""The `neuroloom` command.

    neuroloom run [-n N] SCRIPT.py [args]     run a model script, serially or on N MPI processes
    neuroloom batch [-n N] BATCH.py [args]    run a batch script (tutorial 8)
    neuroloom convert SRC DST [--to neuroml|sonata|json] [--format xml|hdf5] [--check]
    neuroloom validate PATH                   every problem of a model, with its location
    neuroloom info PATH                       what a model holds
    neuroloom mechs build [DIR ...]           compile (and cache) mechanisms
    neuroloom --version

Exit codes: 0 done, 1 the model or a run has problems, 2 the command line is wrong. Errors
are one line (an unexpected one says it is a neuroloom bug); --debug shows the traceback.
info, validate and convert read a pickle (.pkl) only with --trust-pickle: a pickle can run
code while it is read.
"""
from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import NeuroloomError
from . import convert, inspect, mechs, run


def main(argv=None) -> int:
    parser = _parser()
    options = parser.parse_args(argv)
    try:
        return options.handler(options, parser)
    except (NeuroloomError, OSError) as error:
        if options.debug:
            raise
        print(f"neuroloom {options.command}: {type(error).__name__}: {_one_line(error)}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if options.debug:
            raise
        print(f"neuroloom {options.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback without --debug, even for a bug
        if options.debug:
            raise
        print(f"neuroloom {options.command}: internal error, a neuroloom bug "
              f"({type(error).__name__}: {_one_line(error)}); please report it with the "
              "traceback that --debug shows", file=sys.stderr)
        return 1


def _one_line(error) -> str:
    return " ".join(str(error).split()) or "(no message)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neuroloom", description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"neuroloom {__version__}")
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", help="show full tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (run, convert, inspect, mechs):
        module.add_commands(commands, [debug])
    return parser


if __name__ == "__main__":
    sys.exit(main())
