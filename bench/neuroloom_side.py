#!/usr/bin/env python3
"""neuroloom side of the builder benchmark: the tutorial-5 style network through the
tutorial API, timed in the same way as bench/netpyne_side.py and bench/neuron_floor.py.

Measures, in one process: the canonical build (spec -> numpy network, no NEURON) and its
connections per second, the full build (spec -> NEURON network ready to run), the
simulation, peak RSS after the build and at the end, and the connection table's bytes per
connection. Prints one JSON object as the last line of stdout.

    .venv/bin/python bench/neuroloom_side.py --cells 2000 --variant probability
"""
import os
import time

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")

from common import (CONVERGENCE, PROB_LENGTH_CONST, PROP_VELOCITY, SIZE,  # noqa: E402
                    command_line, peak_rss_mb, population_sizes)
from neuroloom import __version__, specs  # noqa: E402
from neuroloom.builder import build_network  # noqa: E402
from neuroloom.sim import Session  # noqa: E402
from neuroloom.validate import validate  # noqa: E402


def make_specs(n_cells, variant, duration, seed):
    """The benchmark network: E/I 80/20 HH somas in 100 x 1000 x 100 um, background
    NetStims, E->all and I->E rules by probability or by convergence."""
    net = specs.NetParams()
    net.sizeX, net.sizeY, net.sizeZ = SIZE
    net.propVelocity, net.probLengthConst = PROP_VELOCITY, PROB_LENGTH_CONST
    for label, (diam, length, ra, gnabar) in {"E": (15, 14, 120.0, 0.13),
                                              "I": (10, 9, 110.0, 0.11)}.items():
        net.cellParams[label] = {"secs": {"soma": {
            "geom": {"diam": diam, "L": length, "Ra": ra},
            "mechs": {"hh": {"gnabar": gnabar, "gkbar": 0.036, "gl": 0.003, "el": -70}}}}}
    n_e, n_i = population_sizes(n_cells)
    net.popParams["E"] = {"cellType": "E", "numCells": n_e}
    net.popParams["I"] = {"cellType": "I", "numCells": n_i}
    net.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.8, "tau2": 5.3, "e": 0}
    net.synMechParams["inh"] = {"mod": "Exp2Syn", "tau1": 0.6, "tau2": 8.5, "e": -75}
    net.stimSourceParams["bkg"] = {"type": "NetStim", "rate": 20, "noise": 0.3}
    net.stimTargetParams["bkg->all"] = {"source": "bkg", "conds": {"cellType": ["E", "I"]},
                                        "weight": 0.01, "delay": 5, "synMech": "exc"}
    if variant == "probability":
        e_rule, i_rule = {"probability": 0.1}, {
            "probability": "0.4*exp(-dist_3D/probLengthConst)"}
    else:
        e_rule, i_rule = {"convergence": CONVERGENCE}, {"convergence": CONVERGENCE}
    net.connParams["E->all"] = {**e_rule, "preConds": {"cellType": "E"},
                                "postConds": {"cellType": ["E", "I"]},
                                "weight": "0.005*post_ynorm",
                                "delay": "dist_3D/propVelocity", "synMech": "exc"}
    net.connParams["I->E"] = {**i_rule, "preConds": {"cellType": "I"},
                              "postConds": {"cellType": "E"}, "weight": 0.001,
                              "delay": "dist_3D/propVelocity", "synMech": "inh"}
    cfg = specs.SimConfig()
    cfg.duration, cfg.dt = duration, 0.025
    cfg.seeds = {"conn": seed, "stim": seed, "loc": seed}
    cfg.recordTraces = {}
    cfg.saveJson = cfg.savePickle = cfg.saveSpikesSonata = False
    return net, cfg


def run(n_cells, variant, duration, seed, canonical_only=False):
    net, cfg = make_specs(n_cells, variant, duration, seed)
    start = time.perf_counter()
    net_spec, run_spec, _ = validate(net, cfg)
    network = build_network(net_spec, dict(run_spec.seeds))
    canonical_s = time.perf_counter() - start
    n = len(network.conns)
    result = {"tool": "neuroloom", "versions": {"neuroloom": __version__}, "variant": variant,
              "cells": n_cells, "duration_ms": duration, "seed": seed,
              "canonical_s": canonical_s, "connections": n,
              "canonical_conns_per_s": n / canonical_s if canonical_s else None,
              "conn_bytes_per_conn": network.conns.nbytes() / max(n, 1)}
    if canonical_only:
        result["rss_build_mb"] = peak_rss_mb()
        return result
    del network  # the session builds its own, from the spec
    start = time.perf_counter()
    session = Session(net, cfg, echo=None)
    session.create()
    result["build_s"] = time.perf_counter() - start
    result["rss_build_mb"] = peak_rss_mb()
    start = time.perf_counter()
    session.simulate()
    result["simulate_s"] = time.perf_counter() - start
    result["spikes"] = len(session.recordings.spike_t)
    result["rss_end_mb"] = peak_rss_mb()
    import neuron
    result["versions"]["neuron"] = neuron.__version__
    return result


def main(argv=None):
    command_line(run, __doc__.split("\n\n")[0], argv, canonical_option=True)


if __name__ == "__main__":
    main()
