"""The groups of a SONATA edge population: which group each edge is in, and which
attributes each group has.

``files.read_edge_populations`` merges the groups into one value per edge; some readings
depend on the group itself (BMTK, the reference simulator, decides per group whether an
edge's ``nsyns`` and synapse ``sign`` count, by the columns the group and the edge-types
CSV have), so they are read here, from the same file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from ..errors import FormatError


@dataclass(frozen=True)
class EdgeGroups:
    """``group``: the group id of each edge; ``columns``: group id -> the names of its
    datasets (its ``dynamics_params`` subgroup apart, in ``dynamics``)."""

    group: np.ndarray
    columns: dict
    dynamics: dict

    def ids(self) -> list[int]:
        return sorted(self.columns)


def read_edge_groups(path, population: str, n_edges: int) -> EdgeGroups:
    """The groups of ``/edges/<population>`` in ``path`` (an edge population of
    ``n_edges`` edges whose attributes files.py has already read)."""
    where = f"{path}: /edges/{population}"
    try:
        with h5py.File(Path(path), "r") as f:
            pop = f["edges"][population]
            names = [k for k in pop if isinstance(pop[k], h5py.Group) and k.isdigit()]
            columns, dynamics = {}, {}
            for name in names:
                group = pop[name]
                columns[int(name)] = frozenset(k for k, v in group.items()
                                               if isinstance(v, h5py.Dataset))
                params = group.get("dynamics_params")
                dynamics[int(name)] = frozenset(params) if isinstance(params, h5py.Group) \
                    else frozenset()
            ids = pop["edge_group_id"][()].astype(np.int64) if "edge_group_id" in pop \
                else np.zeros(n_edges, np.int64)
    except (OSError, KeyError) as err:
        raise FormatError(f"{where}: cannot read its edge groups ({err})") from None
    if len(ids) != n_edges:
        raise FormatError(f"{where}/edge_group_id has {len(ids)} values for {n_edges} edges")
    unknown = sorted(set(np.unique(ids).tolist()) - set(columns)) if names else []
    if unknown:
        raise FormatError(f"{where}/edge_group_id names group(s) {unknown[:5]}, which the "
                          "population does not have")
    if not names:  # no attribute group: every edge has only what its type gives
        columns, dynamics = {0: frozenset()}, {0: frozenset()}
        ids = np.zeros(n_edges, np.int64)
    return EdgeGroups(ids, columns, dynamics)
