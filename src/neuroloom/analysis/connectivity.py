"""Connectivity matrices by population or by cell (numpy only)."""
from __future__ import annotations

import numpy as np

POP_FEATURES = ("strength", "weight", "delay", "probability", "numConns", "convergence",
                "divergence")
CELL_FEATURES = ("strength", "weight", "delay", "numConns")


def conn_matrix(network, pre_gids, post_gids, *, feature="strength", group_by="pop",
                syn_or_conn="syn", order_by="gid"):
    """(matrix, pre labels, post labels). Rows are presynaptic groups, columns postsynaptic.

    By population: numConns counts synapses ('syn') or connected pairs ('conn');
    probability = connected pairs / (pre cells x post cells); weight and delay are means;
    strength = mean weight x probability; convergence = numConns / post cells;
    divergence = numConns / pre cells. By cell: numConns, mean weight and delay, and
    strength = summed weight.
    """
    c = network.conns
    keep = np.isin(c.pre_gid, pre_gids) & np.isin(c.post_gid, post_gids)
    pre, post, weight, delay = c.pre_gid[keep], c.post_gid[keep], c.weight[keep], c.delay[keep]
    if syn_or_conn == "conn":
        _, first = np.unique(np.column_stack([pre, post]), axis=0, return_index=True)
        pre, post, weight, delay = pre[first], post[first], weight[first], delay[first]
    if group_by == "pop":
        rows, row_labels, n_pre = _groups(network, pre_gids, pre)
        cols, col_labels, n_post = _groups(network, post_gids, post)
    else:
        rows, row_labels = _cells(network, pre_gids, pre, order_by)
        cols, col_labels = _cells(network, post_gids, post, order_by)
    shape = (len(row_labels), len(col_labels))
    count = np.zeros(shape)
    np.add.at(count, (rows, cols), 1)
    sums = {}
    for name, values in (("weight", weight), ("delay", delay)):
        sums[name] = np.zeros(shape)
        np.add.at(sums[name], (rows, cols), values)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = {k: np.where(count > 0, v / count, 0.0) for k, v in sums.items()}
        if group_by != "pop":
            matrix = {"numConns": count, "weight": mean["weight"], "delay": mean["delay"],
                      "strength": sums["weight"]}[feature]
            return matrix, row_labels, col_labels
        pairs = np.zeros(shape)
        unique_pairs = np.unique(np.column_stack([pre, post]), axis=0)
        if len(unique_pairs):
            p_rows = _groups(network, pre_gids, unique_pairs[:, 0])[0]
            p_cols = _groups(network, post_gids, unique_pairs[:, 1])[0]
            np.add.at(pairs, (p_rows, p_cols), 1)
        probability = pairs / np.outer(n_pre, n_post)
        matrix = {"numConns": count, "weight": mean["weight"], "delay": mean["delay"],
                  "probability": probability, "strength": mean["weight"] * probability,
                  "convergence": count / n_post[None, :],
                  "divergence": count / n_pre[:, None]}[feature]
    return np.nan_to_num(matrix), row_labels, col_labels


def _groups(network, gids, members):
    """Population index of each member gid, among the populations present in ``gids``."""
    present = np.unique(network.cells.pop[gids])
    index = np.full(len(network.pops), -1)
    index[present] = np.arange(len(present))
    sizes = np.bincount(np.searchsorted(present, network.cells.pop[gids]),
                        minlength=len(present)).astype(float)
    return index[network.cells.pop[members]], [network.pops[i].label for i in present], sizes


def _cells(network, gids, members, order_by):
    gids = np.asarray(gids)
    if order_by != "gid":
        gids = gids[np.lexsort((gids, getattr(network.cells, order_by)[gids]))]
    position = np.full(network.num_cells, -1)
    position[gids] = np.arange(len(gids))
    return position[members], [int(g) for g in gids]
