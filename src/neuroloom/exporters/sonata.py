"""The canonical Network -> a SONATA circuit and simulation config (no NEURON needed).

    folder/circuit_config.json, simulation_config.json, node_sets.json
    folder/network/<pop>_nodes.h5 + <pop>_node_types.csv       one per node population
    folder/network/<edges>_edges.h5 + <edges>_edge_types.csv   one per (source, target) pair
    folder/components/...   hoc templates, point-neuron and synapse dynamics (BMTK's dialect)
    folder/inputs/...       spike trains of VecStim populations and stimuli
    folder/neuroloom_catalogs.json, neuroloom_stimuli.h5   (see sonata/extension.py)

Node populations are the neuroloom populations, or the groups of them the user picks
(``populations`` / simConfig.sonataPopulations, see sonata/layout.py): a group's nodes
file names each node's population in a pop_name attribute. Izhikevich cells in the form
of NetPyNE's tutorials are point_process nodes (``nrn:Izhi2007b``, see
validate/izhikevich.py). Written in the dialect BMTK runs and libsonata/bluepysnap read:
populations (with their type) in the circuit config, edge indices under both names
(libsonata reads node_id_to_ranges, BMTK node_id_to_range), section ids that index each
cell's `all` list. Stimuli that are spike trains become virtual populations with edges
and spike inputs (NetStims: the trains they fire in the run), with neuroloom's own VecStim
in the mechanisms_dir for the simulator to replay them; a current clamp on the soma's
middle segment becomes current_clamp inputs, one per group of targets with equal values;
the rest are neuroloom inputs other simulators refuse (with a warning). The run is
written twice: simulation_config.json in BMTK 1.2.0's form and simulation_config.sonata.json
in the specification's (see SIMULATION); run.dL keeps the templates' nseg in BMTK
(exporters/segmentation.py). The whole folder is written next to its destination and
renamed into place.
"""
from __future__ import annotations

import csv
import io
import json
import re
import warnings
from pathlib import Path

import h5py
import numpy as np

from ..atomic import atomic_dir
from ..errors import FormatError
from ..model.catalog import Population
from ..model.stim_types import SONATA_OWN_INPUT, stim_type_of
from ..naming import unique
from ..sonata import conventions as sc
from ..sonata import extension
from ..sonata.index import edge_index
from ..sonata.layout import NodeLayout, NodePopulation
from ..results.sonata_spikes import write_spikes
from ..specs import SimConfig
from .sonata_configs import simulation_config, spec_form
from .sonata_cells import COMPONENT_KEYS, CellModels, file_stem as _file_stem
from .sonata_inputs import netstim_input_trains

TYPE_ID_BASE = 100
#: the simulation config in the form BMTK 1.2.0 runs (spike inputs: module 'h5' with
#: 'input_file'), and its twin in the SONATA specification's form, which libsonata's
#: SimulationConfig and bluepysnap's Simulation open (module 'synapse_replay' with
#: 'spike_file'); the two differ only there
SIMULATION = "simulation_config.json"
SPEC_SIMULATION = "simulation_config.sonata.json"


def export(network, folder, sim_config=None, populations=None, progress=None) -> list[Path]:
    """Write a network, and how it is run, as a SONATA circuit (no NEURON needed).

    Parameters
    ----------
    network : model.Network
        The network; template cell types must have their sections (SONATA biophysical
        cells are written as hoc templates: see Session.network_with_sections).
    folder : str or pathlib.Path
        The circuit's folder; an existing one is replaced only if it is empty or an
        earlier export (the folder is written beside it and renamed into place).
    sim_config : specs.SimConfig, optional
        The run to write into simulation_config.json.
    populations : dict, optional
        Node populations as {name: [population labels]}; default the simConfig's
        sonataPopulations, else one per population.
    progress : callable, optional
        ``progress(fraction)`` after each edge population.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    FormatError
        What SONATA cannot hold (gap junctions, graded synapses), or a bad grouping.
    """
    where = "populations"
    if populations is None:
        populations = dict(getattr(sim_config, "sonataPopulations", None) or {})
        where = "simConfig.sonataPopulations"
    _check(network, populations)
    layout = NodeLayout(network.pops, populations, where)
    folder = Path(folder)
    sim_config = sim_config if sim_config is not None else SimConfig()
    with atomic_dir(folder, _earlier_export) as tmp:
        writer = _Writer(tmp, network, layout, sim_config, progress)
        writer.write()
    return sorted(folder / p.relative_to(tmp) for p in writer.files)


def _earlier_export(folder: Path) -> bool:
    try:
        return "neuroloom" in json.loads((folder / "circuit_config.json").read_text())
    except (OSError, ValueError):
        return False


def _check(network, grouping) -> None:
    if grouping and "pop_name" in network.cells.extra:
        raise FormatError("grouped SONATA populations name each node's population in a "
                          "pop_name column, which the cells' own 'pop_name' tag would hide")
    pointers = [m.label for m in network.syn_mechs if m.pointer is not None]
    if pointers:
        raise FormatError(f"gap junctions and graded synapses (synMechs {pointers}) cannot "
                          "be written as SONATA yet")
    if network.conns.extra:
        raise FormatError(f"connection attributes {sorted(network.conns.extra)} cannot be "
                          "written as SONATA")
    for pop in network.pops:
        if not pop.label or "/" in pop.label:
            raise FormatError(f"population '{pop.label}': SONATA population names cannot be "
                              "empty or contain '/'")


class _Writer:
    def __init__(self, root: Path, network, layout: NodeLayout, sim_config, progress=None):
        self.root, self.net, self.layout, self.progress = root, network, layout, progress
        self.cfg = sim_config
        self.files: list[Path] = []
        self.nodes, self.edges, self.inputs, self.node_sets = [], [], {}, {}
        for name in ("network", "inputs", "components/synaptic_models"):
            (root / name).mkdir(parents=True, exist_ok=True)
        self.cells: CellModels | None = None

    def write(self) -> None:
        self.cells = CellModels(self.root, self.net, self._json, self._text)
        folders = [*self.net.mod_folders, *(getattr(self.cfg, "modFolders", None) or [])]
        self.cells.mechanisms(dict.fromkeys(str(f) for f in folders), self._has_virtual())
        for node_pop in self.layout:
            self._population(node_pop)
        self._connections()
        self._stimuli()
        self.files += [self.root / extension.CATALOGS, self.root / extension.STIMULI]
        block = extension.write(self.root, self.net)
        block["node_populations"] = {p.name: [m.label for m in p.members]
                                     for p in self.layout}
        block["simulation_configs"] = {
            SIMULATION: "BMTK 1.2.0's form: spike inputs as module 'h5' with 'input_file'",
            SPEC_SIMULATION: "the SONATA specification's form (libsonata, bluepysnap): "
                             "spike inputs as module 'synapse_replay' with 'spike_file'"}
        simulation = simulation_config(self.net, self.cfg, self.inputs, self.cells.run,
                                       self._report_node_set)
        self._json("circuit_config.json", self._circuit(block))
        self._json("node_sets.json", self.node_sets)
        self._json(SIMULATION, simulation)
        self._json(SPEC_SIMULATION, spec_form(simulation))
        self.files += self.cells.copied

    def _has_virtual(self) -> bool:
        """Whether the circuit has virtual nodes (VecStim cells, spike-train stimuli),
        which SONATA simulators make as VecStims."""
        used = set(self.net.cells.cell_type.tolist())
        cells = any(self.cells.row(code)["model_type"] == "virtual" for code in used)
        sources = {int(code) for code in np.unique(self.net.stims.source)}
        return cells or any(stim_type_of(self.net.stim_sources[code].type).spike_source
                            for code in sources)

    # -- catalogs ---------------------------------------------------------------------
    def _node_type(self, type_id: int, code: int) -> dict:
        return {"node_type_id": type_id,
                "neuroloom_cell_type": self.net.cell_types[code].label,
                **self.cells.row(code)}

    # -- nodes ------------------------------------------------------------------------
    def _population(self, node_pop: NodePopulation) -> None:
        """A node population; a node type per (population, cell type), numbered
        TYPE_ID_BASE + the cell type's code when the node population is one population."""
        cells, gids, name = self.net.cells, node_pop.gids, node_pop.name
        grouped = [m.label for m in node_pop.members] != [name]
        member = cells.pop[gids]
        keys = list(zip(member.tolist(), cells.cell_type[gids].tolist()))
        distinct = sorted(set(keys))
        type_of = {key: TYPE_ID_BASE + (i if grouped else key[1])
                   for i, key in enumerate(distinct)}
        attributes = {a: getattr(cells, a)[gids] for a in sc.POSITION + sc.NORM_POSITION}
        attributes.update({key: values[gids] for key, values in cells.extra.items()})
        if grouped:  # in the nodes file, where every SONATA reader looks
            attributes["pop_name"] = np.array([self.net.pops[p].label for p in member])
        nodes_file = f"network/{name}_nodes.h5"
        self._nodes_h5(nodes_file, name, [type_of[k] for k in keys], attributes)
        rows = [self._node_type(type_of[key], key[1]) for key in distinct]
        types_file = f"network/{name}_node_types.csv"
        self._csv(types_file, rows)
        model_types = {r["model_type"] for r in rows}
        self.nodes.append({"nodes_file": f"$NETWORK_DIR/{Path(nodes_file).name}",
                           "node_types_file": f"$NETWORK_DIR/{Path(types_file).name}",
                           "populations": {name: {"type": _pop_type(model_types)}}})
        if "virtual" in model_types and model_types != {"virtual"}:
            raise FormatError(f"node population '{name}' mixes VecStim cells with other "
                              "cells; SONATA replays spikes only into virtual populations "
                              "(group them apart in sonataPopulations)")
        self.node_sets[name] = {"population": name}
        for pop in node_pop.members if grouped else ():
            self.node_sets.setdefault(pop.label, {"population": name, "pop_name": pop.label})
        if model_types == {"virtual"}:
            self._cell_trains(node_pop)

    def _cell_trains(self, node_pop: NodePopulation) -> None:
        """A population of VecStim cells: their trains as a spike input of its nodes."""
        trains = self.net.spike_trains
        mine = np.isin(trains.gids, node_pop.gids)
        counts = np.diff(trains.bounds)
        gids = np.repeat(trains.gids, counts)
        keep = np.repeat(mine, counts)
        path = self.root / "inputs" / f"{node_pop.name}_spikes.h5"
        write_spikes(path, trains.times[keep], gids[keep],
                     NodeLayout(node_pop.members, {node_pop.name: [
                         m.label for m in node_pop.members]}), self.net.provenance)
        self.files.append(path)
        self.inputs[f"{node_pop.name}_spikes"] = {
            "input_type": "spikes", "module": "h5", "node_set": node_pop.name,
            "input_file": f"$INPUT_DIR/{path.name}"}

    def _nodes_h5(self, name, population, type_ids, attributes) -> None:
        path = self.root / name
        with h5py.File(path, "w") as f:
            _sonata_root(f)
            group = f.create_group(f"nodes/{population}")
            n = len(type_ids)
            group.create_dataset("node_id", data=np.arange(n, dtype=np.uint64))
            group.create_dataset("node_type_id", data=np.asarray(type_ids, dtype=np.uint64))
            group.create_dataset("node_group_id", data=np.zeros(n, dtype=np.uint32))
            group.create_dataset("node_group_index", data=np.arange(n, dtype=np.uint64))
            attrs = group.create_group("0")
            for key, values in attributes.items():
                values = np.asarray(values)
                attrs.create_dataset(key, data=values.astype(h5py.string_dtype())
                                     if values.dtype.kind == "U" else values)
        self.files.append(path)

    # -- connections ------------------------------------------------------------------
    def _connections(self) -> None:
        c = self.net.conns
        pre_pop, pre_node = self.layout.locate(c.pre_gid)
        post_pop, post_node = self.layout.locate(c.post_gid)
        written = 0
        for src, tgt in sorted(set(zip(pre_pop.tolist(), post_pop.tolist()))):
            rows = np.flatnonzero((pre_pop == src) & (post_pop == tgt))
            source, target = self.layout.populations[src], self.layout.populations[tgt]
            type_of = {key: TYPE_ID_BASE + i for i, key in enumerate(sorted(set(zip(
                c.rule[rows].tolist(), c.syn_mech[rows].tolist()))))}
            types = [self._edge_type(t, rule, mech) for (rule, mech), t in type_of.items()]
            type_ids = np.array([type_of[k] for k in zip(c.rule[rows].tolist(),
                                                         c.syn_mech[rows].tolist())])
            self._edge_population(f"{source.name}_to_{target.name}", source, target,
                                  pre_node[rows], post_node[rows], type_ids, types,
                                  self._edge_attributes(rows, c, c.post_gid, rows))
            written += len(rows)
            if self.progress is not None:
                self.progress(written / len(c))

    def _edge_attributes(self, rows, table, post_gid, order) -> dict:
        attributes = {"syn_weight": table.weight[rows],
                      sc.ROW: np.asarray(order, dtype=np.uint64)}
        for name, (column, _) in sc.EDGE_COLUMNS.items():
            values = getattr(table, column) if column in table.COLUMNS \
                else table.extra.get(column)
            if values is not None:
                attributes[name] = values[rows]
        section_ids = self._section_ids(table.sec[rows], post_gid[rows])
        if (section_ids >= 0).any():
            attributes["afferent_section_id"] = section_ids.astype(np.int32)
        return attributes

    def _section_ids(self, sec_codes, post_gids) -> np.ndarray:
        """Index of each contact's section in its cell's section list (-1: none)."""
        types = self.net.cells.cell_type[post_gids]
        out = np.full(len(sec_codes), -1, dtype=np.int64)
        for code in np.unique(types).tolist():
            names = self.net.cell_types[code].section_names
            lookup = np.array([names.index(n) if n in names else -1
                               for n in self.net.section_names] + [-1])
            mine = types == code
            out[mine] = lookup[sec_codes[mine]]
        return out

    def _edge_type(self, type_id, rule, mech) -> dict:
        row = {"edge_type_id": type_id, "neuroloom_rule": self.net.conn_rules[rule]
               if rule >= 0 else None}
        return {**row, **self._synapse(mech)}

    def _synapse(self, mech) -> dict:
        if mech < 0:  # events go to the (point) cell itself
            self._json("components/synaptic_models/instantaneous.json",
                       {"level_of_detail": "instantaneous", "sign": 1})
            return {"dynamics_params": "instantaneous.json", "neuroloom_syn_mech": None}
        syn = self.net.syn_mechs[mech]
        params = dict(syn.params)
        model = next((k for k, (mod, _) in sc.SYNAPSE_MODELS.items() if mod == syn.mod), None)
        if model is not None:  # BMTK's names for its own synapse models
            names = sc.SYNAPSE_MODELS[model][1]
            dynamics = {"level_of_detail": model, **{theirs: params[ours] for theirs, ours in
                                                     names.items() if ours in params}}
        else:
            dynamics = {"level_of_detail": syn.mod, **params}
        stem = _file_stem(syn.label)
        self._json(f"components/synaptic_models/{stem}.json", dynamics)
        return {"model_template": syn.mod, "dynamics_params": f"{stem}.json",
                "neuroloom_syn_mech": syn.label}

    def _edge_population(self, name, source, target, source_ids, target_ids, type_ids,
                         types, attributes) -> None:
        path = self.root / "network" / f"{name}_edges.h5"
        with h5py.File(path, "w") as f:
            _sonata_root(f)
            group = f.create_group(f"edges/{name}")
            n = len(type_ids)
            for end, ids, pop in (("source", source_ids, source), ("target", target_ids,
                                                                   target)):
                ds = group.create_dataset(f"{end}_node_id", data=np.asarray(ids, np.uint64))
                ds.attrs["node_population"] = pop.name
            group.create_dataset("edge_type_id", data=np.asarray(type_ids, np.uint32))
            group.create_dataset("edge_group_id", data=np.zeros(n, np.uint16))
            group.create_dataset("edge_group_index", data=np.arange(n, dtype=np.uint32))
            attrs = group.create_group("0")
            for key, values in attributes.items():
                attrs.create_dataset(key, data=values)
            for direction, ids, pop in (("source_to_target", source_ids, source),
                                        ("target_to_source", target_ids, target)):
                node_ranges, ranges = edge_index(ids, len(pop))
                index = group.create_group(f"indices/{direction}")
                index.create_dataset(sc.INDEX_RANGES[0], data=node_ranges)
                index[sc.INDEX_RANGES[1]] = index[sc.INDEX_RANGES[0]]  # hard link
                index.create_dataset("range_to_edge_id", data=ranges)
        self.files.append(path)
        types_file = f"network/{name}_edge_types.csv"
        self._csv(types_file, types)
        self.edges.append({"edges_file": f"$NETWORK_DIR/{path.name}",
                           "edge_types_file": f"$NETWORK_DIR/{Path(types_file).name}",
                           "populations": {name: {"type": "chemical"}}})

    # -- stimuli ----------------------------------------------------------------------
    def _stimuli(self) -> None:
        s = self.net.stims
        taken = {p.label for p in self.net.pops} | {p.name for p in self.layout}
        for rule, label in enumerate(self.net.stim_rules):
            rows = np.flatnonzero(s.rule == rule)
            if not len(rows):
                continue
            source = self.net.stim_sources[s.source[rows[0]]]
            if stim_type_of(source.type).spike_source:
                self._spike_stimulus(label, source, rows, taken)
            else:
                self._point_stimulus(label, source, rows)

    def _spike_stimulus(self, label, source, rows, taken) -> None:
        """A virtual population (a node per source) with edges onto the targets, and the
        input of its spikes: a spike file of its replayed trains (VecStim) or of the trains
        its NetStims fire in the run (see sonata_inputs.py); else (an NSLOC) neuroloom's own
        module, with a warning."""
        s, kind = self.net.stims, stim_type_of(source.type)
        form = kind.sonata
        name = unique(f"stim_{_identifier(label)}", taken)
        key = s.extra["train"][rows] if kind.replayed else s.gid[rows]
        nodes, node_of_row = np.unique(key, return_inverse=True)
        stim_pop = Population(label=name, cell_type="", cell_model=source.type, gid_start=0,
                              size=len(nodes))
        stim_nodes = NodePopulation(name, (stim_pop,), np.arange(len(nodes)))
        self._nodes_h5(f"network/{name}_nodes.h5", name, np.full(len(nodes), TYPE_ID_BASE),
                       {})
        self._csv(f"network/{name}_node_types.csv", [
            {"node_type_id": TYPE_ID_BASE, "model_type": "virtual", sc.STIM_RULE: label}])
        self.nodes.append({"nodes_file": f"$NETWORK_DIR/{name}_nodes.h5",
                           "node_types_file": f"$NETWORK_DIR/{name}_node_types.csv",
                           "populations": {name: {"type": "virtual"}}})
        self.node_sets[name] = {"population": name}
        target_pops, target_nodes = self.layout.locate(s.gid[rows])
        for tgt in sorted(set(target_pops.tolist())):
            mine = rows[target_pops == tgt]
            target = self.layout.populations[tgt]
            mechs = sorted(set(s.syn_mech[mine].tolist()))
            type_of = {m: TYPE_ID_BASE + i for i, m in enumerate(mechs)}
            types = [{"edge_type_id": t, **self._synapse(m)} for m, t in type_of.items()]
            self._edge_population(f"{name}_to_{target.name}", stim_nodes, target,
                                  node_of_row[target_pops == tgt],
                                  target_nodes[target_pops == tgt],
                                  np.array([type_of[m] for m in s.syn_mech[mine].tolist()]),
                                  types, self._edge_attributes(mine, s, s.gid, mine))
        spec = {"input_type": form.input_type, "node_set": name, sc.STIM_RULE: label}
        if kind.replayed:
            trains = self.net.stim_trains
            index, times = trains.spikes(nodes.astype(np.int64))
            node_ids = np.searchsorted(nodes, index)
        else:
            made = netstim_input_trains(self.net, label, rows, node_of_row,
                                        dict(self.cfg.seeds)["stim"], self.cfg.duration)
            if made is None:  # no SONATA simulator makes an NSLOC: neuroloom's own input
                module = source.neuron_class or source.type
                warnings.warn(f"stimulus '{label}' ({source.type} made as "
                              f"{source.neuron_class}) is written as neuroloom's own input "
                              f"(input_type {SONATA_OWN_INPUT!r}, module {module!r}), which "
                              "other simulators refuse", UserWarning, stacklevel=5)
                spec.update(input_type=SONATA_OWN_INPUT, module=module,
                            **(_uniform(source, s, rows) or {}))
                self.inputs[label] = spec
                return
            times, node_ids = made
            spec.update(neuroloom_stim_type=source.type)
        path = self.root / "inputs" / f"{name}_spikes.h5"
        write_spikes(path, times, node_ids, [stim_pop], self.net.provenance)
        self.files.append(path)
        spec.update(module=form.module, input_file=f"$INPUT_DIR/{path.name}")
        self.inputs[label] = spec

    def _point_stimulus(self, label, source, rows) -> None:
        """A stimulus with a SONATA form (a current clamp) at the soma middle of its
        targets is that SONATA input: one, or, when the values differ between targets, one
        per group of targets with equal values (``<label>[i]``, node set
        ``stim_<label>_<i>``); anything else is neuroloom's own input, with a warning."""
        s = self.net.stims
        name = f"stim_{_identifier(label)}"
        at_soma = all(self._at_soma_middle(r) for r in rows.tolist())
        form = stim_type_of(source.type).sonata
        if form is None or not at_soma:
            self.node_sets[name] = self._node_set_of(s.gid[rows])
            where = "has no SONATA form" if form is None else "is not at the soma middle"
            warnings.warn(f"stimulus '{label}' ({source.type}) {where}: written as "
                          f"neuroloom's own input (input_type {SONATA_OWN_INPUT!r}), which "
                          "other simulators refuse", UserWarning, stacklevel=5)
            self.inputs[label] = {"node_set": name, sc.STIM_RULE: label,
                                  "input_type": SONATA_OWN_INPUT, "module": source.type}
            return
        groups: dict[tuple, list[int]] = {}
        for row in rows.tolist():
            values = _uniform(source, s, np.array([row]))
            groups.setdefault(tuple(values.get(ours) for ours, _ in form.params),
                              []).append(row)
        for i, (values, members) in enumerate(groups.items()):
            key, node_set = (label, name) if len(groups) == 1 else \
                (f"{label}[{i}]", f"{name}_{i}")
            self.node_sets[node_set] = self._node_set_of(s.gid[members])
            self.inputs[key] = {"node_set": node_set, sc.STIM_RULE: label,
                                "input_type": form.input_type, "module": form.module,
                                **{theirs: value for (_, theirs), value in
                                   zip(form.params, values)}}

    def _at_soma_middle(self, row) -> bool:
        """Whether stimulus row ``row`` acts where BMTK puts a current clamp, soma(0.5):
        on the segment of it (a point process acts on its segment's node, wherever in
        the segment it sits)."""
        s = self.net.stims
        cell_type = self.net.cell_type_of(s.gid[row])
        if self.net.section_names[s.sec[row]] != cell_type.spike_sec:
            return False
        loc = float(s.loc[row])
        nseg = next((sec.nseg for sec in cell_type.sections
                     if sec.name == cell_type.spike_sec), None)
        if loc == 0.5 or nseg is None:
            return loc == 0.5
        return 0.0 < loc < 1.0 and min(int(loc * nseg), nseg - 1) == min(int(0.5 * nseg),
                                                                          nseg - 1)

    def _report_node_set(self, name, gids) -> str:
        """The node set of report ``name``'s cells, added to node_sets.json; its name."""
        self.node_sets[f"report_{name}"] = self._node_set_of(gids)
        return f"report_{name}"

    def _node_set_of(self, gids) -> list | dict:
        """A node set of these gids: per node population, their node ids."""
        pop_of, node_of = self.layout.locate(gids)
        parts = []
        for code in sorted(set(pop_of.tolist())):
            parts.append({"population": self.layout.populations[code].name,
                          "node_id": sorted(set(node_of[pop_of == code].tolist()))})
        return parts[0] if len(parts) == 1 else parts

    # -- configs ----------------------------------------------------------------------
    def _circuit(self, block) -> dict:
        return {
            "manifest": {"$BASE_DIR": ".", "$NETWORK_DIR": "$BASE_DIR/network",
                         "$COMPONENTS_DIR": "$BASE_DIR/components"},
            "components": {  # the cells' folders that have files
                **{COMPONENT_KEYS[folder]: folder.replace("components", "$COMPONENTS_DIR", 1)
                   for folder in sorted(self.cells.used)},
                "synaptic_models_dir": "$COMPONENTS_DIR/synaptic_models"},
            "networks": {"nodes": self.nodes, "edges": self.edges},
            "neuroloom": block,
        }

    # -- files ------------------------------------------------------------------------
    def _json(self, name: str, data) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2))
        if path not in self.files:
            self.files.append(path)

    def _text(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.files.append(path)

    def _csv(self, name: str, rows: list[dict]) -> None:
        columns = list(dict.fromkeys(k for row in rows for k in row))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=" ", quotechar='"', lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([sc.NONE if row.get(c) is None else row[c] for c in columns])
        self._text(name, out.getvalue())


def _sonata_root(f) -> None:
    f.attrs["magic"] = np.uint32(0x0A7A)
    f.attrs["version"] = np.array([0, 1], dtype=np.uint32)


def _pop_type(model_types: set) -> str:
    return next(iter(model_types)) if len(model_types) == 1 else "biophysical"


def _identifier(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", label)


def _uniform(source, stims, rows) -> dict | None:
    """The source's parameters if every target gets the same values, else None."""
    values = {k: v for k, v in source.params if isinstance(v, (int, float))}
    for name, column in stims.extra.items():
        if name == "train" or np.all(np.isnan(column[rows])):
            continue
        if len(np.unique(column[rows])) != 1:
            return None
        values[name] = float(column[rows][0])
    return values
