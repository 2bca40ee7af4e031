"""What the three sides of the builder benchmark share: the network's fixed parameters,
peak RSS, and the command line (each side prints one JSON object as its last line).

Imported by bench/neuroloom_side.py, bench/netpyne_side.py (in NetPyNE's own venv) and
bench/neuron_floor.py; it needs nothing beyond the standard library.
"""
import argparse
import json
import resource

SIZE = (100.0, 1000.0, 100.0)  # um: sizeX, sizeY, sizeZ
PROP_VELOCITY = 100.0  # um/ms
PROB_LENGTH_CONST = 150.0  # um
CONVERGENCE = 100  # presynaptic cells per cell in the convergence variant
E_FRACTION = 0.8


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def population_sizes(n_cells):
    """(E, I) cell counts: the same split on every side."""
    n_e = int(round(E_FRACTION * n_cells))
    return n_e, n_cells - n_e


def record(tool, versions, variant, cells, duration, seed, build_s, connections, simulate_s,
           spikes, rss_build_mb) -> dict:
    """The measurement record every side prints (peak RSS at the end is taken now)."""
    n_e, n_i = population_sizes(cells)
    return {"tool": tool, "versions": versions, "variant": variant, "cells": cells,
            "n_E": n_e, "n_I": n_i, "duration_ms": duration, "seed": seed,
            "build_s": round(build_s, 4), "connections": connections,
            "simulate_s": round(simulate_s, 4), "spikes": spikes,
            "rss_build_mb": round(rss_build_mb, 1), "rss_end_mb": round(peak_rss_mb(), 1)}


def command_line(run, description, argv=None, canonical_option=False):
    """Parse the shared options, call ``run(cells, variant, duration, seed[, canonical])``
    and print its record as one JSON line (also to --json)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--cells", type=int, required=True, help="total number of cells N")
    parser.add_argument("--variant", choices=("probability", "convergence"),
                        default="probability", help="how presynaptic cells are chosen")
    parser.add_argument("--duration", type=float, default=200.0, help="simulated ms")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", metavar="OUT.json", help="also write the result here")
    if canonical_option:
        parser.add_argument("--canonical-only", action="store_true",
                            help="only build the numpy network (no NEURON)")
    args = parser.parse_args(argv)
    if args.cells < 2:
        parser.error("--cells must be at least 2")
    extra = (args.canonical_only,) if canonical_option else ()
    line = json.dumps(run(args.cells, args.variant, args.duration, args.seed, *extra),
                      sort_keys=True)
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(line + "\n")
    print(line, flush=True)
