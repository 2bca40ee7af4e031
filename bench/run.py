#!/usr/bin/env python3
"""The builder benchmark: neuroloom beside NetPyNE 1.1.1 and a plain-NEURON floor.

Every measurement runs in its own process (peak RSS is per process), one at a time:

* N=2000, probability variant: neuroloom, NetPyNE (in its own venv) and the floor;
* N=5000 and N=20000, probability variant: neuroloom and the floor;
* N=50000, convergence variant: neuroloom;
* the canonical build alone (no NEURON) at growing sizes, for its connections per second.

    python bench/run.py            # the full benchmark (tens of minutes, ~12 GB at most)
    python bench/run.py --quick    # small sizes, to check that everything runs

Prints a table and the target ratios, and writes everything to bench/results/latest.json.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
NETPYNE_VENV = HERE / ".venv-netpyne"

FULL = {"side_by_side": 2000, "probability": (5000, 20000), "convergence": 50000,
        "canonical": (2000, 5000, 10000, 20000, 40000), "duration": 200.0}
QUICK = {"side_by_side": 300, "probability": (600,), "convergence": 1000,
         "canonical": (300, 600, 1200), "duration": 50.0}


def measure(tool, cells, variant, duration, canonical_only=False):
    """Run one side in a fresh process and return its JSON record."""
    if tool == "netpyne":
        subprocess.run(["bash", str(HERE / "netpyne_venv.sh"), str(NETPYNE_VENV)], check=True)
        command = [str(NETPYNE_VENV / "bin" / "python"), str(HERE / "netpyne_side.py")]
    else:
        script = "neuroloom_side.py" if tool == "neuroloom" else "neuron_floor.py"
        command = [PYTHON, str(HERE / script)]
    command += ["--cells", str(cells), "--variant", variant, "--duration", str(duration)]
    if canonical_only:
        command.append("--canonical-only")
    print(f"  {tool:9s} N={cells:<6d} {variant:11s}", end=" ", flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print("FAILED")
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"({time.perf_counter() - start:.0f} s)")
    return record


def ratio(a, b):
    return a / b if a and b else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    parser.add_argument("--report", metavar="RESULTS.json",
                        help="only print the report of an earlier run's results")
    args = parser.parse_args()
    if args.report:
        saved = json.loads(Path(args.report).read_text())
        report(saved["runs"], saved["canonical"], saved["plan"])
        return
    plan = QUICK if args.quick else FULL
    duration = plan["duration"]
    runs = []
    print("Running (each in its own process):")
    n = plan["side_by_side"]
    for tool in ("neuroloom", "netpyne", "floor"):
        runs.append(measure(tool, n, "probability", duration))
    for size in plan["probability"]:
        for tool in ("neuroloom", "floor"):
            runs.append(measure(tool, size, "probability", duration))
    runs.append(measure("neuroloom", plan["convergence"], "convergence", duration))
    canonical = [measure("neuroloom", size, "probability", duration, canonical_only=True)
                 for size in plan["canonical"]]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"plan": plan, "runs": runs, "canonical": canonical},
                              indent=1) + "\n")
    report(runs, canonical, plan)
    print(f"\nAll figures: {out}")


def report(runs, canonical, plan):
    print(f"\n{'tool':13s}{'N':>7s} {'variant':12s}{'build s':>9s}{'conns':>11s}"
          f"{'RSS MB':>9s}{'sim s':>8s}{'spikes':>8s}")
    for r in runs:
        print(f"{r['tool']:13s}{r['cells']:7d} {r['variant']:12s}{r['build_s']:9.2f}"
              f"{r['connections']:11d}{r['rss_end_mb']:9.0f}{r['simulate_s']:8.2f}"
              f"{r['spikes']:8d}")
    find = {(r["tool"], r["cells"], r["variant"]): r for r in runs}
    largest = max(plan["probability"])
    build_gb = {tool: find[(tool, largest, "probability")]["rss_build_mb"] / 1024
                for tool in ("neuroloom", "neuron_floor")}
    print(f"\nRSS MB is the peak of the whole process; at N={largest} the build alone "
          f"peaked at {build_gb['neuroloom']:.1f} GB (floor {build_gb['neuron_floor']:.1f} GB)")
    n = plan["side_by_side"]
    ours, theirs = find[("neuroloom", n, "probability")], find[("netpyne", n, "probability")]
    print(f"\nN={n} side by side (targets: build >= 20x faster, RSS <= 1/4, simulate >= 5x):")
    print(f"  build    NetPyNE / neuroloom = {ratio(theirs['build_s'], ours['build_s']):6.1f}x")
    print(f"  peak RSS neuroloom / NetPyNE = {ratio(ours['rss_end_mb'], theirs['rss_end_mb']):6.2f}")
    print(f"  simulate NetPyNE / neuroloom = "
          f"{ratio(theirs['simulate_s'], ours['simulate_s']):6.1f}x")
    for size in plan["probability"]:
        ours = find[("neuroloom", size, "probability")]
        floor = find[("neuron_floor", size, "probability")]
        print(f"N={size} probability: build neuroloom / floor = "
              f"{ratio(ours['build_s'], floor['build_s']):.2f} (target <= 1.3 at the largest), "
              f"peak RSS {ours['rss_end_mb'] / 1024:.1f} GB (floor "
              f"{floor['rss_end_mb'] / 1024:.1f} GB)")
    conv = find[("neuroloom", plan["convergence"], "convergence")]
    print(f"N={plan['convergence']} convergence: build {conv['build_s']:.0f} s, "
          f"{conv['connections']} connections, peak RSS {conv['rss_end_mb'] / 1024:.1f} GB "
          "(targets: < 240 s, < 6 GB)")
    print("\nCanonical build (no NEURON), target >= 5 M connections/s, about linear:")
    for r in canonical:
        print(f"  N={r['cells']:6d} {r['connections']:10d} connections in "
              f"{r['canonical_s']:6.2f} s = {r['canonical_conns_per_s'] / 1e6:5.2f} M/s, "
              f"{r['conn_bytes_per_conn']:.0f} bytes/connection")


if __name__ == "__main__":
    main()
