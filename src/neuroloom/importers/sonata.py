"""SONATA circuit (+ simulation config) -> the canonical Network and a SimConfig.

    model = neuroloom.importers.sonata.load("config.json")
    model.network, model.sim_config        # or sim.importSONATA("config.json")

Node populations become populations (node id = index in the population); every distinct
cell model (model_type, model_template, model_processing, dynamics_params, morphology)
becomes a cell type: virtual nodes replay their input spikes, point_process nodes are
NEURON artificial cells (BMTK's dynamics in seconds converted), biophysical nodes are
cells BMTK's procedure makes (sonata/bmtk_cells.py: their inputs are checked here, the
engine makes their sections when the model is instantiated). Edges become connections
(sonata_edges.py); spike inputs (sonata_inputs.py) the virtual nodes' trains; current_clamp inputs IClamp
stimuli. Nothing here needs NEURON. A circuit neuroloom exported carries its catalogs and
stimulus table beside the SONATA files (see exporters/sonata.py), so it comes back exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..model.catalog import Artificial, CellType, Population
from ..model.network import Network, Provenance
from ..model.tables import CellTable, ConnTable, StimTable
from ..sonata import conventions as sc
from ..sonata import extension
from ..sonata.bmtk_cells import bmtk_cell
from ..sonata.files import Config, load_config, read_edge_populations, read_node_populations
from ..sonata.layout import NodeLayout
from ..sonata.nest_models import nest_counterpart
from ..sonata.node_sets import NodeSets
from ..specs import SimConfig
from ..validate.izhikevich import izhikevich_cell
from .sonata_edges import connections
from .sonata_inputs import inputs
from .sonata_run import sim_config

DEFAULT_THRESHOLD = -15.0  # mV: BMTK's spike_threshold when the run config gives none


@dataclass
class SonataModel:
    """An imported circuit: the network, the simConfig that runs it as the SONATA
    simulation config says, and the node sets resolved to gids."""

    network: Network
    sim_config: SimConfig
    node_sets: NodeSets
    config: Config
    mechanisms: list = field(default_factory=list)  # NMODL folders it needs


def load(path, mod_folders=(), progress=None, signs: str = "sonata") -> SonataModel:
    """The circuit and simulation a SONATA config describes, read without NEURON.

    Parameters
    ----------
    path : str or pathlib.Path
        The circuit config, the simulation config, or the top-level config naming both.
    mod_folders : sequence of paths, optional
        NMODL folders the model needs besides the circuit's mechanisms_dir; both become
        the network's mod_folders, which the engine loads when the model is instantiated.
    progress : callable, optional
        ``progress(fraction)`` after the nodes and after each edge population (edges are
        most of a circuit).
    signs : {'sonata', 'bmtk'}, default 'sonata'
        How the synapse sign of edges into point cells is read (importers/sonata_edges.py
        ``connections``: as SONATA means it, or as BMTK 1.2.0 applies it).

    Returns
    -------
    SonataModel
        The network, the simConfig that runs it as the simulation config says, the node
        sets.

    Raises
    ------
    FormatError
        What the circuit or config gets wrong, naming the file and item.
    """
    config = load_config(path)
    nodes = _node_populations(config)
    # the circuit's own mechanisms are for its biophysical cells: a circuit of point and
    # virtual cells runs on NEURON's built-ins, with nothing compiled
    biophysical = any("biophysical" in set(_model_types(p).tolist()) for p in nodes)
    config.existing_component("mechanisms_dir")  # given, it must be there
    folders = [*(_mechanism_folders(config) if biophysical else []), *map(Path, mod_folders)]
    run = (config.simulation or {}).get("run", {})
    exported = extension.read(config.circuit, config.circuit_path)
    # stimuli neuroloom exported come back from its stimulus table; for any other
    # reader they are virtual populations like any other
    stim_pops = {p.name for p in nodes if _stim_rule(p) is not None} if exported else set()
    cell_nodes = [p for p in nodes if p.name not in stim_pops]
    pops, cells, cell_types, layout = _cells(cell_nodes, config, run, exported)
    size, cells = _sized(exported, cells)
    network = Network(cells=cells, conns=ConnTable.empty(), stims=StimTable.empty(),
                      pops=tuple(pops), cell_types=tuple(cell_types), syn_mechs=(),
                      stim_sources=(), section_names=(), conn_rules=(), stim_rules=(),
                      size=size, rxd=exported["rxd"] if exported else None,
                      mod_folders=tuple(str(f) for f in folders),
                      provenance=Provenance(source=f"sonata:{config.circuit_path}"))
    node_sets = NodeSets(config.node_sets, cell_nodes, layout)
    edges = _edge_populations(config)
    report = None if progress is None else (
        lambda done: progress(0.1 + 0.85 * done / max(1, len(edges))))
    if report is not None:
        progress(0.1)  # the nodes
    network = connections(network, edges, config, stim_pops, exported, layout, report,
                          signs=signs)
    if report is not None:
        report(len(edges))
    network = inputs(network, config, node_sets, layout, exported)
    if progress is not None:
        progress(1.0)
    model = SonataModel(network, sim_config(config, node_sets), node_sets, config, folders)
    model.sim_config.sonataPopulations = {  # outputs keep the circuit's populations
        p.name: [m.label for m in p.members] for p in layout
        if [m.label for m in p.members] != [p.name]}
    return model


# -- nodes -------------------------------------------------------------------------------
def _node_populations(config: Config) -> list:
    out = []
    for entry in config.circuit["networks"].get("nodes", []):
        if "nodes_file" not in entry or "node_types_file" not in entry:
            raise FormatError(f"{config.circuit_path}: every networks.nodes entry needs "
                              "nodes_file and node_types_file")
        for pop in read_node_populations(entry["nodes_file"], entry["node_types_file"]):
            declared = entry.get("populations", {}).get(pop.name, {})
            pop.declared = declared
            out.append(pop)
    names = [p.name for p in out]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise FormatError(f"{config.circuit_path}: node population(s) {duplicates} defined "
                          "twice")
    return out


def _edge_populations(config: Config) -> list:
    out = []
    for entry in config.circuit["networks"].get("edges", []):
        if "edges_file" not in entry or "edge_types_file" not in entry:
            raise FormatError(f"{config.circuit_path}: every networks.edges entry needs "
                              "edges_file and edge_types_file")
        out += read_edge_populations(entry["edges_file"], entry["edge_types_file"])
    return out


def _stim_rule(pop):
    rules = pop.get(sc.STIM_RULE)
    return rules[0] if len(rules) and rules[0] is not None else None


def _cells(node_pops, config, run, exported):
    """(Populations, CellTable, cell types, NodeLayout) of the node populations: one
    population per node population, or, for a circuit neuroloom exported with grouped
    populations (simConfig.sonataPopulations), the populations it was made of."""
    cell_types = list(exported["cell_types"]) if exported else []
    by_label = {t.label: i for i, t in enumerate(cell_types)}
    codes, members, grouping = {}, [], {}
    for pop in node_pops:
        n = len(pop)
        type_codes = np.empty(n, dtype=np.int64)
        fields = [_model_types(pop)] + [pop.get(f) for f in sc.MODEL_FIELDS[1:]]
        own = _node_dynamics(pop)
        keys = [(pop.name, *(values[i] for values in fields), own[i]) for i in range(n)]
        labels = pop.get("neuroloom_cell_type")
        for i, key in enumerate(keys):
            if exported and labels[i] is not None:
                type_codes[i] = by_label[labels[i]]
                continue
            if key not in codes:
                codes[key] = len(cell_types)
                label = _unique_label(f"{pop.name}_{int(pop.type_ids[i])}", cell_types)
                cell_types.append(_cell_type(label, key, pop, config, run))
            type_codes[i] = codes[key]
        mine = _members(pop, exported)
        grouped = [label for label, _ in mine] != [pop.name]
        if grouped:  # in node id order
            grouping[pop.name] = [label for label, _ in mine]
        members += [(label, pop, rows, type_codes[rows], grouped) for label, rows in mine]
    if exported:  # the populations in their original order (gids as they were)
        order = list(exported["pops"])
        members.sort(key=lambda member: order.index(member[0]))
    pops, parts, gid_start = [], [], 0
    for code, (label, pop, rows, type_codes, grouped) in enumerate(members):
        declared = (exported or {}).get("pops", {}).get(label)
        used = sorted(set(type_codes.tolist()))
        cell_model = declared.cell_model if declared else _cell_model(cell_types[used[0]]
                                                                      if used else None)
        cell_type = declared.cell_type if declared else (
            cell_types[used[0]].label if len(used) == 1 else "")
        pops.append(Population(label=label, cell_type=cell_type, cell_model=cell_model,
                               gid_start=gid_start, size=len(type_codes)))
        parts.append(_cell_table(pop, rows, code, type_codes, grouped))
        gid_start += len(type_codes)
    return pops, CellTable.concat(parts), cell_types, NodeLayout(pops, grouping)


def _members(pop, exported) -> list[tuple[str, slice]]:
    """(population label, node rows) of the populations a node population holds: itself,
    or the group neuroloom exported, one after the other as the nodes' pop_name say."""
    labels = (exported or {}).get("node_populations", {}).get(pop.name, [pop.name])
    if labels == [pop.name]:
        return [(pop.name, slice(0, len(pop)))]
    declared = exported["pops"]
    missing = [label for label in labels if label not in declared]
    if missing:
        raise FormatError(f"{pop.file}: population '{pop.name}' groups {missing}, which the "
                          "neuroloom catalogs do not have")
    sizes = [declared[label].size for label in labels]
    expected = np.repeat(np.array(labels, dtype=object), sizes)
    found = pop.get("pop_name")
    if len(found) != len(expected) or not np.array_equal(found, expected):
        raise FormatError(f"{pop.file}: the pop_name of population '{pop.name}' does "
                          f"not list {labels} one after the other with {sizes} nodes")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return [(label, slice(int(a), int(b))) for label, a, b in zip(labels, bounds, bounds[1:])]


def _model_types(pop) -> np.ndarray:
    declared = getattr(pop, "declared", {}).get("type")
    types = pop.get("model_type", declared)
    for value in set(types.tolist()):
        if value is None:
            raise FormatError(f"{pop.file}: population '{pop.name}' has nodes with no "
                              f"model_type (in {pop.types_file} or the circuit config)")
        if value not in sc.MODEL_TYPES:
            raise FormatError(f"{pop.types_file}: population '{pop.name}': unknown model_type "
                              f"{value!r} (supported: {', '.join(sc.MODEL_TYPES)})")
    return types


def _unique_label(label, cell_types) -> str:
    """``label``, or ``label_<k>`` when a cell type has it (nodes of one type with their
    own dynamics_params are cell types of their own)."""
    taken = {t.label for t in cell_types}
    k = 1
    out = label
    while out in taken:
        out, k = f"{label}_{k}", k + 1
    return out


def _node_dynamics(pop) -> list[tuple]:
    """Per node, the (name, value) pairs of its own dynamics_params (the group's
    ``dynamics_params`` subgroup; () for a node whose group has none)."""
    out = [() for _ in range(len(pop))]
    for name in sorted(pop.dynamics):
        values = pop.attributes[name]
        for i, value in enumerate(values.tolist()):
            if value is None or isinstance(value, float) and np.isnan(value):
                continue  # a node of a group without it
            out[i] += ((name, value),)
    return out


def node_rotations(pop, rows) -> dict[str, np.ndarray]:
    """The rotation_angle_[xyz]axis columns (radians) of the node ``rows`` a population
    has any of, 0 where a node has no value (its group lacks the column, or NULL in the
    types CSV): BMTK's default. A value that is not a finite number is an error."""
    out = {}
    for name in sc.ROTATIONS:
        values = pop.attributes.get(name)
        if values is None:
            continue
        values = np.asarray(values, dtype=object)[rows] if values.dtype == object \
            else np.asarray(values)[rows]
        angles = np.zeros(len(values))
        for i, value in enumerate(values.tolist()):
            if value is None or isinstance(value, float) and np.isnan(value):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not np.isfinite(value):
                raise FormatError(f"{pop.file}: population '{pop.name}', node {i}: {name} "
                                  f"{value!r} is not a finite number (radians)")
            angles[i] = value
        out[name] = angles
    return out


def _cell_type(label, key, pop, config, run) -> CellType:
    _, model_type, template, processing, dynamics, morphology, own = key
    where = f"{pop.types_file} (population '{pop.name}', {label})"
    if own and model_type != "point_process":
        raise FormatError(f"{pop.file}: population '{pop.name}' gives {model_type} nodes "
                          f"their own dynamics_params ({', '.join(n for n, _ in own)}); only "
                          "point_process nodes can have them (BMTK 1.2.0 reads none)")
    threshold = float(run.get("spike_threshold", DEFAULT_THRESHOLD))
    if model_type == "virtual":
        return CellType(label=label, sections=(), spike_sec="", spike_loc=0.5,
                        threshold=threshold, artificial=Artificial(mod="VecStim"))
    if model_type == "point_process":
        directive, mod = sc.model_template(template, where)
        if directive == "nest":  # a NEURON counterpart of the NEST model, if given
            make = nest_counterpart(mod, where)
            params = config.dynamics("point_neuron_models_dir", dynamics, where)
            return make(label, {**params, **dict(own)}, threshold, where)
        if directive != "nrn":
            raise FormatError(f"{where}: point_process model_template {template!r} is not "
                              "supported (use nrn:<NEURON artificial cell>)")
        params = config.dynamics("point_neuron_models_dir", dynamics, where)
        params.update(own)  # a node's own values replace its type's (SONATA)
        params = {k: v for k, v in params.items() if isinstance(v, (int, float))}
        if mod in sc.IZHIKEVICH:
            return izhikevich_cell(label, mod, params, threshold, where)
        return CellType(label=label, sections=(), spike_sec="", spike_loc=0.5,
                        threshold=threshold, artificial=Artificial(
                            mod=mod, params=tuple(sc.dynamics_to_neuron(mod, params).items())))
    return _biophysical(label, template, processing, dynamics, morphology, pop, config, run,
                        threshold, where)


def _biophysical(label, template, processing, dynamics, morphology, pop, config, run,
                 threshold, where) -> CellType:
    """A cell type BMTK's procedure makes (sonata/bmtk_cells.py): its inputs checked, its
    sections made by the engine when the model is instantiated."""
    morph_dir, morph_key = _component(pop, config, "morphologies_dir")
    if morphology is None or morph_dir is None:
        raise FormatError(f"{where}: biophysical cells need a morphology and "
                          "components.morphologies_dir")
    morph = Path(morph_dir) / str(morphology)
    if not morph.suffix:
        morph = morph.with_suffix(".swc")
    if not morph.is_file():
        raise FormatError(f"{where}: morphology {str(morphology)!r} is not in {morph_key} "
                          f"({str(morph)!r} does not exist)")
    models_dir, models_key = _component(pop, config, "biophysical_neuron_models_dir")
    directive, name = sc.model_template(template, where)
    if directive == "nml" and not (Path(models_dir or "") / name).is_file():
        raise FormatError(f"{where}: model_template {template!r} is not in {models_key} "
                          f"({str(Path(models_dir or '') / name)!r} does not exist)")
    params = None
    if dynamics is not None:
        params = config.dynamics("biophysical_neuron_models_dir", dynamics, where)
    cell = bmtk_cell(morphology=morph, model_template=template, model_processing=processing,
                     dynamics_params=params,
                     templates_dir=Path(models_dir) if models_dir else None, dL=run.get("dL"),
                     dynamics_params_file=dynamics)
    # BMTK detects spikes on soma[0](0.5) and never moves a morphology's 3D points
    return CellType(label=label, sections=(), spike_sec="soma_0", spike_loc=0.5,
                    threshold=threshold, place_pt3d=False, template=cell.to_template())


def _component(pop, config, name) -> tuple:
    """(the folder, the config key naming it) of a component of a population's nodes: the
    population's own (new-style configs) or the circuit's; (None, key) when neither has
    it. A folder given but missing is an error naming the key and the path."""
    own = pop.declared.get(name)
    if own is None:
        return config.existing_component(name), f"components.{name} of {config.circuit_path}"
    key = f"networks.nodes populations.{pop.name}.{name} of {config.circuit_path}"
    if not Path(own).is_dir():
        raise FormatError(f"{key}: {str(own)!r} does not exist")
    return Path(own), key


def _cell_model(cell_type) -> str:
    if cell_type is None:
        return ""
    return cell_type.artificial.mod if cell_type.is_artificial else "biophysical"


def _cell_table(pop, rows, pop_code, type_codes, grouped) -> CellTable:
    """The cells of the node ``rows`` of a node population (``grouped``: one of the
    populations of a group neuroloom exported)."""
    n = len(type_codes)
    node_ids = pop.attributes.get("node_id")
    index = np.arange(n) if node_ids is None else \
        np.asarray(node_ids, dtype=np.int64)[rows] - rows.start
    xyz = [np.nan_to_num(np.asarray(pop.get(a, 0.0), dtype=float)[rows])
           for a in sc.POSITION]
    norm = [np.asarray(pop.get(a), dtype=object)[rows] for a in sc.NORM_POSITION]
    skip = set(sc.MODEL_FIELDS) | set(sc.POSITION) | set(sc.NORM_POSITION) | set(
        sc.ROTATIONS) | {"node_id", "neuroloom_cell_type", sc.STIM_RULE}
    if grouped:
        skip.add("pop_name")  # how neuroloom marks the populations of a group
    extra = {}
    for name, values in pop.attributes.items():
        if name in skip:
            continue
        values = np.asarray(values)[rows]
        if values.dtype == object:
            numeric = all(isinstance(v, (int, float)) or v is None for v in values)
            extra[name] = (np.array([np.nan if v is None else v for v in values], float)
                           if numeric else np.array(["" if v is None else str(v)
                                                     for v in values]))
        else:
            extra[name] = values
    extra.update(node_rotations(pop, rows))  # BMTK turns the morphology about its soma by them
    return CellTable(pop=np.full(n, pop_code), cell_type=type_codes, index=index,
                     x=xyz[0], y=xyz[1], z=xyz[2],
                     xnorm=_norm(norm[0]), ynorm=_norm(norm[1]), znorm=_norm(norm[2]),
                     extra=extra)


def _norm(values) -> np.ndarray:
    # NaN where the file has none: filled in by _sized once the network's size is known
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def _sized(exported, cells) -> tuple[tuple[float, float, float], CellTable]:
    """(the network's size, the cells with every normalised position): the size as
    exported, else the extent of the positions (100 um along an axis where every cell is
    at 0, NetPyNE's default); normalised positions the file lacks are position / size."""
    if exported:
        return tuple(exported["size"]), cells
    size = []
    for axis in ("x", "y", "z"):
        values = np.abs(getattr(cells, axis))
        size.append(float(values.max()) if len(values) and values.max() > 0 else 100.0)
    norms = {}
    for axis, extent in zip(("x", "y", "z"), size):
        norm = getattr(cells, f"{axis}norm")
        norms[f"{axis}norm"] = np.where(np.isnan(norm), getattr(cells, axis) / extent, norm)
    return tuple(size), replace(cells, **norms)


def _mechanism_folders(config) -> list:
    """The folder of the circuit's .mod files: components.mechanisms_dir itself or its
    modfiles/ (BMTK's layout); a mechanisms_dir that does not exist, or holds no .mod
    files either way, is an error naming the key and the path."""
    folder = config.existing_component("mechanisms_dir")
    if folder is None:
        return []
    mods = sc.mod_folder(folder)
    if not any(mods.glob("*.mod")):
        raise FormatError(f"{config.circuit_path}: components.mechanisms_dir {str(folder)!r} "
                          f"has no .mod files (nor has {str(folder / sc.MOD_SUBFOLDER)!r})")
    return [mods]
