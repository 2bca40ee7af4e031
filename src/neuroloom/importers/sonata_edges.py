"""SONATA edges -> connections, and inputs -> spike trains and stimuli.

Connection weights follow BMTK, the reference simulator: ``syn_weight`` (weight_function
'wmax' or none); onto point_process cells it is multiplied by the synapse's ``sign`` and
by ``nsyns`` and delivered to the cell itself; onto biophysical cells one synapse is made
at ``afferent_section_id``/``afferent_section_pos`` (or the older ``sec_id``/``sec_x``).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..model.catalog import StimSource, SynMech
from ..model.labels import LabelCodes
from ..model.stim_types import SONATA_INPUTS, STIM_TYPES
from ..model.tables import ConnTable, SpikeTrains, StimTable
from ..sonata import conventions as sc
from ..sonata.files import read_spike_file

WEIGHT_FUNCTIONS = (None, "wmax")


def connections(network, edge_pops, config, stim_pops, ext, layout, progress=None):
    """The network with the connections of every edge population (from stimulus
    populations neuroloom exported: none, the stimulus table comes back whole);
    ``layout`` gives the gid of each node; ``progress(i)`` after the i-th population."""
    syn_mechs = LabelCodes(ext["syn_mechs"] if ext else (), fixed=bool(ext))
    sections = LabelCodes(ext["section_names"] if ext else (), fixed=bool(ext))
    rules = LabelCodes(ext["conn_rules"] if ext else (), fixed=bool(ext))
    pops = {p.name: p for p in layout}
    parts, rows = [], []
    for done, edges in enumerate(edge_pops, 1):
        if progress is not None:
            progress(done - 1)
        if edges.source in stim_pops and ext:
            continue
        for end in (edges.source, edges.target):
            if end not in pops:
                raise FormatError(f"{edges.file}: edge population '{edges.name}' connects "
                                  f"node population '{end}', which the circuit does not have")
        part = _edges(network, edges, pops, config, syn_mechs, sections, rules, ext)
        parts.append(part)
        rows.append(edges.get(sc.ROW, np.nan) if ext else np.full(len(part), np.nan))
    conns = ConnTable.concat(parts)
    order = np.concatenate(rows).astype(float) if rows else np.empty(0)
    if len(order) and not np.isnan(order).any():
        conns = conns.take(np.argsort(order, kind="stable"))
    return replace(network, conns=conns, syn_mechs=tuple(syn_mechs.items),
                   section_names=tuple(sections.items), conn_rules=tuple(rules.items),
                   conn_plasticity=ext["conn_plasticity"] if ext else ())


def _edges(network, edges, pops, config, syn_mechs, sections, rules, ext) -> ConnTable:
    where = f"{edges.file}: /edges/{edges.name}"
    n = len(edges)
    source, target = pops[edges.source], pops[edges.target]
    for ids, pop, end in ((edges.source_ids, source, "source"), (edges.target_ids, target,
                                                                  "target")):
        if n and (ids.min() < 0 or ids.max() >= len(pop)):
            raise FormatError(f"{where}/{end}_node_id: node ids up to {ids.max()} for "
                              f"population '{pop.name}' of {len(pop)} nodes")
    pre = source.gids[edges.source_ids]
    post = target.gids[edges.target_ids]
    post_types = network.cells.cell_type[post]
    artificial = np.array([network.cell_types[t].is_artificial for t in post_types], bool)
    weight = sc.as_float_array(edges.get("syn_weight"), f"{where} syn_weight") \
        if "syn_weight" in edges.attributes else None
    if weight is None or np.isnan(weight).any():
        raise FormatError(f"{where}: every edge needs syn_weight (in the edges file or "
                          f"{edges.types_file})")
    columns = _edge_columns(edges, where)
    delay = columns.pop("delay", None)
    if delay is None or np.isnan(delay).any():
        raise FormatError(f"{where}: every edge needs a delay")
    for function in set(edges.get("weight_function").tolist()):
        if function not in WEIGHT_FUNCTIONS:
            raise FormatError(f"{edges.types_file}: weight_function '{function}' is not "
                              "supported (only wmax: the syn_weight itself)")
    syn_code = np.full(n, -1, dtype=np.int64)
    sign = np.ones(n)
    for type_id in np.unique(edges.type_ids).tolist():
        mine = edges.type_ids == type_id
        row = edges.types[type_id]
        if ext:
            label = row.get("neuroloom_syn_mech")
            syn_code[mine] = -1 if label is None else syn_mechs.code(label, str(edges.types_file))
            continue
        mech, type_sign = _synapse(row, config, f"{edges.types_file}, edge_type_id {type_id}")
        sign[mine] = type_sign
        if mech is not None:
            syn_code[mine] = syn_mechs.code(mech)
    if ext:
        rule = np.array([rules.code(r, str(edges.types_file))
                         for r in edges.get("neuroloom_rule")], dtype=np.int64)
        weight_out = weight
    else:
        rule = np.full(n, rules.code(edges.name))
        nsyns = np.asarray(edges.get("nsyns", 1), dtype=float)
        # BMTK: onto point cells the event carries sign x nsyns x syn_weight
        weight_out = np.where(artificial, weight * sign * nsyns, weight)
        if np.any(~artificial & (syn_code < 0)):
            raise FormatError(f"{where}: edges onto biophysical cells need a synapse model "
                              "(dynamics_params with level_of_detail exp2syn or expsyn)")
    pos = columns.pop("loc", None)
    sec, loc = _places(network, edges, post_types, artificial, sections, pos, where)
    return ConnTable(pre_gid=pre, post_gid=post, syn_mech=syn_code, weight=weight_out,
                     delay=delay, sec=sec, loc=loc, rule=rule, extra=columns)


def _edge_columns(edges, where) -> dict:
    """The connection columns of the attributes sonata/conventions.py EDGE_COLUMNS lists,
    by column name, for those the edges have."""
    out = {}
    for name, (column, older) in sc.EDGE_COLUMNS.items():
        found = next((k for k in (name, *older) if k in edges.attributes), None)
        if found is not None:
            out[column] = sc.as_float_array(edges.get(found), f"{where} {found}")
    return out


def _places(network, edges, post_types, artificial, sections, pos, where):
    """Section codes and locations (``pos``: the section positions given, or None) of the
    contacts (none for point cells)."""
    n = len(edges)
    sec = np.full(n, -1, dtype=np.int64)
    loc = np.full(n, 0.5) if pos is None else pos
    ids = next((edges.get(k) for k in sc.SECTION_ID if k in edges.attributes), None)
    if not np.any(~artificial):
        return sec, loc
    if ids is None or pos is None:
        raise FormatError(f"{where}: edges onto biophysical cells need afferent_section_id "
                          "and afferent_section_pos (or sec_id and sec_x); placing synapses "
                          "at random as BMTK does without them is not supported")
    ids = np.asarray(ids, dtype=float)
    for code in np.unique(post_types[~artificial]).tolist():
        mine = (post_types == code) & ~artificial
        names = network.cell_types[code].section_names
        bad = mine & ((ids < 0) | (ids >= len(names)) | np.isnan(ids))
        if bad.any():
            raise FormatError(f"{where}: section id {ids[bad][0]:g} out of range for cell "
                              f"type '{network.cell_types[code].label}' ({len(names)} "
                              "sections)")
        codes = np.array([sections.code(name, where) for name in names])
        sec[mine] = codes[ids[mine].astype(np.int64)]
    return sec, loc


def _synapse(row, config, where):
    """(SynMech or None for an instantaneous event, sign) of an edge type."""
    name = row.get("dynamics_params")
    params = config.dynamics("synaptic_models_dir", name, where)
    kind = str(row.get("model_template") or params.get("level_of_detail") or "").lower()
    if kind in sc.INSTANTANEOUS or (not kind and params.get("level_of_detail") is None):
        return None, float(params.get("sign", 1))
    if kind not in sc.SYNAPSE_MODELS:
        raise FormatError(f"{where}: synapse model '{kind}' is not supported (supported: "
                          f"{', '.join(sc.SYNAPSE_MODELS)}, instantaneous)")
    mod, names = sc.SYNAPSE_MODELS[kind]
    missing = [k for k in names if k not in params]
    if missing:
        raise FormatError(f"{where}: {name} lacks {', '.join(missing)} for {mod}")
    label = Path(name).stem if name else kind
    return SynMech(label=label, mod=mod,
                   params=tuple((ours, float(params[theirs])) for theirs, ours in names.items())
                   ), 1.0


# -- inputs ------------------------------------------------------------------------------
def inputs(network, config, node_sets, layout, ext):
    """The network with the virtual cells' spike trains and the stimuli of the simulation
    config's inputs (of an exported circuit: its stimulus table)."""
    virtual = np.flatnonzero(np.isin(network.cells.cell_type, [
        i for i, t in enumerate(network.cell_types)
        if t.is_artificial and t.artificial.mod == "VecStim"]))
    trains = {int(g): [] for g in virtual}
    stims, sources, rules = [], [], []
    section_names = list(network.section_names)  # current clamps may add the somata
    for name, spec in ((config.simulation or {}).get("inputs") or {}).items():
        where = f"{config.simulation_path}: inputs['{name}']"
        if ext and spec.get(sc.STIM_RULE) is not None:
            continue  # a stimulus of the exported network: in its stimulus table
        kind = spec.get("input_type")
        if kind == "spikes":
            _spike_input(spec, where, node_sets, layout, trains)
        elif kind == "current_clamp":
            stim_type = _clamp_type(spec, where)
            stims.append(_current_clamp(name, spec, where, node_sets, network,
                                        len(sources), len(rules), section_names))
            sources.append(StimSource(label=name, type=stim_type.name, params=_clamp_params(
                stim_type, spec, where)))
            rules.append(name)
        else:
            raise FormatError(f"{where}: input_type {kind!r} is not supported (spikes, "
                              "current_clamp)")
    gids = sorted(trains)
    spike_trains = SpikeTrains.from_lists(gids, [np.sort(np.concatenate(trains[g] or [[]]))
                                                 for g in gids]) if gids else SpikeTrains.empty()
    if ext:
        return replace(network, spike_trains=spike_trains, stims=ext["stims"],
                       stim_trains=ext["stim_trains"], stim_sources=ext["stim_sources"],
                       stim_rules=ext["stim_rules"])
    return replace(network, spike_trains=spike_trains, stims=StimTable.concat(stims),
                   stim_sources=tuple(sources), stim_rules=tuple(rules),
                   section_names=tuple(section_names))


def _spike_input(spec, where, node_sets, layout, trains) -> None:
    if spec.get("module") not in sc.SPIKE_MODULES:
        raise FormatError(f"{where}: spike input module {spec.get('module')!r} is not "
                          f"supported ({', '.join(sc.SPIKE_MODULES)})")
    if "input_file" not in spec or "node_set" not in spec:
        raise FormatError(f"{where}: a spike input needs input_file and node_set")
    population = node_sets.population(spec["node_set"], where)
    pop = layout[population]
    ids, times = read_spike_file(spec["input_file"], population)
    allowed = set(node_sets.gids(spec["node_set"], where).tolist())
    bad = ids[(ids < 0) | (ids >= len(pop))]
    if len(bad):
        raise FormatError(f"{spec['input_file']}: node id {bad[0]} is not in population "
                          f"'{population}' ({len(pop)} nodes)")
    gids = pop.gids[ids]
    for node_id in np.unique(ids).tolist():
        gid = int(pop.gids[node_id])
        if gid not in trains:
            raise FormatError(f"{where}: spikes for node {node_id} of '{population}', "
                              "which is not a virtual node")
        if gid in allowed:
            trains[gid].append(times[gids == gid])


def _clamp_type(spec, where):
    """The stimulus type of a current_clamp input, by its module (model/stim_types.py)."""
    modules = {module: kind for (input_type, module), kind in SONATA_INPUTS.items()
               if input_type == "current_clamp"}
    module = spec.get("module", STIM_TYPES["IClamp"].sonata.module)  # BMTK's default
    if not isinstance(module, str) or module not in modules:
        raise FormatError(f"{where}: current_clamp module {module!r} is not "
                          f"supported ({', '.join(modules)})")
    return modules[module]


def _clamp_params(stim_type, spec, where) -> tuple:
    """The parameters the type's SONATA form maps, in the type's order."""
    theirs_of = dict(stim_type.sonata.params)
    values = []
    for ours in (p for p in stim_type.params if p in theirs_of):
        theirs = theirs_of[ours]
        value = spec.get(theirs)
        if isinstance(value, list):
            raise FormatError(f"{where}: {theirs} as a list (several pulses) is not "
                              "supported")
        if not isinstance(value, (int, float)):
            raise FormatError(f"{where}: current_clamp needs a number for {theirs}")
        values.append((ours, float(value)))
    return tuple(values)


def _current_clamp(name, spec, where, node_sets, network, source_code, rule_code, names):
    """An IClamp at the middle of each target's soma (BMTK's place for it); ``names``
    (the network's section names) gets the somata it lacks."""
    gids = node_sets.gids(spec.get("node_set"), where)
    sec = []
    for gid in gids.tolist():
        cell_type = network.cell_type_of(gid)
        if cell_type.is_artificial:
            raise FormatError(f"{where}: a current clamp cannot act on point cell {gid}")
        if cell_type.spike_sec not in names:
            names.append(cell_type.spike_sec)
        sec.append(names.index(cell_type.spike_sec))
    n = len(gids)
    return StimTable(gid=gids, source=np.full(n, source_code), rule=np.full(n, rule_code),
                     sec=np.asarray(sec, dtype=np.int64), loc=np.full(n, 0.5),
                     syn_mech=np.full(n, -1), weight=np.zeros(n), delay=np.zeros(n))
