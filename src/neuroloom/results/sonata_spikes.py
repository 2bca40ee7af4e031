"""SONATA spike files: /spikes/<population>/{node_ids, timestamps}.

Written the way the strict reader (libsonata) wants it: one group per node population, node
ids uint64 and timestamps float64 in ms, uncompressed, and ``sorting`` as an HDF5 enum.
Node populations and node ids follow a NodeLayout (sonata/layout.py): by default one per
neuroloom population, node id = the cell's index in it, as in an exported circuit.

And the way BMTK writes it: root attributes ``magic`` (uint32 0x0A7A) and ``version``
(uint32 [0, 1]). BMTK writes ``sorting`` as a string ('by_time'), which libsonata cannot
read; BMTK's reader looks for ``sorting`` on ``node_ids`` before the group (older files put
it there), so the string goes on ``node_ids`` and the enum on the group: each reader finds
the form it understands. A run of a SONATA circuit writes only its simulated populations,
as BMTK does (``only``, see ``simulated_populations``): BMTK never records the spikes its
virtual nodes replay.
"""
from __future__ import annotations

import json

import h5py
import numpy as np

from ..atomic import atomic_path
from ..sonata.layout import NodeLayout
from .run_id import SPIKES_ATTRIBUTE

SORT_ORDERS = {"none": 0, "by_id": 1, "by_time": 2}
SORTING = h5py.enum_dtype(SORT_ORDERS, basetype=np.uint8)
BY_TIME = SORT_ORDERS["by_time"]
SONATA_MAGIC = 0x0A7A
SONATA_VERSION = (0, 1)
VIRTUAL_MODEL = "VecStim"  # the cell model of SONATA virtual nodes (they replay spikes)


def write_spikes(path, spike_t, spike_gid, populations, provenance, *, only=None,
                 sort_order: str = "by_time", run_id: str | None = None) -> None:
    """Write spikes grouped by node population, atomically.

    Parameters
    ----------
    path : str or pathlib.Path
        The spike file.
    spike_t, spike_gid : array_like
        Spike times (ms) and the gids that fired.
    populations : NodeLayout or sequence of Population
        The node populations (and node ids) the file uses.
    provenance : model.network.Provenance
        Written as root attributes.
    only : collection of str, optional
        Names of the node populations to write (default: all); spikes of the others are
        left out.
    sort_order : {'by_time', 'by_id', 'none'}
        The order of each population's spikes, declared in ``sorting``: by time (ties by
        node id), by node id (then time), or 'none' (written by time all the same).
    run_id : str, optional
        The run's id, as its data file has it (results/run_id.py), in the root attribute
        ``neuroloom_run_id``.
    """
    if sort_order not in SORT_ORDERS:
        raise ValueError(f"sort_order {sort_order!r}: one of {', '.join(SORT_ORDERS)}")
    layout = NodeLayout.of(populations)
    names = [p.name for p in layout]
    unknown = sorted(set(only or ()) - set(names))
    if unknown:
        raise ValueError(f"spike file populations {unknown} are not node populations "
                         f"({', '.join(names)})")
    spike_t = np.asarray(spike_t, np.float64)
    spike_gid = np.asarray(spike_gid, np.int64)
    pop_of, node_of = layout.locate(spike_gid)
    keys = (spike_t, node_of) if sort_order == "by_id" else (node_of, spike_t)
    order = np.lexsort(keys)
    spike_t, pop_of, node_of = spike_t[order], pop_of[order], node_of[order]
    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs.create("magic", SONATA_MAGIC, dtype=np.uint32)
            f.attrs.create("version", np.array(SONATA_VERSION, np.uint32))
            f.attrs["neuroloom_version"] = provenance.version
            f.attrs["spec_hash"] = provenance.spec_hash
            f.attrs["seeds"] = json.dumps(dict(provenance.seeds))
            if run_id is not None:
                f.attrs[SPIKES_ATTRIBUTE] = run_id
            spikes = f.create_group("spikes")
            for code, node_pop in enumerate(layout):
                if only is not None and node_pop.name not in only:
                    continue
                mine = pop_of == code
                group = spikes.create_group(node_pop.name)
                group.attrs.create("sorting", SORT_ORDERS[sort_order], dtype=SORTING)
                ids = group.create_dataset("node_ids", data=node_of[mine].astype(np.uint64))
                ids.attrs["sorting"] = sort_order  # BMTK's form, where BMTK looks first
                ts = group.create_dataset("timestamps", data=spike_t[mine])
                ts.attrs["units"] = "ms"


def simulated_populations(populations) -> list[str]:
    """The node populations (of a NodeLayout or Populations) that hold a simulated cell:
    not only SONATA virtual nodes, whose spikes are their inputs replayed."""
    return [node_pop.name for node_pop in NodeLayout.of(populations)
            if any(pop.cell_model != VIRTUAL_MODEL for pop in node_pop.members)]


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
