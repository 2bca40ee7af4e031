"""Any model source as one canonical network: a model script, a saved run, a NeuroML2 (or
LEMS) file, or a SONATA circuit. The command line's convert, validate and info read models
through here.

A model script is run up to its first sim.create*/initialize call, which hands over its
specs and stops it: nothing is simulated. A script (or parameter module) that makes no such
call gives the NetParams and SimConfig objects it defines.
"""
from __future__ import annotations

import json
import runpy
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import h5py

from .. import sim
from ..builder import network_from_specs
from ..errors import FormatError
from ..importers import neuroml, sonata
from ..model.serialize import network_from_dict
from ..results.save import load_payload
from ..results.netpyne_data import is_netpyne, netpyne_run
from ..results.saved_network import with_cell_secs
from ..results.saved_run import saved_net_params, saved_sim_config
from ..specs import NetParams, SimConfig

SCRIPT, SAVED, NEUROML, SONATA = "script", "saved run", "NeuroML2", "SONATA"
SAVED_SUFFIXES = (".json", ".pkl", ".pickle", ".h5", ".hdf5")
STOPPING_CALLS = ("createSimulateAnalyze", "createSimulate", "create", "initialize",
                  "createExportNeuroML2", "createSimulateAnalyzeInterval",
                  "createSimulateAnalyzeDistributed")


@dataclass
class Model:
    network: object  # the canonical Network
    sim_config: SimConfig
    net_params: NetParams | None  # the spec, when the source has one
    kind: str
    path: Path


class _Handed(Exception):
    """A script handed its specs over; it stops here."""


def kind_of(path) -> str:
    """What a path holds, from its name and (for .json/.h5) a look inside."""
    path = Path(path)
    if path.is_dir():
        return SONATA
    if not path.exists():
        raise FormatError(f"{str(path)!r} does not exist")
    name = path.name.lower()
    if name.endswith(".py"):
        return SCRIPT
    if name.endswith((".nml", ".xml", ".nml.h5")):
        return NEUROML
    if name.endswith(".json"):
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (ValueError, RecursionError) as error:
            raise FormatError(f"{str(path)!r} is not a JSON file: {error}") from None
        if isinstance(data, dict) and ("networks" in data or "manifest" in data
                                       or {"run", "network"} <= data.keys()
                                       or {"network", "simulation"} <= data.keys()):
            return SONATA
        return SAVED
    if name.endswith((".h5", ".hdf5")):
        try:
            with h5py.File(path, "r") as f:
                return NEUROML if "neuroml" in f else SAVED
        except (OSError, RuntimeError) as error:  # truncated, damaged, or not HDF5
            raise FormatError(f"{str(path)!r} is not a readable HDF5 file ({error})") \
                from None
    if name.endswith((".pkl", ".pickle")):
        return SAVED
    raise FormatError(f"{str(path)!r}: not a model script (.py), saved run (.json, .pkl, "
                      ".h5), NeuroML2 file (.nml, .xml, .nml.h5) or SONATA circuit (a folder "
                      "or its config .json)")


def specs_of_script(path, argv=()) -> tuple[NetParams, SimConfig]:
    """(netParams, simConfig) of a model script, without running its simulation."""
    path = Path(path).resolve()
    handed = {}

    def hand_over(netParams=None, simConfig=None, *args, **kwargs):  # output=True...
        handed.update(netParams=netParams, simConfig=simConfig)
        raise _Handed

    with _script_context(path, argv), _replaced(sim, STOPPING_CALLS, hand_over):
        try:
            module = runpy.run_path(str(path), run_name="__main__")
        except _Handed:
            module = {}
    net_params = handed.get("netParams") or _defined(module, NetParams, path)
    sim_config = handed.get("simConfig") or _defined(module, SimConfig, path)
    return net_params, sim_config


def open_model(path, mod_folders=(), progress=None, mechanisms=None,
               trust_pickle: bool = False) -> Model:
    """The network a source describes, built without NEURON where the source allows;
    ``progress(fraction)`` while a NeuroML2 file or SONATA circuit is read; ``mechanisms``:
    what NEURON knows of mechanisms, to check a script's against (see ``validate``). A saved
    run that is a pickle is read only with ``trust_pickle`` (the user says it comes from a
    trusted source: a pickle can run code while it is read)."""
    path = Path(path)
    kind = kind_of(path)
    if kind == SCRIPT:
        net_params, sim_config = specs_of_script(path)
        return Model(network_from_specs(net_params, sim_config, mechanisms=mechanisms),
                     sim_config, net_params, kind, path)
    if kind == SAVED:
        return _saved(path, trust_pickle)
    if kind == NEUROML:
        model = neuroml.load(path, mod_folders, progress)
        return Model(model.network, model.sim_config, None, kind, path)
    model = sonata.load(sonata_config(path), mod_folders, progress)
    return Model(model.network, model.sim_config, None, kind, path)


def sonata_config(path) -> Path:
    """A SONATA folder's config: the one that names both circuit and run, if any."""
    path = Path(path)
    if not path.is_dir():
        return path
    for name in ("simulation_config.json", "config.json", "circuit_config.json"):
        if (path / name).is_file():
            return path / name
    raise FormatError(f"{str(path)!r} holds no SONATA config (simulation_config.json, "
                      "config.json or circuit_config.json)")


def _saved(path: Path, trust_pickle: bool = False) -> Model:
    payload = load_payload(path, trust_pickle)
    where = repr(str(path))
    if is_netpyne(payload):
        run = netpyne_run(payload, where)
        if run.network is None:
            raise FormatError(f"{where} holds no NetPyNE cells (save it with 'netCells' in "
                              "saveDataInclude)")
        return Model(run.network, run.sim_config, run.net_params, SAVED, path)
    net_params = saved_net_params(payload.get("netParams"), where)
    sim_config = saved_sim_config(payload, where, stacklevel=4)
    net = payload.get("net") or {}
    if not isinstance(net, dict):
        raise FormatError(f"{where}: its 'net' is a {type(net).__name__}, not a dict")
    if "cells" in net:  # saved without sections (saveCellSecs False): made again
        where = repr(str(path))
        network = network_from_dict(with_cell_secs(net, payload, where), where)
    elif net_params is not None:
        network = network_from_specs(net_params, sim_config)
    else:
        raise FormatError(f"{str(path)!r} holds neither the network nor its netParams")
    return Model(network, sim_config, net_params, SAVED, path)


def _defined(module: dict, kind, path: Path):
    found = [value for value in module.values() if isinstance(value, kind)]
    if len(found) != 1:
        what = "no" if not found else "several"
        raise FormatError(f"{str(path)!r} calls no sim.create*/initialize and defines {what} "
                          f"{kind.__name__} objects")
    return found[0]


@contextmanager
def _script_context(path: Path, argv):
    """Run as `python script.py` would: its folder importable and first on sys.path, its
    own argv; both restored afterwards."""
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [str(path), *argv]
    sys.path.insert(0, str(path.parent))
    try:
        yield
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


@contextmanager
def _replaced(module, names, function):
    saved = {name: getattr(module, name) for name in names}
    for name in names:
        setattr(module, name, function)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)
