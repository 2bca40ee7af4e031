"""Distributed saving, as NetPyNE's saveDataInNodes and gatherDataFromFiles: each rank
writes its own recordings, unmerged, into ``<saveFolder>/<simLabel>_node_data``
(``<name>_node_<rank>.json`` and, with savePickle, ``.pkl``); merging the files gives the
run's simData, as gathering would have.

A node file holds neuroloom_version, simConfig, simData (this rank's spikes, traces,
stimulus spikes and LFP contributions) and gids (the cells this rank simulated).
"""
from __future__ import annotations

import warnings

from pathlib import Path

import numpy as np

from .. import __version__
from ..engine.lfp import merge as merge_lfp
from ..errors import FormatError
from ..results import save as saving
from ..results.simdata import LFP_ARRAYS, LFP_BY_GID, LFP_BY_POP, Recordings, saved_sim_data
from ..specs import NetParams, SimConfig
from ..specs.dicts import Dict
from . import state
from .session import Session

FILE_TYPES = ("pkl", "json")


def node_folder(save_folder: str, sim_label: str) -> Path:
    """Where the node files of a run go (NetPyNE's ``<saveFolder>/<simLabel>_node_data``)."""
    return Path(save_folder or ".") / f"{sim_label or ''}_node_data"


def save_in_nodes(session, filename=None, lfp: bool = True, remove_traces: bool = False,
                  save_folder=None) -> list:
    """This rank's recordings of the last run into its node files (see the module)."""
    session._need("_raw", "sim.runSim()")
    cfg, out = session.sim_config, session.current_output()
    folder = node_folder(save_folder if save_folder else out.save_folder, cfg.simLabel)
    name = filename or cfg.simLabel or ""
    raw = dict(session._raw)
    # this rank's LFP and dipole sums (value, lost rounding error) made into its signals
    raw["lfp"] = merge_lfp([raw.get("lfp")]) if lfp else None
    data = Recordings.from_raw(raw, session.run_spec.duration).sim_data(
        session.network.num_cells)
    del data["avgRate"]  # of the whole run: computed when the files are merged
    payload = {"neuroloom_version": __version__, "simConfig": cfg.todict(),
               "simData": data, "gids": np.asarray(session.model.gids),
               "rank": session.rank or 0}
    rank = session.rank or 0
    paths = []
    for wanted, suffix, write in ((out.save_json, "json", saving.save_json),
                                  (out.save_pickle, "pkl", saving.save_pickle)):
        if wanted:
            paths.append(write(folder / f"{name}_node_{rank}.{suffix}", payload))
    if remove_traces:
        session._raw = {**session._raw, "traces": {label: {} for label in raw["traces"]}}
    if paths:
        session.log(f"Saved this rank's data in {folder}")
    else:
        warnings.warn("saveDataInNodes wrote nothing: simConfig.saveJson and savePickle are "
                      "both False (as in NetPyNE, they choose the node files)", stacklevel=3)
    return paths


def gather_from_files(lfp: bool = True, save_folder=None, sim_label=None,
                      file_type: str = "pkl", save_merged: bool = False) -> Dict:
    """Merge the node files into ``sim.allSimData`` (on every rank that calls it); with
    ``save_merged``, save the merged run and remove the node files."""
    file_type = str(file_type).lower()
    if file_type not in FILE_TYPES:
        raise FormatError(f"gatherDataFromFiles reads node files of type "
                          f"{' or '.join(FILE_TYPES)}, not {file_type!r}")
    session = state.peek()
    cfg = session.sim_config if session is not None else None
    label = sim_label if sim_label is not None else getattr(cfg, "simLabel", "") or ""
    folder_of = save_folder if save_folder is not None else getattr(cfg, "saveFolder", "")
    folder = node_folder(folder_of, label)
    firsts = sorted(folder.glob(f"*_node_0.{file_type}")) if folder.is_dir() else []
    if not firsts:
        raise FormatError(f"no node files (*_node_0.{file_type}) in {str(folder)!r}: "
                          "sim.saveDataInNodes writes them")
    merged, files = None, []
    for first in firsts:  # a run per name, as NetPyNE (the last one is kept)
        name = first.name[:-len(f"_node_0.{file_type}")]
        files = sorted(folder.glob(f"{name}_node_*.{file_type}"))
        # the user asked for these node files (file_type), as NetPyNE's gatherDataFromFiles
        parts = [saving.load_payload(path, trust_pickle=True) for path in files]
        merged = _merge(parts, lfp)
    if session is None:
        session = Session(NetParams(), SimConfig(parts[0].get("simConfig", {})))
        state.replace(session)
    _use(session, merged, parts)
    if save_merged:
        session.save_data()
        for path in files:  # and their twins of the other type (saveJson is on by default)
            for twin in (path.with_suffix(f".{kind}") for kind in FILE_TYPES):
                twin.unlink(missing_ok=True)
    return session.sim_data


def _merge(parts: list, lfp: bool) -> tuple:
    """(simData, number of cells) of the node files of one run."""
    datas = [saved_sim_data(p["simData"]) for p in parts]
    out = Dict(t=datas[0].get("t", np.empty(0)))
    spkt = np.concatenate([d.get("spkt", np.empty(0)) for d in datas])
    spkid = np.concatenate([d.get("spkid", np.empty(0, np.int64)) for d in datas])
    order = np.lexsort((spkid, spkt))
    out["spkt"], out["spkid"] = spkt[order], spkid[order]
    for data in datas:
        for key, value in data.items():
            if key in ("t", "spkt", "spkid"):
                continue
            if key in LFP_ARRAYS + LFP_BY_GID + LFP_BY_POP and not lfp:
                continue
            if key in LFP_ARRAYS:  # every rank's cells add to the signal
                out[key] = out[key] + value if key in out else value
            elif key in LFP_BY_POP:
                pops = out.setdefault(key, Dict())
                for pop, signal in value.items():
                    pops[pop] = pops[pop] + signal if pop in pops else signal
            elif isinstance(value, dict):  # traces, stims, LFPCells: by cell
                out.setdefault(key, Dict()).update(value)
            else:
                out[key] = value
    cells = sum(len(p.get("gids", ())) for p in parts)
    return out, cells


def _use(session, merged: tuple, parts: list) -> None:
    data, cells = merged
    cfg = SimConfig(parts[0].get("simConfig", {}))
    duration = float(cfg.duration)
    num_cells = session.network.num_cells if session.network is not None else cells
    data["avgRate"] = (len(data["spkt"]) / num_cells / (duration / 1000.0)
                       if num_cells and duration > 0 else 0.0)
    traces = {label: {int(cell[len("cell_"):]): samples for cell, samples in data[label].items()}
              for label in cfg.recordTraces if label in data}
    stims = data.get("stims")
    session.recordings = Recordings(
        spike_t=data["spkt"], spike_gid=data["spkid"], t=np.asarray(data["t"]),
        traces=traces, duration=duration,
        stims=None if stims is None else {int(c[len("cell_"):]): dict(v)
                                          for c, v in stims.items()})
    session.sim_data = data
