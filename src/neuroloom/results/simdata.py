"""Recordings of a run, and their tutorial-style view ``sim.allSimData``."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..specs.dicts import Dict


@dataclass(frozen=True, eq=False)
class Recordings:
    """Spikes (sorted by time, then gid), the sample times and the traces of a run."""

    spike_t: np.ndarray
    spike_gid: np.ndarray
    t: np.ndarray
    traces: dict = field(default_factory=dict)  # label -> {gid: samples}
    duration: float = 0.0
    reports: dict = field(default_factory=dict)  # label -> {gid: (samples, sec ids, pos)}
    rxd: dict = field(default_factory=dict)  # final concentrations (engine/rxd.py snapshot)

    @classmethod
    def from_raw(cls, raw: dict, duration: float) -> "Recordings":
        t, gid = np.asarray(raw["spike_t"], np.float64), np.asarray(raw["spike_gid"], np.int64)
        order = np.lexsort((gid, t))
        traces = {label: dict(sorted(cells.items())) for label, cells in raw["traces"].items()}
        reports = {label: dict(sorted(cells.items()))
                   for label, cells in raw.get("reports", {}).items()}
        return cls(spike_t=t[order], spike_gid=gid[order], t=np.asarray(raw["t"]),
                   traces=traces, duration=duration, reports=reports,
                   rxd=raw.get("rxd") or {})

    def sim_data(self, num_cells: int) -> Dict:
        """The tutorial's simData: spkt, spkid, t, one entry per trace with 'cell_<gid>'
        keys, and avgRate (spikes per cell per second over the run)."""
        data = Dict(spkt=self.spike_t, spkid=self.spike_gid, t=self.t)
        for label, cells in self.traces.items():
            data[label] = Dict({f"cell_{gid}": samples for gid, samples in cells.items()})
        seconds = self.duration / 1000.0
        data["avgRate"] = (len(self.spike_t) / num_cells / seconds
                           if num_cells and seconds > 0 else 0.0)
        return data


SAVED_ARRAYS = ("spkt", "spkid", "t")


def saved_sim_data(raw) -> Dict:
    """simData as saved -> as the run made it (numpy arrays for spikes and traces)."""
    out = Dict()
    for key, value in raw.items():
        if key in SAVED_ARRAYS:
            out[key] = np.asarray(value, dtype=np.int64 if key == "spkid" else np.float64)
        elif isinstance(value, dict) and value and all(k.startswith("cell_") for k in value):
            out[key] = Dict({cell: np.asarray(v, dtype=float) for cell, v in value.items()})
        else:
            out[key] = value
    return out
