"""SONATA edges -> connections (inputs: sonata_inputs.py).

Connection weights follow the SONATA meaning, read as BMTK (the reference simulator) reads
its names: ``syn_weight``, through the edge's ``weight_function`` (BMTK's built-ins,
sonata/synapse_models.py); onto point cells the event goes to the cell itself and is
multiplied by the synapse ``sign`` and by ``nsyns`` (1 where the edge's group has none),
or, with ``signs='bmtk'``, only where BMTK 1.2.0 multiplies it (conventions.py
SIGN_READINGS); the edge's synapse model (model_template) is ignored there, as BMTK does.
Onto biophysical cells one synapse of the edge's model is made at
``afferent_section_id``/``afferent_section_pos`` (or the older ``sec_id``/``sec_x``), with
the edge type's dynamics_params overridden by the edge's own (its group's
``dynamics_params`` subgroup); an edge whose group has ``nsyns`` and no section id is
``nsyns`` synapses where BMTK 1.2.0 places them at run time (sonata_placement.py).
"""
from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..model.catalog import SynMech
from ..model.labels import LabelCodes
from ..model.tables import ConnTable
from ..sonata import conventions as sc
from ..sonata.edge_groups import read_edge_groups
from ..sonata.synapse_models import apply_weight_functions, point_processes, synapse_params
from ..suggest import hint
from .sonata_placement import Placer, placement_order

#: the columns BMTK places synapses by at run time (no section ids; sonata_placement.py)
PLACEMENT = ("target_sections", "distance_range", "nsyns")


def connections(network, edge_pops, config, stim_pops, ext, layout, progress=None,
                signs: str = "sonata"):
    """The network with the connections of every edge population (from stimulus
    populations neuroloom exported: none, the stimulus table comes back whole);
    ``layout`` gives the gid of each node; ``progress(i)`` after the i-th population;
    ``signs`` how the sign and nsyns of edges into point cells weigh them
    (conventions.py SIGN_READINGS)."""
    if signs not in sc.SIGN_READINGS:
        raise ValueError(f"signs={signs!r}: expected one of {', '.join(sc.SIGN_READINGS)} "
                         f"({hint(str(signs), sc.SIGN_READINGS)})")
    syn_mechs = LabelCodes(ext["syn_mechs"] if ext else (), fixed=bool(ext))
    sections = LabelCodes(ext["section_names"] if ext else (), fixed=bool(ext))
    rules = LabelCodes(ext["conn_rules"] if ext else (), fixed=bool(ext))
    pops = {p.name: p for p in layout}
    mechanisms = _Mechanisms(network)
    # BMTK draws the places of its synapses per target cell, over the populations in the
    # order it connects them: made in that order, kept in the circuit's
    placer = Placer(network, layout)
    order = list(range(len(edge_pops))) if ext else \
        placement_order(edge_pops, network, layout, config)
    parts, rows = [None] * len(edge_pops), [None] * len(edge_pops)
    for done, k in enumerate(order, 1):
        edges = edge_pops[k]
        if progress is not None:
            progress(done - 1)
        if edges.source in stim_pops and ext:
            continue
        for end in (edges.source, edges.target):
            if end not in pops:
                raise FormatError(f"{edges.file}: edge population '{edges.name}' connects "
                                  f"node population '{end}', which the circuit does not have")
        if ext:
            part = _exported_edges(network, edges, pops, syn_mechs, sections, rules)
        else:
            part = _edges(network, edges, pops, config, syn_mechs, sections, rules,
                          mechanisms, signs, placer)
        parts[k] = part
        rows[k] = edges.get(sc.ROW, np.nan) if ext else np.full(len(part), np.nan)
    parts = [p for p in parts if p is not None]
    rows = [r for r in rows if r is not None]
    conns = ConnTable.concat(parts)
    order = np.concatenate(rows).astype(float) if rows else np.empty(0)
    if len(order) and not np.isnan(order).any():
        conns = conns.take(np.argsort(order, kind="stable"))
    return replace(network, conns=conns, syn_mechs=tuple(syn_mechs.items),
                   section_names=tuple(sections.items), conn_rules=tuple(rules.items),
                   conn_plasticity=ext["conn_plasticity"] if ext else ())


def _ends(network, edges, pops, where):
    """(pre gids, post gids, post cell types, whether each target is a point cell)."""
    source, target = pops[edges.source], pops[edges.target]
    for ids, pop, end in ((edges.source_ids, source, "source"), (edges.target_ids, target,
                                                                  "target")):
        if len(edges) and (ids.min() < 0 or ids.max() >= len(pop)):
            raise FormatError(f"{where}/{end}_node_id: node ids up to {ids.max()} for "
                              f"population '{pop.name}' of {len(pop)} nodes")
    pre = source.gids[edges.source_ids]
    post = target.gids[edges.target_ids]
    post_types = network.cells.cell_type[post]
    artificial = np.array([network.cell_types[t].is_artificial for t in post_types], bool)
    return pre, post, post_types, artificial


def _exported_edges(network, edges, pops, syn_mechs, sections, rules) -> ConnTable:
    """The connections of a circuit neuroloom exported, with its catalogs' labels."""
    where = f"{edges.file}: /edges/{edges.name}"
    pre, post, post_types, artificial = _ends(network, edges, pops, where)
    weight = _syn_weight(edges, where)
    columns = _edge_columns(edges, where)
    delay = _delay(columns, where)
    syn_code = np.full(len(edges), -1, dtype=np.int64)
    for type_id in np.unique(edges.type_ids).tolist():
        label = edges.types[type_id].get("neuroloom_syn_mech")
        syn_code[edges.type_ids == type_id] = -1 if label is None else \
            syn_mechs.code(label, str(edges.types_file))
    rule = np.array([rules.code(r, str(edges.types_file))
                     for r in edges.get("neuroloom_rule")], dtype=np.int64)
    pos = columns.pop("loc", None)
    sec, loc = _places(network, edges, post_types, artificial, sections, pos, where)
    return ConnTable(pre_gid=pre, post_gid=post, syn_mech=syn_code, weight=weight,
                     delay=delay, sec=sec, loc=loc, rule=rule, extra=columns)


def _edges(network, edges, pops, config, syn_mechs, sections, rules, mechanisms,
           signs, placer) -> ConnTable:
    where = f"{edges.file}: /edges/{edges.name}"
    n = len(edges)
    pre, post, post_types, artificial = _ends(network, edges, pops, where)
    groups = read_edge_groups(edges.file, edges.name, n)
    weight = _syn_weight(edges, where, groups)
    if "weight_function" in edges.attributes:
        weight = apply_weight_functions(weight, edges.get("weight_function"), edges, pre,
                                        post, network.cells, where, edges.types_file)
    columns = _edge_columns(edges, where)
    delay = _delay(columns, where)
    syn_code = np.full(n, -1, dtype=np.int64)
    sign = np.ones(n)
    for type_id in np.unique(edges.type_ids).tolist():
        mine = edges.type_ids == type_id
        type_where = f"{edges.types_file}, edge_type_id {type_id}"
        kind, params, name = _dynamics(edges.types[type_id], config, type_where)
        point = np.flatnonzero(mine & artificial)
        if len(point):  # the event goes to the cell: only the sign counts
            sign[point] = _per_edge(edges, point, "sign", params.get("sign", 1),
                                    f"{type_where} sign")
        cells = np.flatnonzero(mine & ~artificial)
        if len(cells):
            _synapses(edges, cells, kind, params, name, type_where, syn_mechs, mechanisms,
                      syn_code)
    rule = np.full(n, rules.code(edges.name))
    weight_out = _point_weights(edges, groups, artificial, weight, sign, signs, where)
    pos = columns.pop("loc", None)
    placed = ~artificial & _bmtk_places(edges, groups)
    sec, loc = _places(network, edges, post_types, artificial, sections, pos, where, placed)
    table = ConnTable(pre_gid=pre, post_gid=post, syn_mech=syn_code, weight=weight_out,
                      delay=delay, sec=sec, loc=loc, rule=rule, extra=columns)
    if not placed.any():
        return table
    # each edge BMTK places is nsyns synapses (or none) on the segments it draws
    rows, drawn_sec, drawn_loc = placer.place(edges, placed, post_types, sections, where)
    table = table.take(rows)
    mine = placed[rows]
    return replace(table, sec=np.where(mine, drawn_sec, table.sec),
                   loc=np.where(mine, drawn_loc, table.loc))


def _syn_weight(edges, where, groups=None) -> np.ndarray:
    weight = sc.as_float_array(edges.get("syn_weight", np.nan), f"{where} syn_weight")
    missing = np.flatnonzero(np.isnan(weight))
    if len(missing):
        first = missing[0]
        group = "" if groups is None else f" (edge group {groups.group[first]})"
        raise FormatError(f"{where}: every edge needs syn_weight (in the edges file or "
                          f"{edges.types_file}); {len(missing)} of {len(edges)} have none, "
                          f"the first edge {first}{group}, edge_type_id "
                          f"{edges.type_ids[first]}")
    return weight


def _delay(columns, where) -> np.ndarray:
    delay = columns.pop("delay", None)
    if delay is None or np.isnan(delay).any():
        raise FormatError(f"{where}: every edge needs a delay")
    return delay


def _point_weights(edges, groups, artificial, weight, sign, signs, where) -> np.ndarray:
    """The weights of the events edges deliver to point cells: syn_weight x sign x nsyns
    where the reading applies them (conventions.py SIGN_READINGS); syn_weight onto
    biophysical cells."""
    nsyns = sc.as_float_array(edges.get("nsyns", np.nan), f"{where} nsyns")
    nsyns = np.where(np.isnan(nsyns), 1.0, nsyns)  # SONATA and BMTK: 1 where none is given
    factor = sign * nsyns
    by_bmtk = _bmtk_multiplies(edges, groups)
    differ = artificial & ~by_bmtk & (factor != 1.0)
    if signs == "bmtk":
        return np.where(artificial & by_bmtk, weight * factor, weight)
    if differ.any():
        types = sorted(set(edges.type_ids[differ].tolist()))
        warnings.warn(
            f"{where}: {int(differ.sum())} edges into point cells (edge types "
            f"{types[:10]}) are weighted by their synapse sign and nsyns as SONATA means; "
            "BMTK 1.2.0 delivers their syn_weight alone (their edge group has no nsyns "
            "column, or has sec_id/afferent_section_id), so its spikes differ. "
            "sim.importSONATA(..., signs='bmtk') reads them as BMTK does",
            UserWarning, stacklevel=2)
    return np.where(artificial, weight * factor, weight)


def _bmtk_places(edges, groups) -> np.ndarray:
    """Per edge: whether BMTK 1.2.0 places its synapses at run time, were its target a
    biophysical cell (its group has nsyns and no section id: the rule it also weighs
    point cells' events by)."""
    return _bmtk_multiplies(edges, groups)


def _bmtk_multiplies(edges, groups) -> np.ndarray:
    """Per edge: whether BMTK 1.2.0 multiplies the event of an edge into a point cell by
    sign x nsyns: its group (with the edge-types CSV's columns) has nsyns and no section
    id."""
    type_columns = set().union(*(row.keys() for row in edges.types.values())) \
        if edges.types else set()
    applies = {}
    for group in groups.ids():
        columns = set(groups.columns[group]) | type_columns
        applies[group] = "nsyns" in columns and not columns & set(sc.SECTION_ID)
    lookup = np.array([applies.get(g, False) for g in range(max(applies) + 1)], bool)
    return lookup[groups.group] if len(groups.group) else np.zeros(0, bool)


def _per_edge(edges, rows, name, default, where) -> np.ndarray:
    """Values of a synapse parameter for some edges: their own (a dynamics_params
    subgroup), else ``default`` (the edge type's)."""
    values = np.full(len(rows), np.nan)
    if name in edges.dynamics:
        values = sc.as_float_array(edges.get(name, np.nan), where)[rows]
    try:
        fallback = float(default)
    except (TypeError, ValueError):
        raise FormatError(f"{where} is {default!r}, not a number") from None
    return np.where(np.isnan(values), fallback, values)


def _dynamics(row, config, where):
    """(synapse model or '' for none, dynamics dict, dynamics file name) of an edge
    type."""
    name = row.get("dynamics_params")
    params = config.dynamics("synaptic_models_dir", name, where)
    kind = str(row.get("model_template") or params.get("level_of_detail") or "").lower()
    return kind, params, name


def _synapses(edges, rows, kind, params, name, where, syn_mechs, mechanisms, syn_code):
    """Sets ``syn_code`` of ``rows``, edges of one type onto biophysical cells: the
    synapse of the type's model with its parameters, each edge's own overriding them."""
    if not kind or kind in sc.INSTANTANEOUS:
        raise FormatError(f"{where}: edges onto biophysical cells need a synapse model "
                          "(model_template, or dynamics_params with level_of_detail: "
                          f"{', '.join(sc.SYNAPSE_MODELS)})")
    if kind not in sc.SYNAPSE_MODELS:
        raise FormatError(f"{where}: synapse model '{kind}' is not one BMTK 1.2.0 "
                          f"registers ({', '.join(sc.SYNAPSE_MODELS)}): "
                          f"{hint(kind, sc.SYNAPSE_MODELS)}")
    mod = sc.SYNAPSE_MODELS[kind][0]
    mechanisms.require(mod, kind, where)
    own = sorted(edges.dynamics)
    if own:  # the edges' own values, where their group has them (NaN elsewhere)
        table = np.column_stack([sc.as_float_array(edges.get(k, np.nan), f"{where} {k}")[rows]
                                 for k in own])
        combos, which = np.unique(table, axis=0, return_inverse=True)
    else:
        combos, which = np.empty((1, 0)), np.zeros(len(rows), np.int64)
    stem = Path(name).stem if name else kind
    for i, combo in enumerate(combos):
        given = dict(params)
        given.update({k: v for k, v in zip(own, combo.tolist()) if not np.isnan(v)})
        mech = SynMech(label=stem, mod=mod, params=synapse_params(
            kind, given, f"{where}: {name or 'its dynamics'}"))
        syn_code[rows[np.ravel(which) == i]] = _mech_code(syn_mechs, mech)


def _mech_code(syn_mechs, mech) -> int:
    """The code of a synapse mechanism; one that differs from the one of the same label
    (other parameters for some edges, another model) gets a label of its own."""
    label, k = mech.label, 1
    while label in syn_mechs and syn_mechs.items[syn_mechs[label]] != replace(mech,
                                                                              label=label):
        k += 1
        label = f"{mech.label}_{k}"
    return syn_mechs.code(replace(mech, label=label))


class _Mechanisms:
    """The point processes a network can make: NEURON's, and those of its mod folders
    (read once, when a synapse model first needs one)."""

    def __init__(self, network):
        self._folders = [Path(f) for f in network.mod_folders]
        self._names = None

    def require(self, mod, kind, where) -> None:
        if mod in sc.BUILTIN_POINT_PROCESSES:
            return
        if self._names is None:
            self._names = set().union(*(point_processes(f) for f in self._folders))
        if mod not in self._names:
            folders = ", ".join(str(f) for f in self._folders) or "none"
            raise FormatError(f"{where}: synapse model '{kind}' needs the NEURON mechanism "
                              f"{mod} (POINT_PROCESS {mod}), which no .mod file of the "
                              f"circuit's mechanisms_dir or modFolders defines (searched: "
                              f"{folders})")


def _edge_columns(edges, where) -> dict:
    """The connection columns of the attributes sonata/conventions.py EDGE_COLUMNS lists,
    by column name, for those the edges have."""
    out = {}
    for name, (column, older) in sc.EDGE_COLUMNS.items():
        found = next((k for k in (name, *older) if k in edges.attributes), None)
        if found is not None:
            out[column] = sc.as_float_array(edges.get(found), f"{where} {found}")
    return out


def _places(network, edges, post_types, artificial, sections, pos, where, placed=None):
    """Section codes and locations (``pos``: the section positions given, or None) of the
    contacts (none for point cells, nor for the edges ``placed`` by BMTK's rule, which
    sonata_placement.py places)."""
    n = len(edges)
    sec = np.full(n, -1, dtype=np.int64)
    loc = np.full(n, 0.5) if pos is None else pos
    ids = next((edges.get(k) for k in sc.SECTION_ID if k in edges.attributes), None)
    if not np.any(~artificial):
        return sec, loc
    ids = None if ids is None else np.asarray(
        [np.nan if v is None else v for v in ids], dtype=float)
    missing = ~artificial & (np.isnan(ids) if ids is not None else True)
    if pos is not None:
        missing |= ~artificial & np.isnan(pos)
    given = ~artificial if placed is None else ~artificial & ~placed
    missing &= given
    if missing.any():
        _random_placement(edges, missing, where)
    for code in np.unique(post_types[given]).tolist():
        mine = (post_types == code) & given
        names = network.cell_types[code].section_names
        bad = mine & ((ids < 0) | (ids >= len(names)))
        if bad.any():
            raise FormatError(f"{where}: section id {ids[bad][0]:g} out of range for cell "
                              f"type '{network.cell_types[code].label}' ({len(names)} "
                              "sections)")
        codes = np.array([sections.code(name, where) for name in names])
        sec[mine] = codes[ids[mine].astype(np.int64)]
    return sec, loc


def _random_placement(edges, missing, where):
    types = sorted(set(edges.type_ids[missing].tolist()))
    found = [c for c in PLACEMENT if c in edges.attributes]
    raise FormatError(
        f"{where}: {int(missing.sum())} edges onto biophysical cells (edge types "
        f"{types[:10]}) have no afferent_section_id/afferent_section_pos (or sec_id/sec_x)"
        + (f"; they give {', '.join(found)}" if found else "") +
        ", and their edge group has no nsyns column, which BMTK needs to place synapses "
        "itself (target_sections, distance_range and nsyns); BMTK 1.2.0 fails on them. "
        "Give the sections in the edges file, or nsyns with the edge types' "
        "target_sections and distance_range")
