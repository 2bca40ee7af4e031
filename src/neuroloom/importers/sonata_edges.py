"""SONATA edges -> connections, and inputs -> spike trains and stimuli.

Connection weights follow the SONATA meaning, read as BMTK (the reference simulator) reads
its names: ``syn_weight``, through the edge's ``weight_function`` (BMTK's built-ins,
sonata/synapse_models.py); onto point cells the event goes to the cell itself and is
multiplied by the synapse ``sign`` and by ``nsyns`` (1 where the edge's group has none),
or, with ``signs='bmtk'``, only where BMTK 1.2.0 multiplies it (conventions.py
SIGN_READINGS); the edge's synapse model (model_template) is ignored there, as BMTK does.
Onto biophysical cells one synapse of the edge's model is made at
``afferent_section_id``/``afferent_section_pos`` (or the older ``sec_id``/``sec_x``), with
the edge type's dynamics_params overridden by the edge's own (its group's
``dynamics_params`` subgroup).
"""
from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..model.catalog import StimSource, SynMech
from ..model.labels import LabelCodes
from ..model.stim_types import SONATA_INPUTS, STIM_TYPES
from ..model.tables import ConnTable, SpikeTrains, StimTable
from ..sonata import conventions as sc
from ..sonata.edge_groups import read_edge_groups
from ..sonata.files import read_spike_file
from ..sonata.synapse_models import apply_weight_functions, point_processes, synapse_params
from ..suggest import hint

#: the edge-type columns BMTK places synapses by at run time (no section ids)
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
        if ext:
            part = _exported_edges(network, edges, pops, syn_mechs, sections, rules)
        else:
            part = _edges(network, edges, pops, config, syn_mechs, sections, rules,
                          mechanisms, signs)
        parts.append(part)
        rows.append(edges.get(sc.ROW, np.nan) if ext else np.full(len(part), np.nan))
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
           signs) -> ConnTable:
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
    sec, loc = _places(network, edges, post_types, artificial, sections, pos, where)
    return ConnTable(pre_gid=pre, post_gid=post, syn_mech=syn_code, weight=weight_out,
                     delay=delay, sec=sec, loc=loc, rule=rule, extra=columns)


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


def _places(network, edges, post_types, artificial, sections, pos, where):
    """Section codes and locations (``pos``: the section positions given, or None) of the
    contacts (none for point cells)."""
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
    if missing.any():
        _random_placement(edges, missing, where)
    for code in np.unique(post_types[~artificial]).tolist():
        mine = (post_types == code) & ~artificial
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
        + (f"; they give {', '.join(found)}, for BMTK to place their synapses at random "
           "when it runs" if found else "") +
        ". neuroloom does not place synapses at random: BMTK draws the places from a "
        "random stream of each target cell in the order it connects them, over the "
        "segments of its own morphology; give the sections in the edges file (e.g. "
        "BMTK's NetworkBuilder with add_properties and its swc_reader's choose_sections)")


# -- inputs ------------------------------------------------------------------------------
# What BMTK 1.2.0 does with an input is chosen by its module (and, for IClamp, by its
# input_type); every key its modules read is read here or refused with the key named.
ICLAMP_INPUT_TYPES = ("current_clamp",)  # BMTK's IClamp also reads csv, file, nwb, allen
VOLTAGE_CLAMP_MODULE = "SEClamp"
#: BMTK's keys placing a clamp (and their defaults): the middle of soma[0]
CLAMP_PLACE = (("section_name", "soma"), ("section_index", 0), ("section_dist", 0.5))
#: BMTK 1.2.0's other input modules, which neuroloom does not run
OTHER_BMTK_MODULES = ("csv", "nwb", "function", "xstim", "comsol", "replay", "syn_activity",
                      "ecephys_probe")
#: input_type spikes modules BMTK reads
BMTK_SPIKE_MODULES = (*sc.SPIKE_MODULES, "csv", "nwb", "function")


def inputs(network, config, node_sets, layout, ext):
    """The network with the virtual cells' spike trains and the stimuli of the simulation
    config's inputs (of an exported circuit: its stimulus table).

    As BMTK 1.2.0 runs them: ``spikes`` (modules sonata, h5) replayed by the virtual nodes
    of the node set; an ``IClamp`` (input_type current_clamp; amp, delay and duration
    numbers or lists of one pulse each) at ``section_name[section_index](section_dist)``,
    by default the middle of the soma, of every cell of the node set that has sections:
    virtual nodes are skipped (BMTK puts clamps on the cells it simulates; build_env_bionet
    writes clamps on its node set ``all``), point cells are an error (BMTK fails on them);
    the env writer's ``gids`` key is ignored, as BMTK ignores it. An input's missing file,
    unknown module or bad value is a FormatError naming the config key
    (``inputs['LGN_spikes'].input_file``) and the path.
    """
    virtual = np.flatnonzero(np.isin(network.cells.cell_type, [
        i for i, t in enumerate(network.cell_types)
        if t.is_artificial and t.artificial.mod == "VecStim"]))
    trains = {int(g): [] for g in virtual}
    stims, sources, rules = [], [], []
    section_names = list(network.section_names)  # clamps may add the sections they use
    for name, spec in ((config.simulation or {}).get("inputs") or {}).items():
        where = f"{config.simulation_path}: inputs['{name}']"
        if not isinstance(spec, dict):
            raise FormatError(f"{where}: an input is an object with input_type and module, "
                              f"not {spec!r}")
        if ext and spec.get(sc.STIM_RULE) is not None:
            continue  # a stimulus of the exported network: in its stimulus table
        kind, module = spec.get("input_type"), spec.get("module")
        if kind == "spikes":
            _spike_input(spec, where, node_sets, layout, trains)
        elif kind == "current_clamp" and module is None or module == "IClamp":
            for stim, source in _current_clamps(name, spec, where, node_sets, network,
                                                len(sources), len(rules), section_names,
                                                set(virtual.tolist())):
                stims.append(stim)
                sources.append(source)
            rules.append(name)
        elif module == VOLTAGE_CLAMP_MODULE:
            _voltage_clamp(spec, where, node_sets, network, set(virtual.tolist()))
        else:
            _unknown_input(kind, module, where)
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


def _unknown_input(kind, module, where) -> None:
    modules = ("IClamp", VOLTAGE_CLAMP_MODULE, *sc.SPIKE_MODULES)
    if module in OTHER_BMTK_MODULES:
        raise FormatError(f"{where}.module: BMTK's module {module!r} is not supported "
                          f"(supported: {', '.join(modules)})")
    if module is None:
        raise FormatError(f"{where}: input_type {kind!r} without a module is not an input "
                          f"neuroloom or BMTK runs (modules: {', '.join(modules)})")
    raise FormatError(f"{where}.module: unknown input module {module!r} "
                      f"({hint(str(module), modules + OTHER_BMTK_MODULES)}; supported: "
                      f"{', '.join(modules)})")


def _spike_input(spec, where, node_sets, layout, trains) -> None:
    module, file_key = spec.get("module"), "input_file"
    if module == sc.SPEC_SPIKE_MODULE:  # the specification's form: the same, by other names
        if "input_file" in spec:
            raise FormatError(f"{where}: a {module} input names its file as "
                              f"{sc.SPEC_SPIKE_FILE}, not input_file")
        spec = {**{k: v for k, v in spec.items() if k != sc.SPEC_SPIKE_FILE},
                "module": "h5", "input_file": spec.get(sc.SPEC_SPIKE_FILE)}
        if spec["input_file"] is None:
            raise FormatError(f"{where}: a spike input needs {sc.SPEC_SPIKE_FILE}")
        module, file_key = "h5", sc.SPEC_SPIKE_FILE
    if module not in sc.SPIKE_MODULES:
        if module in BMTK_SPIKE_MODULES:
            raise FormatError(f"{where}.module: spike input module {module!r} is not "
                              f"supported ({', '.join(sc.SPIKE_MODULES)})")
        raise FormatError(f"{where}.module: unknown spike input module {module!r} "
                          f"({hint(str(module), BMTK_SPIKE_MODULES)}; supported: "
                          f"{', '.join(sc.SPIKE_MODULES)})")
    for key in ("input_file", "node_set"):
        if key not in spec:
            raise FormatError(f"{where}: a spike input needs {key}")
    path = Path(spec["input_file"])
    if not path.is_file():
        raise FormatError(f"{where}.{file_key}: {path}: file not found")
    population = node_sets.population(spec["node_set"], where)
    if spec.get("population", population) != population:
        raise FormatError(f"{where}.population: {spec['population']!r} is not the population "
                          f"of node_set {spec['node_set']!r} ('{population}')")
    pop = layout[population]
    try:
        ids, times = read_spike_file(path, population)
    except FormatError as error:
        raise FormatError(f"{where}.{file_key}: {error}") from None
    allowed = set(node_sets.gids(spec["node_set"], where).tolist())
    bad = ids[(ids < 0) | (ids >= len(pop))]
    if len(bad):
        raise FormatError(f"{where}.{file_key}: {path}: node id {bad[0]} is not in "
                          f"population '{population}' ({len(pop)} nodes)")
    gids = pop.gids[ids]
    for node_id in np.unique(ids).tolist():
        gid = int(pop.gids[node_id])
        if gid not in trains:
            raise FormatError(f"{where}.{file_key}: {path}: spikes for node {node_id} of "
                              f"'{population}', which is not a virtual node")
        if gid in allowed:
            trains[gid].append(times[gids == gid])


def _clamp_type(spec, where):
    """The stimulus type of a current clamp, by its module (model/stim_types.py)."""
    modules = {module: kind for (input_type, module), kind in SONATA_INPUTS.items()
               if input_type == "current_clamp"}
    module = spec.get("module", STIM_TYPES["IClamp"].sonata.module)  # BMTK's default
    if not isinstance(module, str) or module not in modules:
        raise FormatError(f"{where}.module: current_clamp module {module!r} is not "
                          f"supported ({', '.join(modules)})")
    kind = spec.get("input_type")
    if kind not in ICLAMP_INPUT_TYPES:
        raise FormatError(f"{where}.input_type: {kind!r} (BMTK's IClamp reads the pulses of "
                          "current_clamp, or a csv, file, nwb or allen recording: only "
                          "current_clamp is supported)")
    return modules[module]


def _pulses(stim_type, spec, where) -> list[tuple]:
    """The parameters of each pulse (BMTK: amp, delay, duration numbers, or lists of the
    same length, one IClamp per pulse), in the type's order."""
    theirs_of = dict(stim_type.sonata.params)
    columns, count = {}, None
    for ours in (p for p in stim_type.params if p in theirs_of):
        theirs = theirs_of[ours]
        if theirs not in spec:
            raise FormatError(f"{where}: a current clamp needs {theirs} (BMTK's IClamp "
                              "reads amp, delay and duration)")
        values = spec[theirs] if isinstance(spec[theirs], list) else [spec[theirs]]
        if not values or not all(_is_number(v) for v in values):
            raise FormatError(f"{where}.{theirs}: {spec[theirs]!r} is not a number or a "
                              "list of numbers")
        if count is not None and len(values) != count:
            raise FormatError(f"{where}.{theirs}: {len(values)} values where the other "
                              f"parameters have {count} (one per pulse)")
        count = len(values)
        columns[ours] = [float(v) for v in values]
    for ours, theirs in (("del", "delay"), ("dur", "duration")):
        negative = [v for v in columns.get(ours, ()) if v < 0]
        if negative:
            raise FormatError(f"{where}.{theirs}: {negative[0]} is negative")
    return [tuple((ours, values[i]) for ours, values in columns.items())
            for i in range(count or 0)]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        bool(np.isfinite(value))


def _clamp_targets(spec, where, node_sets, network, virtual, what):
    """The gids a clamp acts on (BMTK's node_set, default all): the cells of the node set
    with sections; virtual nodes are skipped, point cells are an error."""
    node_set = spec.get("node_set", "all")  # BMTK's default
    gids = node_sets.gids(node_set, where)
    keep = np.array([g not in virtual for g in gids.tolist()], bool)
    for gid in gids[keep].tolist():
        if network.cell_type_of(gid).is_artificial:
            raise FormatError(f"{where}.node_set: {node_set!r} holds point cell {gid} "
                              f"('{network.cell_type_of(gid).label}'): a {what} acts on a "
                              "section (BMTK 1.2.0 fails on point cells too)")
    if spec.get("gids", "all") != "all":
        warnings.warn(f"{where}.gids: {spec['gids']!r} is ignored, as BMTK 1.2.0 ignores it: "
                      f"the {what} acts on every cell of node_set {node_set!r}",
                      UserWarning, stacklevel=3)
    if not keep.any():
        warnings.warn(f"{where}.node_set: {node_set!r} holds no cell the {what} can act on "
                      "(only virtual nodes, which BMTK skips): it acts on none",
                      UserWarning, stacklevel=3)
    return gids[keep]


def _clamp_place(spec, where, cell_type, gid) -> tuple[str, float]:
    """(section, location) of a clamp: BMTK's ``section_name[section_index](section_dist)``
    of the cell, the middle of the soma by default."""
    name, index, dist = (spec.get(key, default) for key, default in CLAMP_PLACE)
    if not isinstance(name, str):
        raise FormatError(f"{where}.section_name: {name!r} (BMTK takes one section array "
                          "name; lists go with a distance range, which is not supported)")
    if isinstance(index, (list, tuple)):
        raise FormatError(f"{where}.section_index: a distance range {index!r} (BMTK picks a "
                          "section at random in it) is not supported; give an index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise FormatError(f"{where}.section_index: {index!r} is not a section index")
    if not _is_number(dist) or not 0.0 <= dist <= 1.0:
        raise FormatError(f"{where}.section_dist: {dist!r} is not a position in [0, 1]")
    names = cell_type.section_names
    section = f"{name}_{index}"  # BMTK's soma[0] is neuroloom's soma_0
    if section not in names and (name, index) == ("soma", 0):
        section = cell_type.spike_sec  # a cell of another kind: its soma
    if section not in names:
        raise FormatError(f"{where}.section_name: cell {gid} ('{cell_type.label}') has no "
                          f"section {name}[{index}] ({hint(section, names)})")
    return section, float(dist)


def _current_clamps(name, spec, where, node_sets, network, source_code, rule_code, names,
                    virtual):
    """(StimTable, StimSource) of each pulse of a current clamp: an IClamp per target and
    pulse at the clamp's place; ``names`` (the network's section names) gets the sections
    it lacks."""
    stim_type = _clamp_type(spec, where)
    pulses = _pulses(stim_type, spec, where)
    gids = _clamp_targets(spec, where, node_sets, network, virtual, "current clamp")
    sec, loc = [], []
    for gid in gids.tolist():
        section, x = _clamp_place(spec, where, network.cell_type_of(gid), gid)
        if section not in names:
            names.append(section)
        sec.append(names.index(section))
        loc.append(x)
    n = len(gids)
    out = []
    for i, params in enumerate(pulses):
        label = name if len(pulses) == 1 else f"{name}[{i}]"
        table = StimTable(gid=gids, source=np.full(n, source_code + i),
                          rule=np.full(n, rule_code), sec=np.asarray(sec, dtype=np.int64),
                          loc=np.asarray(loc, dtype=float), syn_mech=np.full(n, -1),
                          weight=np.zeros(n), delay=np.zeros(n))
        out.append((table, StimSource(label=label, type=stim_type.name, params=params)))
    return out


#: BMTK's SEClamp module: the keys it reads (None: required) besides the clamp's place
VOLTAGE_CLAMP_KEYS = (("amp", None), ("delay", None), ("duration", None),
                      ("resistance", 1.0), ("vc", 0.0))


def _voltage_clamp(spec, where, node_sets, network, virtual) -> None:
    """A ``voltage_clamp`` input (BMTK's module SEClamp): every key BMTK reads is checked;
    running it is refused, naming why (see the error)."""
    if "delay" not in spec and ("amps" in spec or "durations" in spec):
        raise FormatError(f"{where}: amps/durations (what BMTK's build_env_bionet writes for "
                          "se_voltage_clamp) are not read by BMTK 1.2.0's SEClamp module, "
                          "which needs amp, delay and duration (BMTK fails with KeyError "
                          "'delay')")
    values = {}
    for key, default in VOLTAGE_CLAMP_KEYS:
        if key not in spec and default is None:
            raise FormatError(f"{where}.{key}: missing (BMTK's SEClamp reads amp, delay "
                              "and duration)")
        value = spec.get(key, default)
        if not _is_number(value):
            raise FormatError(f"{where}.{key}: {value!r} is not a number")
        values[key] = float(value)
    for key in ("delay", "duration", "resistance"):
        if values[key] < 0 or key == "resistance" and values[key] == 0:
            raise FormatError(f"{where}.{key}: {values[key]} is out of range")
    node_set = spec.get("node_set", "all")
    gids = node_sets.gids(node_set, where)
    skipped = [g for g in gids.tolist() if g in virtual]
    if skipped:
        raise FormatError(f"{where}.node_set: {node_set!r} holds virtual node(s) (gid "
                          f"{skipped[0]}): BMTK 1.2.0's SEClamp fails on them (it looks "
                          "them up among the cells it simulates)")
    for gid in gids.tolist():
        cell_type = network.cell_type_of(gid)
        if cell_type.is_artificial:
            raise FormatError(f"{where}.node_set: {node_set!r} holds point cell {gid}: a "
                              "voltage clamp acts on a section (BMTK fails on it too)")
        _clamp_place(spec, where, cell_type, gid)
    raise FormatError(
        f"{where}: voltage_clamp (BMTK's SEClamp module) is read but cannot be run as "
        "BMTK 1.2.0 runs it: BMTK switches the clamp's series resistance during the run "
        "(1 MOhm on the first step, clamping at 0 mV; 1e20 until one step after delay; then "
        "resistance until delay + duration) and keeps the clamp of the last cell of the node "
        "set only, which no NEURON SEClamp with fixed parameters reproduces")
