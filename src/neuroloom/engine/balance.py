"""Which rank builds which cells (simConfig.loadBalance).

'roundrobin' (the default): gid g on rank g % nhost. 'lpt': longest processing time first,
for networks whose cells cost very different amounts: each cell's cost is its number of
compartments (segments; 1 for an artificial cell) plus the synaptic contacts and stimuli it
receives, and cells are handed out, most expensive first (ties by gid), each to the rank
with the least total cost so far (ties by rank). Both are computed from the network alone,
so every rank agrees; the spikes do not depend on it (every random draw is keyed by gid).
"""
from __future__ import annotations

import heapq

import numpy as np

from ..validate.options import LOAD_BALANCE

def cell_costs(network) -> np.ndarray:
    """Work of each cell: compartments + incoming contacts + stimuli."""
    per_type = np.array([max(1, sum(s.nseg for s in t.sections)) for t in network.cell_types]
                        or [1], dtype=np.int64)
    costs = per_type[network.cells.cell_type].astype(np.int64)
    n = network.num_cells
    costs += np.bincount(network.conns.post_gid, minlength=n)[:n]
    costs += np.bincount(network.stims.gid.astype(np.int64), minlength=n)[:n]
    return costs


def ranks_of(network, nhost: int, method: str = "roundrobin") -> np.ndarray:
    """The rank of every gid."""
    n = network.num_cells
    if method == "roundrobin" or nhost == 1:
        return np.arange(n, dtype=np.int64) % nhost
    if method != "lpt":
        raise ValueError(f"load balance {method!r}: one of {', '.join(LOAD_BALANCE)}")
    costs = cell_costs(network)
    order = np.lexsort((np.arange(n), -costs))  # most expensive first, then by gid
    loads = [(0, rank) for rank in range(nhost)]
    out = np.empty(n, dtype=np.int64)
    for gid in order.tolist():
        load, rank = heapq.heappop(loads)
        out[gid] = rank
        heapq.heappush(loads, (load + int(costs[gid]), rank))
    return out


def owned_gids(network, rank: int, nhost: int, method: str = "roundrobin") -> np.ndarray:
    """The gids this rank builds, ascending."""
    return np.flatnonzero(ranks_of(network, nhost, method) == rank).astype(np.int64)
