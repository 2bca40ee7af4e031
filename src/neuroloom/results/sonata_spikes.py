"""SONATA spike files: /spikes/<population>/{node_ids, timestamps}.

Written the way the strict reader (libsonata) wants it: one group per node population, node
ids uint64 and timestamps float64 in ms, uncompressed, and ``sorting`` as an HDF5 enum.
Node ids are the cells' indices inside their population, as in a SONATA circuit.
"""
from __future__ import annotations

import json

import h5py
import numpy as np

from ..atomic import atomic_path

SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype=np.uint8)
BY_TIME = 2


def write_spikes(path, spike_t, spike_gid, pops, provenance) -> None:
    """Write spikes (sorted by time) grouped by population, atomically."""
    spike_t = np.asarray(spike_t, np.float64)
    spike_gid = np.asarray(spike_gid, np.int64)
    order = np.lexsort((spike_gid, spike_t))
    spike_t, spike_gid = spike_t[order], spike_gid[order]
    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs["neuroloom_version"] = provenance.version
            f.attrs["spec_hash"] = provenance.spec_hash
            f.attrs["seeds"] = json.dumps(dict(provenance.seeds))
            spikes = f.create_group("spikes")
            for pop in pops:
                mine = (spike_gid >= pop.gid_start) & (spike_gid < pop.gid_start + pop.size)
                group = spikes.create_group(pop.label)
                group.attrs.create("sorting", BY_TIME, dtype=SORTING)
                group.create_dataset("node_ids", data=(spike_gid[mine] - pop.gid_start)
                                     .astype(np.uint64))
                ts = group.create_dataset("timestamps", data=spike_t[mine])
                ts.attrs["units"] = "ms"


def read_spikes(path, pops) -> tuple[np.ndarray, np.ndarray]:
    """Spike times and gids from a SONATA spike file written for these populations."""
    times, gids = [], []
    with h5py.File(path, "r") as f:
        for pop in pops:
            if pop.label not in f["spikes"]:
                continue
            group = f["spikes"][pop.label]
            times.append(group["timestamps"][()])
            gids.append(group["node_ids"][()].astype(np.int64) + pop.gid_start)
    if not times:
        return np.empty(0), np.empty(0, np.int64)
    t, g = np.concatenate(times), np.concatenate(gids)
    order = np.lexsort((g, t))
    return t[order], g[order]
