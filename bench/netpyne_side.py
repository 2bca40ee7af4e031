#!/usr/bin/env python3
"""NetPyNE side of the neuroloom benchmark: the tutorial-5 style network in NetPyNE 1.1.1.

Runs inside the separate NetPyNE venv made by ``bench/netpyne_venv.sh`` (NetPyNE is
not a neuroloom dependency). It describes the benchmark network with NetPyNE's own
spec API, using NetPyNE's defaults for everything the benchmark does not fix, and
measures:

* ``build_s``     wall time of ``sim.create(netParams, simConfig)`` (spec -> NEURON
                  network ready to run),
* ``connections`` cell-to-cell connections (background NetStim inputs excluded),
* ``simulate_s``  wall time of ``sim.simulate()`` (runSim + gatherData),
* ``spikes``      number of spikes recorded,
* ``rss_build_mb`` / ``rss_end_mb``  peak RSS after the build and at the end.

One JSON object is printed as the last line of stdout (NetPyNE's own chatter goes to
stderr) and, with ``--json``, also written to a file.

Example::

    VENV/bin/python bench/netpyne_side.py --cells 2000 --variant probability --json out.json
"""

import contextlib
import os
import sys
import time

# Must be set before neuron is first imported (netpyne imports it): no X11 here.
os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
# NetPyNE imports matplotlib at import time; keep it off any display.
os.environ.setdefault("MPLBACKEND", "Agg")

from common import (CONVERGENCE, PROB_LENGTH_CONST, PROP_VELOCITY, SIZE,  # noqa: E402
                    command_line, peak_rss_mb, population_sizes, record)


def add_cells(net_params, n_cells):
    """Volume, populations and the two single-compartment HH cell types."""
    net_params.sizeX, net_params.sizeY, net_params.sizeZ = SIZE
    # Custom attributes on netParams are visible by name inside string functions.
    net_params.propVelocity = PROP_VELOCITY
    net_params.probLengthConst = PROB_LENGTH_CONST
    net_params.defaultThreshold = 10.0  # spike detection at soma(0.5) v

    n_e, n_i = population_sizes(n_cells)
    net_params.popParams["E"] = {"cellType": "E", "numCells": n_e}
    net_params.popParams["I"] = {"cellType": "I", "numCells": n_i}

    def soma(diam, length, ra, gnabar):
        hh = {"gnabar": gnabar, "gkbar": 0.036, "gl": 0.003, "el": -70}
        return {"secs": {"soma": {"geom": {"diam": diam, "L": length, "Ra": ra},
                                  "mechs": {"hh": hh}}}}

    net_params.cellParams["E"] = soma(15, 14, 120.0, 0.13)
    net_params.cellParams["I"] = soma(10, 9, 110.0, 0.11)


def add_synapses_and_stims(net_params):
    """Exp2Syn mechanisms and one noisy NetStim background input per cell."""
    net_params.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.8, "tau2": 5.3, "e": 0}
    net_params.synMechParams["inh"] = {"mod": "Exp2Syn", "tau1": 0.6, "tau2": 8.5, "e": -75}
    net_params.stimSourceParams["bkg"] = {
        "type": "NetStim", "rate": 20, "noise": 0.3, "start": 0, "number": 1e9}
    net_params.stimTargetParams["bkg->all"] = {
        "source": "bkg", "conds": {"cellType": ["E", "I"]}, "sec": "soma", "loc": 0.5,
        "weight": 0.01, "delay": 5, "synMech": "exc"}


def add_connections(net_params, variant):
    """The two rules; only the way presynaptic cells are chosen depends on the variant."""
    if variant == "probability":
        e_rule = {"probability": 0.1}
        i_rule = {"probability": "0.4*exp(-dist_3D/probLengthConst)"}
    else:
        e_rule = {"convergence": CONVERGENCE}
        i_rule = {"convergence": CONVERGENCE}
    e_rule.update({
        "preConds": {"cellType": "E"}, "postConds": {"cellType": ["E", "I"]},
        "weight": "0.005*post_ynorm", "delay": "dist_3D/propVelocity", "synMech": "exc"})
    i_rule.update({
        "preConds": {"cellType": "I"}, "postConds": {"cellType": "E"},
        "weight": 0.001, "delay": "dist_3D/propVelocity", "synMech": "inh"})
    net_params.connParams["E->all"] = e_rule
    net_params.connParams["I->E"] = i_rule


def make_specs(n_cells, variant, duration, seed):
    """Build (netParams, simConfig) with saving, plotting and verbosity off."""
    from netpyne import specs

    net_params = specs.NetParams()
    add_cells(net_params, n_cells)
    add_synapses_and_stims(net_params)
    add_connections(net_params, variant)

    cfg = specs.SimConfig()
    cfg.duration = duration
    cfg.dt = 0.025
    cfg.hParams = {"celsius": 6.3, "v_init": -65.0}
    cfg.verbose = False
    cfg.recordTraces = {}  # spikes only: no voltage traces
    cfg.analysis = {}  # no plots
    cfg.saveJson = cfg.savePickle = False
    # NetPyNE seeds its connection, position and stim RNGs from these.
    cfg.seeds = {"conn": seed, "stim": seed, "loc": seed, "cell": seed}
    return net_params, cfg


def count_cell_connections(sim):
    """Connections between cells: the NetStim inputs are in cell.conns too, tagged 'NetStim'."""
    return sum(1 for cell in sim.net.cells for conn in cell.conns
               if conn.get("preGid") != "NetStim")


def run(n_cells, variant, duration, seed):
    """Build and run the network once; return the measurement record."""
    # Route NetPyNE's prints to stderr so stdout carries only the JSON result.
    with contextlib.redirect_stdout(sys.stderr):
        import netpyne
        import neuron
        from netpyne import sim

        net_params, cfg = make_specs(n_cells, variant, duration, seed)

        t0 = time.perf_counter()
        sim.create(netParams=net_params, simConfig=cfg)
        build_s = time.perf_counter() - t0
        rss_build = peak_rss_mb()
        connections = count_cell_connections(sim)

        t0 = time.perf_counter()
        sim.simulate()
        simulate_s = time.perf_counter() - t0
        spikes = len(sim.allSimData["spkt"])

    return record("netpyne", {"netpyne": netpyne.__version__, "neuron": neuron.__version__}, variant, n_cells, duration, seed, build_s,
                  connections, simulate_s, spikes, rss_build)


def main(argv=None):
    command_line(run, __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    main()
