#!/usr/bin/env python3
"""NEURON's memory per object, for neuroloom's pre-build memory estimate
(builder/estimate.py, docs/memory.md).

Method: in a fresh process per kind of object, read the resident set size
(/proc/self/statm) after NEURON is loaded and a warm-up batch of the objects is made (so
allocator pools and NEURON's first-use tables are counted out), then make 10^4 (or --count)
more of them, keep references, and read it again: (RSS after - RSS before) / count is the
cost of one object. Each kind is measured --repeat times in fresh processes; the median
is printed. Kinds:

- section: a section with nseg=1 and hh inserted (a point neuron's soma);
- segment: the extra cost of one more segment of such a section (nseg 1 -> 11, / 10);
- netcon: a NetCon from a section's voltage to an ExpSyn;
- pointprocess: an ExpSyn in a section;
- netstim: a NetStim (with its NetCon onto a synapse counted apart, as netcon);
- vector: a recorded Vector's fixed part (its samples are 8 bytes each on top).

Example::

    /work/main/.venv/bin/python bench/neuron_object_costs.py --json bench/results/neuron_object_costs.json
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

KINDS = ("section", "segment", "netcon", "pointprocess", "netstim", "vector")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(kind: str, count: int) -> float:
    os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
    from neuron import h  # the measured library

    keep = []
    host = h.Section(name="host")
    host.insert("hh")
    target = h.ExpSyn(host(0.5))

    def make(n):
        for _ in range(n):
            if kind == "section":
                sec = h.Section()
                sec.insert("hh")
                keep.append(sec)
            elif kind == "segment":
                sec = h.Section()
                sec.insert("hh")
                keep.append(sec)
            elif kind == "netcon":
                keep.append(h.NetCon(host(0.5)._ref_v, target, sec=host))
            elif kind == "pointprocess":
                keep.append(h.ExpSyn(host(0.5)))
            elif kind == "netstim":
                keep.append(h.NetStim())
            elif kind == "vector":
                vec = h.Vector()
                vec.record(host(0.5)._ref_v)
                keep.append(vec)

    make(count // 10)  # warm-up
    if kind == "segment":
        before = rss_bytes()
        for sec in keep:
            sec.nseg = 11
        return (rss_bytes() - before) / (10 * len(keep))
    before = rss_bytes()
    make(count)
    return (rss_bytes() - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child process: one kind
    args = parser.parse_args()
    if args.one:
        print(measure(args.one, args.count))
        return
    results = {}
    for kind in KINDS:
        runs = [float(subprocess.run([sys.executable, __file__, "--one", kind, "--count",
                                      str(args.count)], capture_output=True, text=True,
                                     check=True).stdout.split()[-1])
                for _ in range(args.repeat)]
        results[kind] = round(statistics.median(runs))
        print(f"{kind:13s} {results[kind]:7d} bytes per object   (runs: "
              f"{', '.join(f'{r:.0f}' for r in runs)})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"count": args.count, "repeat": args.repeat,
                       "bytes_per_object": results}, f, indent=1)


if __name__ == "__main__":
    main()
