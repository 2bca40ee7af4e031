"""A validated NetSpec -> a Network (numpy only, no NEURON)."""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from .. import __version__, rng
from ..errors import Problem, SpecError
from ..model.network import Network, Provenance
from ..model.tables import ConnTable
from ..validate.types import ConnOptions
from .catalogs import Catalogs
from .cell_rules import assign_cell_types
from .conds import select_cells
from .connectors import Candidates, RuleError, connect
from .contacts import RulePairs
from .placement import place_cells
from .stims import place_stims
from .subconn import redistribute
from .trains import spike_trains


@dataclass
class BuildContext:
    """What the rule builders share."""

    cells: object
    pops: tuple
    cell_types: tuple
    catalogs: Catalogs
    variables: dict
    stim_seed: int
    rule_key: int = 0
    # per cell type code: {section code: weightNorm factors per segment}
    weight_norms: tuple = ()
    conn_options: ConnOptions = ConnOptions()  # simConfig's allowSelfConns...
    self_conns: np.ndarray | None = None  # cells full/probability rules may self-connect


def build_network(net_spec, seeds: dict, owned: np.ndarray | None = None,
                  progress=None) -> Network:
    """Build the network a spec describes.

    ``owned``: the gids whose incoming connections and stimuli this process builds (a
    rank's share under MPI); None builds all. Every rank places every cell (cheap, and
    presynaptic positions are needed), and any split gives the same rows as the whole.
    ``progress(fraction)`` after each connectivity rule.
    """
    # NetPyNE's default seed of the cells' own draws (cellParams string functions,
    # diversity on grids) when simConfig.seeds has no 'cell'
    cell_seed = seeds.get("cell", 1)
    pops, cells = place_cells(net_spec, seeds["loc"], cell_seed)
    types, codes = assign_cell_types(net_spec, pops, cells, cell_seed, seeds["stim"])
    columns = cells.columns()
    columns["cell_type"] = codes
    cells = type(cells)(**columns, extra=cells.extra)
    cell_types = tuple(types.types)
    sources = tuple(s.source for s in net_spec.stim_sources)
    catalogs = Catalogs(cell_types, net_spec.syn_mechs, sources)
    ctx = BuildContext(cells=cells, pops=pops, cell_types=cell_types,
                       catalogs=catalogs, variables=dict(net_spec.variables),
                       stim_seed=seeds["stim"],
                       weight_norms=tuple({catalogs.sec_code[sec]: np.asarray(f)
                                           for sec, f in norms.items()}
                                          for norms in types.norms),
                       conn_options=net_spec.conn_options,
                       self_conns=_self_connecting(net_spec.conn_options, cells, cell_types))
    owned = None if owned is None else np.asarray(owned, dtype=np.int64)
    # all pairs first, then one table of the right size written rule by rule: no
    # concatenation of big pieces
    pointer_mechs = {m.label for m in net_spec.syn_mechs if m.pointer is not None}
    # gap junctions and graded synapses are built whole on every rank: a rank needs them
    # for the presynaptic cells it owns too (it publishes their voltage)
    pairs = []
    for code, rule in enumerate(net_spec.conn_rules):
        pairs.append(_rule_pairs(code, rule, ctx, seeds["conn"],
                                 None if pointer_mechs.intersection(rule.syn_mechs) else owned))
        if progress is not None:
            progress((code + 1) / len(net_spec.conn_rules))
    conns = ConnTable.allocate(sum(p.n_rows for p in pairs))
    if pointer_mechs:  # where pointer synapses read the presynaptic cell
        conns.extra.update(pre_sec=np.full(len(conns), np.nan),
                           pre_loc=np.full(len(conns), np.nan))
    offset = 0
    while pairs:
        offset = _write_rule(pairs.pop(0), conns, offset)
    conns = conns.done()
    if not net_spec.conn_options.allow_weight0:
        conns = conns.take(_nonzero_weight(conns.weight, conns.post_gid, ctx))
    for rule in net_spec.sub_conn_rules:
        conns = redistribute(conns, rule, ctx)
    with _rule_errors(None):
        stims, stim_trains = place_stims(net_spec.stim_targets, net_spec.stim_sources, ctx,
                                         owned)
        trains = spike_trains(net_spec.pops, pops, seeds["stim"])
    if not net_spec.conn_options.allow_weight0:  # NetStims drive synapses by NetCons too
        stims = stims.take(_nonzero_weight(stims.weight, stims.gid, ctx)
                           | (stims.syn_mech < 0))
    provenance = Provenance(seeds=tuple(sorted(seeds.items())), spec_hash=spec_hash(net_spec),
                            version=__version__)
    return Network(cells=cells, conns=conns, stims=stims, pops=pops,
                   cell_types=cell_types, syn_mechs=net_spec.syn_mechs,
                   stim_sources=sources, section_names=catalogs.section_names,
                   conn_rules=tuple(r.label for r in net_spec.conn_rules),
                   conn_plasticity=_plasticity(net_spec.conn_rules),
                   stim_rules=tuple(t.label for t in net_spec.stim_targets),
                   size=net_spec.size, spike_trains=trains, stim_trains=stim_trains,
                   provenance=provenance, rxd=net_spec.rxd)


def _plasticity(conn_rules) -> tuple:
    """Each rule's 'plast' (None where it has none); empty when no rule has one, as for a
    network imported from a file."""
    plasticity = tuple(rule.plast for rule in conn_rules)
    return plasticity if any(p is not None for p in plasticity) else ()


def _rule_pairs(code, rule, ctx, seed, owned) -> RulePairs:
    pre = select_cells(rule.pre_conds, ctx.cells, ctx.pops, ctx.cell_types)
    post = select_cells(rule.post_conds, ctx.cells, ctx.pops, ctx.cell_types)
    mine = post if owned is None else post[np.isin(post, owned)]
    rule_ctx = replace(ctx, rule_key=rng.stream_key(seed, "conn", rule.label))
    candidates = Candidates(ctx.cells, pre, post, mine, rule_ctx.rule_key, ctx.variables,
                            ctx.self_conns)
    with _rule_errors(rule):
        pre_gid, post_gid, index = connect(rule.connector, rule.amount, candidates,
                                           rule.conn_list)
        return RulePairs(rule, code, pre_gid, post_gid, index, rule_ctx)


def _self_connecting(options: ConnOptions, cells, cell_types) -> np.ndarray | None:
    """The cells full and probability rules may connect to themselves: with
    simConfig.allowSelfConns, those with sections (NetPyNE's point cells never are)."""
    if not options.allow_self_conns:
        return None
    artificial = np.array([t.is_artificial for t in cell_types] + [False])
    return np.flatnonzero(~artificial[cells.cell_type])


def _nonzero_weight(weight, post_gid, ctx) -> np.ndarray:
    """simConfig.allowConnsWithWeight0 False: which rows NetPyNE makes, those with a
    weight other than 0 and those onto artificial cells (its point cells make every
    connection)."""
    artificial = np.array([t.is_artificial for t in ctx.cell_types] + [False])
    return (weight != 0) | artificial[ctx.cells.cell_type[post_gid]]


def _write_rule(pairs: RulePairs, conns, offset) -> int:
    with _rule_errors(pairs.rule):
        return pairs.write(conns, offset)


@contextmanager
def _rule_errors(rule):
    """Problems found while building a rule (e.g. a connList index past the cells the
    conditions select) are spec errors of that rule."""
    try:
        yield
    except RuleError as err:
        where = f"connParams['{rule.label}']" if rule is not None else ""
        if where and getattr(err, "key", None):  # about one key of the rule
            where += f".{err.key}"
        raise SpecError(Problem(where, str(err))) from None


def spec_hash(net_spec) -> str:
    """A short fingerprint of the validated spec (its repr is deterministic)."""
    return hashlib.blake2b(repr(net_spec).encode(), digest_size=8).hexdigest()
