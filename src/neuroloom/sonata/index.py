"""SONATA edge indices: for every node, the ranges of edge ids that end (or start) at it.

    node_id_to_ranges[n] = [first, last)   rows of range_to_edge_id belonging to node n
    range_to_edge_id[r]  = [start, stop)   a run of consecutive edge ids

Runs are maximal: consecutive edges with the same node form one range.
"""
from __future__ import annotations

import numpy as np


def edge_index(node_of_edge: np.ndarray, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """(node_id_to_ranges (n_nodes x 2), range_to_edge_id (n_ranges x 2)), uint64."""
    node_of_edge = np.asarray(node_of_edge, dtype=np.int64)
    n = len(node_of_edge)
    if n == 0:
        return np.zeros((n_nodes, 2), np.uint64), np.zeros((0, 2), np.uint64)
    starts = np.flatnonzero(np.concatenate([[True], node_of_edge[1:] != node_of_edge[:-1]]))
    stops = np.concatenate([starts[1:], [n]])
    run_node = node_of_edge[starts]
    order = np.argsort(run_node, kind="stable")  # the runs of node 0, then node 1, ...
    ranges = np.column_stack([starts[order], stops[order]])
    counts = np.bincount(run_node, minlength=n_nodes)
    ends = np.cumsum(counts)
    node_ranges = np.column_stack([ends - counts, ends])
    return node_ranges.astype(np.uint64), ranges.astype(np.uint64)


def edges_of(node: int, node_ranges: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """Edge ids of one node, through the index."""
    first, last = node_ranges[node]
    parts = [np.arange(a, b) for a, b in ranges[int(first):int(last)]]
    return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, np.int64)
