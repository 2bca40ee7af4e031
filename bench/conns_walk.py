#!/usr/bin/env python3
"""What walking ``sim.net.cells[i].conns`` costs, as NetPyNE users' analysis code does.

Builds the builder benchmark's network (convergence variant) in NEURON, then walks every
cell's connections through the tutorial facade, reading each connection's preGid, weight
and NetCon (hObj), and reports the microseconds per connection: the first walk (which groups the connections by
cell, once per network and NEURON instance), a second one, and the way neuroloom did it
before (a scan of the whole connection table per cell, reproduced here so both are timed
in the same conditions). Writes bench/results/conns_walk.json.

    .venv/bin/python bench/conns_walk.py --cells 2100
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from neuroloom_side import make_specs  # noqa: E402

import numpy as np  # noqa: E402

from neuroloom import sim  # noqa: E402
from neuroloom.sim import state  # noqa: E402
from neuroloom.specs.dicts import Dict  # noqa: E402


def before(cell) -> list:
    """cell.conns as neuroloom made it before the ConnIndex (sim/views.py, kept here to
    measure both in the same conditions): a scan of the whole table per cell."""
    session = state.current()
    net, model = session.network, session.model
    c = net.conns
    rows = np.flatnonzero(c.post_gid == cell.gid)
    out = [Dict(preGid=int(c.pre_gid[i]), sec=net.section_names[c.sec[i]],
                loc=float(c.loc[i]), synMech=net.syn_mechs[c.syn_mech[i]].user_label,
                weight=float(c.weight[i]), delay=float(c.delay[i]),
                label=net.conn_rules[c.rule[i]]) for i in rows]
    positions = np.searchsorted(model.netcon_rows, rows)
    for conn, row, pos in zip(out, rows, positions):
        if pos < len(model.netcon_rows) and model.netcon_rows[pos] == row:
            conn["hObj"] = model.netcons.o(int(pos))
    return out


def walk(conns_of=lambda cell: cell.conns) -> tuple[int, float]:
    """(connections seen, checksum of their weights): what the loop reads (cell.conns
    lists each cell's NetStim synapses too, preGid 'NetStim', as NetPyNE)."""
    seen, total = 0, 0.0
    for cell in sim.net.cells:
        for conn in conns_of(cell):
            seen += 1
            total += conn["weight"]
            conn["preGid"]
            conn.get("hObj")
    return seen, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=2100)
    parser.add_argument("--json", default=str(HERE / "results" / "conns_walk.json"))
    args = parser.parse_args()
    net, cfg = make_specs(args.cells, "convergence", 10.0, 1)
    cfg.progress = False
    sim.create(net, cfg)
    n = len(sim.net.cells)
    start = time.perf_counter()
    seen, _ = walk()
    first = time.perf_counter() - start
    start = time.perf_counter()
    walk()
    second = time.perf_counter() - start
    start = time.perf_counter()
    walk(before)
    old = time.perf_counter() - start
    result = {"cells": n, "connections": seen, "walk_s": round(first, 3),
              "us_per_conn": round(first / max(seen, 1) * 1e6, 3),
              "second_walk_s": round(second, 3), "before_walk_s": round(old, 3),
              "before_us_per_conn": round(old / max(seen, 1) * 1e6, 3),
              "speedup_first_walk": round(old / first, 1),
              "speedup_later_walks": round(old / second, 1)}
    print(json.dumps(result))
    Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
