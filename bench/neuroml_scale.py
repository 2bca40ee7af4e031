#!/usr/bin/env python3
"""NeuroML2 export and import at scale: 10000 cells, 1 000 000 connections.

The network is the builder benchmark's (bench/neuroloom_side.py, convergence variant) with
its E->all rule only: every cell gets 100 inputs. Each step runs in its own process, so its peak RSS is its own:

    build      the canonical network alone (the baseline every other step starts from)
    export-xml / export-hdf5    build, then write <out>/scale.net.nml / .net.h5 (+ LEMS)
    import-xml / import-hdf5    read the file back into a canonical network

    python bench/neuroml_scale.py              # 10000 cells (about a minute)
    python bench/neuroml_scale.py --cells 2000 # smaller

Prints seconds, file sizes, peak RSS and the ratios to NetPyNE 1.1.1's figures measured on
this machine for the same size (the issue's numbers: XML export 129 s, 149 MB, 9.8 GB peak;
HDF5 export 58 s; import 65-94 s). Writes bench/results/neuroml_scale.json.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

NETPYNE = {"export-xml": 129.0, "export-hdf5": 58.0, "import-xml": 65.0, "import-hdf5": 65.0,
           "export-xml-mb": 149.0, "export-xml-peak-gb": 9.8}
STEPS = ("build", "export-xml", "export-hdf5", "import-xml", "import-hdf5")


def network(cells):
    from neuroloom_side import make_specs

    from neuroloom.builder import build_network
    from neuroloom.validate import validate

    net, cfg = make_specs(cells, "convergence", 100.0, 1)
    del net.connParams["I->E"]  # E->all alone: 100 inputs per cell, 1 000 000 at N=10000
    net_spec, run_spec, _ = validate(net, cfg)
    return build_network(net_spec, dict(run_spec.seeds)), cfg


def step(name, cells, out: Path) -> dict:
    """One step in this process: its seconds and this process's peak RSS."""
    from common import peak_rss_mb

    if name.startswith("import"):
        from neuroloom.importers import neuroml

        path = out / ("scale.net.nml" if name == "import-xml" else "scale.net.h5")
        start = time.perf_counter()
        model = neuroml.load(path)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "connections": len(model.network.conns),
                "exact": model.exact, "peak_rss_mb": peak_rss_mb()}
    start = time.perf_counter()
    net, cfg = network(cells)
    built = time.perf_counter() - start
    result = {"build_s": built, "connections": len(net.conns), "peak_rss_mb": peak_rss_mb()}
    if name == "build":
        return {"seconds": built, **result}
    from neuroloom.exporters.neuroml import export

    fmt = "xml" if name == "export-xml" else "hdf5"
    start = time.perf_counter()
    path = export(net, "scale", out, cfg, format=fmt)[0]
    result.update(seconds=time.perf_counter() - start, file_mb=path.stat().st_size / 1e6,
                  peak_rss_mb=peak_rss_mb())
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=10000)
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.cells, Path(args.out))), flush=True)
        return
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in STEPS:
            done = subprocess.run([sys.executable, __file__, "--cells", str(args.cells),
                                   "--step", name, "--out", tmp], capture_output=True,
                                  text=True)
            if done.returncode:
                raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
            r = results[name]
            print(f"{name:12s} {r['seconds']:7.2f} s  peak RSS {r['peak_rss_mb']:7.0f} MB"
                  + (f"  file {r['file_mb']:6.1f} MB" if "file_mb" in r else "")
                  + f"  {r['connections']} connections", flush=True)
    if args.cells == 10000:
        print("\nagainst NetPyNE 1.1.1 (same size, this machine):")
        for name in ("export-xml", "export-hdf5", "import-xml", "import-hdf5"):
            speedup = NETPYNE[name] / results[name]["seconds"]
            results[name]["netpyne_ratio"] = speedup
            print(f"  {name:12s} {speedup:6.1f}x faster")
    out = HERE / "results" / "neuroml_scale.json"
    out.write_text(json.dumps({"cells": args.cells, "steps": results}, indent=1))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
