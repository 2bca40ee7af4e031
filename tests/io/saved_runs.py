"""A small saved run (40 cells, E->I connections, NetStim inputs, 100 ms) made without
NEURON, written as .json, .pkl or .h5, and the ways the damage tests change it."""
from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import h5py
import numpy as np

from neuroloom import specs
from neuroloom.builder import network_from_specs
from neuroloom.results.save import data_payload, save_hdf5, save_json, save_pickle

WRITERS = {".json": save_json, ".pkl": save_pickle, ".h5": save_hdf5}
SIM_DATA = {"spkt": [1.0, 2.5, 7.0], "spkid": [0, 1, 21], "t": [], "avgRate": 0.75}


def tiny_specs():
    net_params = specs.NetParams()
    net_params.popParams["E"] = {"cellType": "PYR", "numCells": 20}
    net_params.popParams["I"] = {"cellType": "PYR", "numCells": 20}
    net_params.cellParams["PYR"] = {"secs": {
        "soma": {"geom": {"diam": 18.8, "L": 18.8, "Ra": 123.0},
                 "mechs": {"hh": {"gnabar": 0.12, "gkbar": 0.036, "gl": 0.003, "el": -70}}},
        "dend": {"geom": {"diam": 2, "L": 100},
                 "topol": {"parentSec": "soma", "parentX": 1, "childX": 0}}}}
    net_params.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.1, "tau2": 5.0, "e": 0}
    net_params.stimSourceParams["bkg"] = {"type": "NetStim", "rate": 10, "noise": 0.5}
    net_params.stimTargetParams["bkg->E"] = {"source": "bkg", "conds": {"pop": "E"},
                                             "weight": 0.01, "delay": 5, "synMech": "exc"}
    net_params.connParams["E->I"] = {"preConds": {"pop": "E"}, "postConds": {"pop": "I"},
                                     "probability": 0.5, "weight": 0.01, "delay": 5,
                                     "synMech": "exc", "sec": "dend", "loc": 0.5}
    return net_params, specs.SimConfig(duration=100)


_NETWORK = []


def tiny_network():
    if not _NETWORK:
        _NETWORK.append(network_from_specs(*tiny_specs()))
    return _NETWORK[0]


def write_run(path, include=("netParams", "netCells", "simConfig", "simData")) -> Path:
    net_params, cfg = tiny_specs()
    payload = data_payload(net_params, cfg, tiny_network(), dict(SIM_DATA), include)
    return WRITERS[Path(path).suffix](path, payload)


def edit_json(path, change) -> Path:
    data = json.loads(Path(path).read_text())
    change(data)
    Path(path).write_text(json.dumps(data, allow_nan=True))
    return Path(path)


def edit_pickle(path, change) -> Path:
    data = pickle.loads(Path(path).read_bytes())
    change(data)
    Path(path).write_bytes(pickle.dumps(data))
    return Path(path)


def replace_dataset(f, name, values) -> None:
    del f[name]
    f.create_dataset(name, data=np.asarray(values))


def edit_h5(path, change) -> Path:
    with h5py.File(path, "r+") as f:
        change(f)
    return Path(path)


class RunsCode:
    """Pickled, it runs a shell command when read: it leaves CODE_RAN beside the file."""

    def __init__(self, folder):
        self.folder = str(folder)

    def __reduce__(self):
        return (os.system, (f"touch {self.folder}/CODE_RAN",))


def evil_pickle(path) -> Path:
    path = Path(path)
    path.write_bytes(pickle.dumps({"neuroloom_version": "0.1.0", "x": RunsCode(path.parent)}))
    return path
