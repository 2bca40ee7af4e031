"""SONATA spike files: /spikes/<population>/{node_ids, timestamps}.

Written the way the strict reader (libsonata) wants it: one group per node population, node
ids uint64 and timestamps float64 in ms, uncompressed, and ``sorting`` as an HDF5 enum.
Node populations and node ids follow a NodeLayout (sonata/layout.py): by default one per
neuroloom population, node id = the cell's index in it, as in an exported circuit.
"""
from __future__ import annotations

import json

import h5py
import numpy as np

from ..atomic import atomic_path
from ..sonata.layout import NodeLayout

SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype=np.uint8)
BY_TIME = 2


def write_spikes(path, spike_t, spike_gid, populations, provenance) -> None:
    """Write spikes (sorted by time) grouped by node population, atomically;
    ``populations``: a NodeLayout or the neuroloom Populations."""
    layout = NodeLayout.of(populations)
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
            pop_of, node_of = layout.locate(spike_gid)
            for code, node_pop in enumerate(layout):
                mine = pop_of == code
                group = spikes.create_group(node_pop.name)
                group.attrs.create("sorting", BY_TIME, dtype=SORTING)
                group.create_dataset("node_ids", data=node_of[mine].astype(np.uint64))
                ts = group.create_dataset("timestamps", data=spike_t[mine])
                ts.attrs["units"] = "ms"


def read_spikes(path, populations) -> tuple[np.ndarray, np.ndarray]:
    """Spike times and gids from a SONATA spike file written for these populations (a
    NodeLayout or the neuroloom Populations)."""
    times, gids = [], []
    with h5py.File(path, "r") as f:
        for node_pop in NodeLayout.of(populations):
            if node_pop.name not in f["spikes"]:
                continue
            group = f["spikes"][node_pop.name]
            times.append(group["timestamps"][()])
            gids.append(node_pop.gids[group["node_ids"][()].astype(np.int64)])
    if not times:
        return np.empty(0), np.empty(0, np.int64)
    t, g = np.concatenate(times), np.concatenate(gids)
    order = np.lexsort((g, t))
    return t[order], g[order]
