"""Connections and stimuli in NEURON, from the network's tables.

Rows are turned into NEURON objects in chunks, so no Python object is held per row beyond
the NetCon itself (NEURON deletes a NetCon when its last reference goes).
"""
from __future__ import annotations

import numpy as np

from .. import rng

CHUNK = 100_000


def _chunks(rows: np.ndarray):
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def connect(pc, synapses, conns, owned_gids, section_names) -> list:
    """One NetCon per ConnTable row whose post cell this rank owns."""
    netcons = []
    add = netcons.append
    rows = np.flatnonzero(np.isin(conns.post_gid, owned_gids))
    get, gid_connect = synapses.get, pc.gid_connect
    for chunk in _chunks(rows):
        for pre, post, mech, w, d, sec, loc in zip(
                conns.pre_gid[chunk].tolist(), conns.post_gid[chunk].tolist(),
                conns.syn_mech[chunk].tolist(), conns.weight[chunk].tolist(),
                conns.delay[chunk].tolist(), conns.sec[chunk].tolist(),
                conns.loc[chunk].tolist()):
            nc = gid_connect(pre, get(post, section_names[sec], loc, mech))
            nc.weight[0] = w
            nc.delay = d
            add(nc)
    return netcons


def add_stims(h, synapses, network, owned_gids, seed):
    """One NetStim per StimTable row, driving its synapse through a NetCon.

    Each NetStim's noise is a Random123 stream keyed by (gid, rule, seed): the same spikes
    whatever the order in which stimuli are created, hence on any number of ranks.
    """
    stims, names = network.stims, network.section_names
    rows = np.flatnonzero(np.isin(stims.gid, owned_gids))
    netstims, netcons = [], []
    stream_of_rule = [rng.stream_id32("stim", label) for label in network.stim_rules]
    for row in rows.tolist():
        gid = int(stims.gid[row])
        source = network.stim_sources[stims.source[row]]
        ns = h.NetStim()
        for name, value in _params(source, stims, row):
            setattr(ns, name, value)
        ns.noiseFromRandom123(gid, stream_of_rule[stims.rule[row]], seed)
        syn = synapses.get(gid, names[stims.sec[row]], float(stims.loc[row]),
                           int(stims.syn_mech[row]))
        nc = h.NetCon(ns, syn)
        nc.weight[0] = float(stims.weight[row])
        nc.delay = float(stims.delay[row])
        netstims.append(ns)
        netcons.append(nc)
    return netstims, netcons


def _params(source, stims, row):
    """The source's parameters, with the values drawn for this target where it has them."""
    params = dict(source.params)
    for name, column in stims.extra.items():
        if not np.isnan(column[row]):
            params[name] = float(column[row])
    return params.items()
