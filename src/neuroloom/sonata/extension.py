"""What neuroloom writes beside an exported SONATA circuit so that it comes back exactly.

SONATA has no place for some of a neuroloom network: the order and full definition of its
catalogs (cell types with every section and mechanism, synaptic mechanisms, stimulus
sources), its rule labels, and stimuli that are not spike trains or plain current clamps
(per-target parameters, VClamp, AlphaSynapse, NetStim noise). Two files hold them, named
from the circuit config's "neuroloom" block:

    neuroloom_catalogs.json   size, populations' cellType/cellModel, catalogs in order
    neuroloom_stimuli.h5      the StimTable (/stims/<column>, /stims/extra/<column>) and
                              the stimulus spike trains (/stimTrains/{gids,bounds,times})

The cells and connections themselves are read from the SONATA nodes and edges.
"""
from __future__ import annotations

import json
from pathlib import Path

import h5py

from ..errors import FormatError
from ..model.serialize import catalogs_from_dict, catalogs_to_dict
from ..model.tables import SpikeTrains, StimTable

FORMAT = "neuroloom-sonata/1"
CATALOGS = "neuroloom_catalogs.json"
STIMULI = "neuroloom_stimuli.h5"


def write(folder: Path, network) -> dict:
    """Write both files into ``folder``; returns the circuit config's "neuroloom" block."""
    (folder / CATALOGS).write_text(json.dumps(catalogs_to_dict(network), indent=1))
    with h5py.File(folder / STIMULI, "w") as f:
        stims = f.create_group("stims")
        for name, values in network.stims.columns().items():
            stims.create_dataset(name, data=values)
        extra = stims.create_group("extra")
        for name, values in network.stims.extra.items():
            extra.create_dataset(name, data=values.astype("S") if values.dtype.kind == "U"
                                 else values)
        trains = f.create_group("stimTrains")
        for name in ("gids", "bounds", "times"):
            trains.create_dataset(name, data=getattr(network.stim_trains, name))
    return {"format": FORMAT, "catalogs_file": f"./{CATALOGS}", "stimuli_file": f"./{STIMULI}"}


def read(circuit: dict, circuit_path) -> dict | None:
    """Network keyword arguments from the files a circuit's "neuroloom" block names (None
    for a circuit neuroloom did not write), plus 'pops': {label: declared population} and
    'node_populations': {SONATA node population: [population labels]}."""
    block = circuit.get("neuroloom")
    if not block:
        return None
    if block.get("format") != FORMAT:
        raise FormatError(f"{circuit_path}: neuroloom block of format {block.get('format')!r}"
                          f", expected {FORMAT!r}")
    catalogs_path, stimuli_path = Path(block["catalogs_file"]), Path(block["stimuli_file"])
    try:
        data = json.loads(catalogs_path.read_text())
    except FileNotFoundError:
        raise FormatError(f"{circuit_path}: {catalogs_path} (neuroloom.catalogs_file) not "
                          "found") from None
    out = catalogs_from_dict(data)
    out["pops"] = {p.label: p for p in out["pops"]}
    out["node_populations"] = block.get("node_populations", {})
    if not stimuli_path.exists():
        raise FormatError(f"{circuit_path}: {stimuli_path} (neuroloom.stimuli_file) not found")
    with h5py.File(stimuli_path, "r") as f:
        try:
            columns = {name: f["stims"][name][()] for name in StimTable.COLUMNS}
            extra = {name: (v[()].astype(str) if v.dtype.kind == "S" else v[()])
                     for name, v in f["stims/extra"].items()}
            trains = {name: f["stimTrains"][name][()] for name in ("gids", "bounds", "times")}
        except KeyError as err:
            raise FormatError(f"{stimuli_path}: {err}") from None
    out["stims"] = StimTable(**columns, extra=extra)
    out["stim_trains"] = SpikeTrains(**trains)
    return out
