"""Recordings of a run, and their tutorial-style view ``sim.allSimData``."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import FormatError
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
    lfp: dict = field(default_factory=dict)  # simData's LFP and dipole entries (engine/lfp.py)
    stims: dict | None = None  # gid -> source label -> spike times (simConfig.recordStim)

    @classmethod
    def from_raw(cls, raw: dict, duration: float) -> "Recordings":
        t, gid = np.asarray(raw["spike_t"], np.float64), np.asarray(raw["spike_gid"], np.int64)
        order = np.lexsort((gid, t))
        traces = {label: dict(sorted(cells.items())) for label, cells in raw["traces"].items()}
        reports = {label: dict(sorted(cells.items()))
                   for label, cells in raw.get("reports", {}).items()}
        return cls(spike_t=t[order], spike_gid=gid[order], t=np.asarray(raw["t"]),
                   traces=traces, duration=duration, reports=reports,
                   rxd=raw.get("rxd") or {},
                   lfp=raw.get("lfp") or {},
                   stims=None if raw.get("stims") is None else dict(sorted(raw["stims"].items())))

    def sim_data(self, num_cells: int) -> Dict:
        """The tutorial's simData: spkt, spkid, t, one entry per trace with 'cell_<gid>'
        keys, avgRate (spikes per cell per second over the run), and the LFP and dipole
        entries asked for (time x electrodes in mV, time x 3 in nA um; engine/lfp.py)."""
        data = Dict(spkt=self.spike_t, spkid=self.spike_gid, t=self.t)
        for label, cells in self.traces.items():
            data[label] = Dict({f"cell_{gid}": samples for gid, samples in cells.items()})
        for key, value in self.lfp.items():
            data[key] = Dict(value) if isinstance(value, dict) else value
        if self.stims is not None:  # as NetPyNE: simData['stims']['cell_5']['bkg']
            data["stims"] = stims_sim_data(self.stims)
        seconds = self.duration / 1000.0
        data["avgRate"] = (len(self.spike_t) / num_cells / seconds
                           if num_cells and seconds > 0 else 0.0)
        return data


SAVED_ARRAYS = ("spkt", "spkid", "t")
#: simData's LFP and dipole entries: arrays (time x channels), and dicts of them by gid
#: (saveLFPCells, saveDipoleCells) or by population (saveLFPPops, saveDipolePops)
LFP_ARRAYS = ("LFP", "dipoleSum")
LFP_BY_GID = ("LFPCells", "dipoleCells")
LFP_BY_POP = ("LFPPops", "dipolePops")


def saved_sim_data(raw, where: str = "the saved run") -> Dict:
    """simData as saved -> as the run made it (numpy arrays for spikes and traces).

    Parameters
    ----------
    raw : dict
        The saved simData.
    where : str
        Names the file in messages.

    Returns
    -------
    specs.Dict

    Raises
    ------
    FormatError
        It is not a dict, a recording is not numbers, spike times are not finite, spike
        gids are not integers, or spkt and spkid differ in length; the message names the
        file, the entry and the row.
    """
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: its 'simData' is a {type(raw).__name__}, not a dict")
    try:
        out = _sim_data(raw)
    except (ValueError, TypeError, AttributeError) as err:  # not numbers, ragged, not dicts
        raise FormatError(f"{where}: its simData holds a recording that is not numbers "
                          f"({type(err).__name__}: {err})") from None
    _check_spikes(raw, out, where)
    return out


def _check_spikes(raw, out, where) -> None:
    for key in ("spkt", "t"):
        if key in out:
            bad = np.flatnonzero(~np.isfinite(out[key]))
            if len(bad):
                raise FormatError(f"{where}: simData[{key!r}], row {bad[0]}: "
                                  f"{float(out[key][bad[0]])!r} is not a finite time")
    if "spkid" in out:
        given = np.asarray(raw["spkid"])
        if given.dtype.kind == "f":
            bad = np.flatnonzero(~np.isfinite(given) | (given != np.round(given)))
            if len(bad):
                raise FormatError(f"{where}: simData['spkid'], row {bad[0]}: "
                                  f"{float(given[bad[0]])!r} is not a gid")
        bad = np.flatnonzero(out["spkid"] < 0)
        if len(bad):
            raise FormatError(f"{where}: simData['spkid'], row {bad[0]}: "
                              f"{out['spkid'][bad[0]]} is not a gid")
    if "spkt" in out and "spkid" in out and len(out["spkt"]) != len(out["spkid"]):
        raise FormatError(f"{where}: simData has {len(out['spkt'])} spike times (spkt) for "
                          f"{len(out['spkid'])} gids (spkid)")


def _sim_data(raw) -> Dict:
    out = Dict()
    for key, value in raw.items():
        if key in SAVED_ARRAYS:
            out[key] = np.asarray(value, dtype=np.int64 if key == "spkid" else np.float64)
        elif key in LFP_ARRAYS:
            out[key] = _signal(value)
        elif key in LFP_BY_GID + LFP_BY_POP:  # JSON made the gids strings
            out[key] = Dict({int(k) if key in LFP_BY_GID else k: _signal(v)
                             for k, v in value.items()})
        elif key == "stims":
            out[key] = Dict({cell: Dict({label: np.asarray(times, dtype=np.float64)
                                         for label, times in by_source.items()})
                             for cell, by_source in value.items()})
        elif isinstance(value, dict) and value and all(k.startswith("cell_") for k in value):
            out[key] = Dict({cell: np.asarray(v, dtype=float) for cell, v in value.items()})
        else:
            out[key] = value
    return out


def stims_sim_data(stims: dict) -> Dict:
    """gid -> source label -> times, as simData['stims'] holds them ('cell_<gid>' keys)."""
    return Dict({f"cell_{gid}": Dict(by_source) for gid, by_source in sorted(stims.items())})


def _signal(value) -> np.ndarray:
    """time x channels, also when a run of no samples was saved as []."""
    array = np.asarray(value, dtype=np.float64)
    return array if array.ndim == 2 else array.reshape(len(array), -1)
