#!/usr/bin/env python3
"""NEURON against CoreNEURON (simConfig.coreneuron) on the builder benchmark's network.

Each engine runs in its own process (CoreNEURON keeps its first run's mechanisms for the
whole process); both must fire the same spikes. Prints the simulation times and the ratio,
writes bench/results/coreneuron.json.

    python bench/coreneuron.py                 # 2000 cells, 500 ms
    python bench/coreneuron.py --cells 5000 --duration 200
"""
import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def one_run(cells, duration, coreneuron) -> dict:
    from neuroloom_side import make_specs

    from neuroloom.sim import Session

    net, cfg = make_specs(cells, "probability", duration, 1)
    cfg.coreneuron = coreneuron
    session = Session(net, cfg, echo=None)
    session.create()
    start = time.perf_counter()
    session.simulate()
    seconds = time.perf_counter() - start
    rec = session.recordings
    digest = hashlib.sha256(rec.spike_t.tobytes() + rec.spike_gid.tobytes()).hexdigest()
    return {"simulate_s": seconds, "spikes": len(rec.spike_t), "spikes_sha256": digest,
            "connections": len(session.network.conns)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=500.0)
    parser.add_argument("--engine", choices=("neuron", "coreneuron"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(one_run(args.cells, args.duration, args.engine == "coreneuron")))
        return
    results = {}
    for engine in ("neuron", "coreneuron"):
        done = subprocess.run([sys.executable, __file__, "--cells", str(args.cells),
                               "--duration", str(args.duration), "--engine", engine],
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{engine} failed:\n{done.stderr[-3000:]}")
        results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        r = results[engine]
        print(f"{engine:10s} {r['simulate_s']:7.2f} s  {r['spikes']} spikes  "
              f"{r['connections']} connections")
    same = results["neuron"]["spikes_sha256"] == results["coreneuron"]["spikes_sha256"]
    ratio = results["neuron"]["simulate_s"] / results["coreneuron"]["simulate_s"]
    print(f"CoreNEURON {ratio:.2f}x faster; same spikes: {same}")
    out = HERE / "results" / "coreneuron.json"
    out.write_text(json.dumps({"cells": args.cells, "duration_ms": args.duration,
                               "ratio": ratio, "same_spikes": same, "runs": results},
                              indent=1))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
