"""Make the NetPyNE-saved reference files of tests/unit/test_netpyne_data.py and
tests/engine/test_netpyne_runtime.py, with NetPyNE 1.1.1 itself (never copied from its
repository). Run it in NetPyNE's venv (bench/netpyne_venv.sh makes one), from anywhere:

    NEURON_MODULE_OPTIONS=-nogui MPLBACKEND=Agg \\
        bench/.venv-netpyne/bin/python tests/data/netpyne_saved/make_reference.py

It writes, beside itself:
- ``small_data.json`` and ``small_data.pkl``: a 24-cell network (two populations of
  one-compartment HH cells, S->M and M->S connections whose delays depend on the cells'
  random positions, a regular NetStim onto every cell, an IClamp onto S cell 0), run
  for 200 ms with recordStim and the soma voltage of cells 0 and 12; every part saved
  (netParams, net with cells, conns, stims and secs, simConfig, simData).
- ``compact_data.json``: the same network saved with compactConnFormat=True and
  saveCellSecs=False (connections as lists, cells without sections), simData only
  spikes.

The network has no randomness but the cell positions and the connections, which the files
hold: a reader that builds the network from them and re-runs it fires NetPyNE's spikes.
"""
import os
from pathlib import Path

from netpyne import sim, specs

HERE = Path(__file__).resolve().parent


def specs_of():
    net = specs.NetParams()
    net.sizeX, net.sizeY, net.sizeZ = 100.0, 200.0, 100.0
    net.propVelocity = 100.0
    net.cellParams["PYR"] = {"secs": {"soma": {
        "geom": {"diam": 18.8, "L": 18.8, "Ra": 123.0},
        "mechs": {"hh": {"gnabar": 0.12, "gkbar": 0.036, "gl": 0.003, "el": -70}}}}}
    net.popParams["S"] = {"cellType": "PYR", "numCells": 12, "yRange": [0, 100]}
    net.popParams["M"] = {"cellType": "PYR", "numCells": 12, "yRange": [100, 200]}
    net.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.1, "tau2": 5.0, "e": 0}
    net.synMechParams["inh"] = {"mod": "Exp2Syn", "tau1": 0.5, "tau2": 8.0, "e": -80}
    net.stimSourceParams["bkg"] = {"type": "NetStim", "rate": 25, "noise": 0.0,
                                   "start": 3.0, "number": 1e9}
    net.stimTargetParams["bkg->all"] = {"source": "bkg", "conds": {"cellType": "PYR"},
                                        "weight": 0.008, "delay": 2.0, "synMech": "exc"}
    net.stimSourceParams["pulse"] = {"type": "IClamp", "del": 20, "dur": 50, "amp": 0.4}
    net.stimTargetParams["pulse->S0"] = {"source": "pulse", "conds": {"pop": "S",
                                                                      "cellList": [0]},
                                         "sec": "soma", "loc": 0.5}
    net.connParams["S->M"] = {"preConds": {"pop": "S"}, "postConds": {"pop": "M"},
                              "probability": 0.5, "weight": 0.01,
                              "delay": "1 + dist_3D/propVelocity", "synMech": "exc"}
    net.connParams["M->S"] = {"preConds": {"pop": "M"}, "postConds": {"pop": "S"},
                              "probability": 0.3, "weight": 0.004,
                              "delay": "1 + dist_3D/propVelocity", "synMech": "inh",
                              "sec": "soma", "loc": 0.5}
    cfg = specs.SimConfig()
    cfg.duration, cfg.dt = 200.0, 0.025
    cfg.seeds = {"conn": 3, "stim": 1, "loc": 5}
    cfg.hParams = {"celsius": 6.3, "v_init": -65.0}
    cfg.recordCells = [0, 12]
    cfg.recordTraces = {"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"}}
    cfg.recordStep = 0.5
    cfg.recordStim = True
    cfg.saveFolder = str(HERE)
    cfg.verbose = False
    return net, cfg


def main():
    os.chdir(HERE)
    net, cfg = specs_of()
    cfg.simLabel = "small"
    cfg.saveJson = cfg.savePickle = True
    sim.createSimulateAnalyze(net, cfg)
    sim.clearAll()

    net, cfg = specs_of()
    cfg.simLabel = "compact"
    cfg.saveJson = True
    cfg.compactConnFormat = True
    cfg.saveCellSecs = False
    cfg.recordTraces = {}
    cfg.recordStim = False
    sim.createSimulateAnalyze(net, cfg)


if __name__ == "__main__":
    main()
