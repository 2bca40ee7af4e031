"""A validated NetSpec -> a Network (numpy only, no NEURON)."""
from __future__ import annotations

import hashlib

import numpy as np

from .. import __version__, rng
from ..model.network import Network, Provenance
from ..model.tables import ConnTable
from .catalogs import Catalogs
from .conds import select_cells
from .connectors import connect, connect_divergent
from .placement import place_cells
from .stims import place_stims


def build_network(net_spec, seeds: dict, owned: np.ndarray | None = None) -> Network:
    """Build the network a spec describes.

    ``owned``: the gids whose incoming connections and stimuli this process builds (a
    rank's share under MPI); None builds all. Every rank places every cell (cheap, and
    presynaptic positions are needed), and any split gives the same rows as the whole.
    """
    type_codes = {t.label: i for i, t in enumerate(net_spec.cell_types)}
    pops, cells = place_cells(net_spec.pops, type_codes, net_spec.size, seeds["loc"])
    catalogs = Catalogs(net_spec.cell_types, net_spec.syn_mechs, net_spec.stim_sources)
    conns = ConnTable.concat(
        _connect_rule(code, rule, cells, pops, net_spec.cell_types, catalogs, seeds["conn"],
                      owned)
        for code, rule in enumerate(net_spec.conn_rules))
    stims = place_stims(net_spec.stim_targets, cells, pops, net_spec.cell_types, catalogs,
                        owned)
    provenance = Provenance(seeds=tuple(sorted(seeds.items())), spec_hash=spec_hash(net_spec),
                            version=__version__)
    return Network(cells=cells, conns=conns, stims=stims, pops=pops,
                   cell_types=net_spec.cell_types, syn_mechs=net_spec.syn_mechs,
                   stim_sources=net_spec.stim_sources, section_names=catalogs.section_names,
                   conn_rules=tuple(r.label for r in net_spec.conn_rules),
                   stim_rules=tuple(t.label for t in net_spec.stim_targets),
                   size=net_spec.size, provenance=provenance)


def _connect_rule(code, rule, cells, pops, cell_types, catalogs, seed, owned) -> ConnTable:
    pre = select_cells(rule.pre_conds, cells, pops, cell_types)
    post = select_cells(rule.post_conds, cells, pops, cell_types)
    mine = post if owned is None else post[np.isin(post, owned)]
    key = rng.stream_key(seed, "conn", rule.label)
    if rule.connector == "divergence":
        pre_gid, post_gid = connect_divergent(rule.amount, pre, post, mine, key)
    else:
        pre_gid, post_gid = connect(rule.connector, rule.amount, pre, mine, key)
    n = len(pre_gid)
    return ConnTable(pre_gid=pre_gid, post_gid=post_gid,
                     syn_mech=np.full(n, catalogs.syn_code[rule.syn_mech]),
                     weight=np.full(n, rule.weight), delay=np.full(n, rule.delay),
                     sec=catalogs.sec_codes(rule.sec, cells.cell_type[post_gid]),
                     loc=np.full(n, rule.loc), rule=np.full(n, code))


def spec_hash(net_spec) -> str:
    """A short fingerprint of the validated spec (its repr is deterministic)."""
    return hashlib.blake2b(repr(net_spec).encode(), digest_size=8).hexdigest()
