#!/usr/bin/env python3
"""How close neuroloom's pre-build memory estimate (builder/estimate.py) comes to the
memory a network really takes: the growth of the resident set size (RSS, /proc/self/statm)
from before ``sim.create`` to after it, for a few small networks (HH point cells driven by
NetStims, probability connections, one Exp2Syn each). Each size runs in a fresh process.

Prints one line per network: cells, connections (estimated and built), estimated MB,
measured MB and their ratio; docs/memory.md keeps the table.

Example::

    /work/main/.venv/bin/python bench/memory_estimate.py --json bench/results/memory_estimate.json
"""
import argparse
import json
import os
import subprocess
import sys

NETWORKS = ((2000, 0.0), (2000, 0.1), (5000, 0.02), (10000, 0.005), (400, 0.0, 100))


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(cells: int, probability: float, nseg: int = 1) -> dict:
    from neuroloom import sim, specs
    from neuroloom.builder.estimate import estimate
    from neuroloom.engine.neuron_env import neuron_h
    from neuroloom.sim import state
    from neuroloom.validate import validate

    net = specs.NetParams()
    net.cellParams["PYR"] = {"secs": {"soma": {"geom": {"diam": 18.8, "L": 18.8, "nseg": nseg},
                                               "mechs": {"hh": {}}}}}
    net.popParams["E"] = {"cellType": "PYR", "numCells": cells}
    net.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.1, "tau2": 5.0, "e": 0}
    net.stimSourceParams["bkg"] = {"type": "NetStim", "rate": 10, "noise": 0.5}
    net.stimTargetParams["bkg->E"] = {"source": "bkg", "conds": {"pop": "E"},
                                      "weight": 0.01, "delay": 5, "synMech": "exc"}
    if probability:
        net.connParams["E->E"] = {"preConds": {"pop": "E"}, "postConds": {"pop": "E"},
                                  "probability": probability, "weight": 0.001, "delay": 5,
                                  "synMech": "exc"}
    cfg = specs.SimConfig()
    cfg.duration, cfg.progress, cfg.saveJson, cfg.saveSpikesSonata = 10, False, False, False
    found = estimate(*validate(net, cfg)[:2])
    neuron_h()  # NEURON and its libraries are loaded before the first reading
    before = rss_bytes()
    sim.create(net, cfg)
    grown = rss_bytes() - before
    return {"cells": cells, "nseg": nseg, "probability": probability,
            "connections_estimated": found.connections,
            "connections_built": len(state.current().network.conns),
            "estimated_mb": round(found.total_bytes / 1e6, 1),
            "measured_mb": round(grown / 1e6, 1),
            "ratio": round(found.total_bytes / max(grown, 1), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--one", nargs="+", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        cells, probability, *nseg = args.one
        print(json.dumps(measure(int(cells), probability, int(nseg[0]) if nseg else 1)))
        return
    rows = []
    for network in NETWORKS:
        done = subprocess.run([sys.executable, __file__, "--one", *map(str, network)],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.splitlines()[-1]))
        print(rows[-1], flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
