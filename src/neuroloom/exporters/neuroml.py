"""The canonical Network -> a NeuroML2 document (XML or HDF5) and a LEMS simulation file
(no NEURON needed).

    <reference>.net.nml (or .net.h5)     cells, channels, synapses, inputs and the network
    LEMS_<reference>.xml                 runs it: `pynml LEMS_<reference>.xml -neuron -run`
    <reference>.lems_only.xml            only for components NeuroML's schema cannot hold: they
                                         and the network (exporters/neuroml_lems_only.py)

What is written (libNeuroML objects for the components; neuroml/elements.py writes cells
and synapses):
- populations with an instance and location per cell (um, as the float's repr);
- a projection per (connectivity rule, pre population, post population, synapse), with a
  connectionWD per connection: id = the connection's row in neuroloom's table, pre/post cell,
  post segment and fraction along it (from the section and location), weight (NEURON's
  NetCon weight: synapses have gbase 1 uS) and delay;
- synapses: ExpSyn -> expOneSynapse, Exp2Syn -> expTwoSynapse;
- channels and synapses read from NeuroML (mechanisms jNeuroML generated) as the file
  defined them, from the definition kept beside each mechanism (neuroml/channels.py);
- stimuli as inputLists, in the form model/stim_types.py gives each type (a writer per
  element below): IClamp -> pulseGenerator, spike trains (VecStim) ->
  timedSynapticInput (each spike at its time plus the stimulus delay), AlphaSynapse ->
  alphaSynapse driven by one spike at its onset, NetStim with noise 1 -> Poisson firing
  synapses; artificial cells: VecStim -> spikeArray (a population per cell, as each cell has
  its own train), NetStim -> spikeGeneratorPoisson.
NeuroML has no exact form for a NetStim with 0 < noise < 1 (written as Poisson firing at
its mean rate), NEURON's VClamp/SEClamp (written as voltageClampTriple), connectivity
rule labels, normalised positions and cell tags. All of neuroloom's network is carried
exactly in an annotation of the `<network>` (see neuroml/annotation.py), which neuroloom's
importer reads back, so import(export(net)) == net. Other tools ignore it. Once the file is
written it is read back and the digest of what it says goes into the annotation
(exporters/neuroml_digest.py), so that the importer can tell an edited file.

XML is written in one pass, connection by connection, without an object per connection;
HDF5 follows libNeuroML's layout (`/neuroml/network/population_<id>`, `projection_<id>`,
`inputList_<id>`) with float64 columns, and the components as XML in the root's
`neuroml_top_level` attribute.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import neuroml
import numpy as np
from neuroml.writers import NeuroMLWriter

from ..atomic import atomic_path
from ..errors import FormatError
from ..model.stim_types import stim_type_of
from ..neuroml import annotation
from ..neuroml import conventions as nc
from ..neuroml.channels import BUILTIN_MECHANISMS, kept_component_types
from ..neuroml.composite import kept_parts
from ..neuroml.elements import export_cell, synapse_component
from .neuroml_component_types import component_types_xml
from .neuroml_continuous import (
    check_one_use,
    continuous_projection_xml,
    is_continuous,
    pair_rows,
)
from .neuroml_digest import fill_digest
from .neuroml_electrical import check_pointers, electrical_projection_xml, is_electrical
from .neuroml_hdf5 import write_hdf5
from .neuroml_inputs import netstim_rate, stim_attributes, stim_values, voltage_clamp
from .neuroml_kept_forms import checked_definitions
from .neuroml_lems import lems_text
from .neuroml_lems_only import (
    LEMS_ONLY_SUFFIX,
    LemsOnly,
    LemsOnlyFile,
    lems_only_definitions,
    move_network,
)
from .neuroml_network_xml import (
    input_list_xml,
    population_xml,
    projection_xml,
)
from .neuroml_sources import exact_source

FORMATS = ("xml", "hdf5")


def export(network, reference: str, folder=".", sim_config=None, format: str = "xml",
           connections: bool = True, stimulations: bool = True, progress=None) -> list[Path]:
    """Write a network as NeuroML2 and a LEMS file that runs it (no NEURON needed).

    Parameters
    ----------
    network : model.Network
        The network; template cell types must have their sections
        (Session.network_with_sections).
    reference : str
        Names the files: ``<reference>.net.nml`` (``.net.h5``) and ``LEMS_<reference>.xml``.
    folder : str or pathlib.Path, default '.'
        Where they go (made if missing).
    sim_config : specs.SimConfig, optional
        The run the LEMS file describes.
    format : {'xml', 'hdf5'}
        The network file's format.
    connections, stimulations : bool, default True
        Write the projections, the inputs.
    progress : callable, optional
        ``progress(fraction)`` after each projection.

    Returns
    -------
    list of pathlib.Path
        The network file and the LEMS file (and the LEMS-only file, when there is one).

    Raises
    ------
    FormatError
        A cell type, synapse or stimulus with no NeuroML2 form, naming it; a network with
        no populations (NeuroML's schema has no empty network).
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
    if not network.pops:  # the schema wants a population in every <network>
        raise FormatError(f"{reference}: the network has no populations, and a NeuroML "
                          "<network> must have at least one (NeuroML's schema)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    run = _Run.of(sim_config)
    doc_id = nc.nml_id(reference, set(), "network")
    plan = _Plan(network, run, connections, stimulations, progress=progress)
    if format == "hdf5" and plan.lems_file:
        raise FormatError(f"{', '.join(plan.lems_file.why)}: no NeuroML document holds them "
                          "and the network using them (a LEMS file does): export as XML")
    if format == "hdf5" and plan.kept:
        raise FormatError(f"{', '.join(sorted(c.id for c in plan.kept.values()))}: channels "
                          "or synapses read from NeuroML run as mechanisms jNeuroML generates, "
                          "and jNeuroML does not read NeuroML HDF5: export as XML")
    suffix = ".net.nml" if format == "xml" else ".net.h5"
    path = folder / f"{reference}{suffix}"
    with atomic_path(path, suffix=suffix) as tmp:
        if format == "xml":
            _write_xml(tmp, doc_id, plan)
        else:
            write_hdf5(tmp, doc_id, plan, _components_xml(plan, doc_id), _ids(plan))
        if plan.lems_file:  # the network goes to a LEMS file (exporters/neuroml_lems_only.py)
            move_network(tmp, folder / f"{reference}{LEMS_ONLY_SUFFIX}", plan.lems_file)
        else:
            fill_digest(tmp, format)
    lems = folder / f"LEMS_{reference}.xml"
    with atomic_path(lems, suffix=".xml") as tmp:
        Path(tmp).write_text(lems_text(plan, path.name, run))
    if plan.lems_file:
        return [path, lems, folder / f"{reference}{LEMS_ONLY_SUFFIX}"]
    return [path, lems]


@dataclass
class _Run:
    duration: float = 1000.0
    dt: float = 0.025
    celsius: float = 6.3
    v_init: float = -65.0
    seeds: dict = field(default_factory=dict)  # NetStim noise streams depend on them

    @classmethod
    def of(cls, cfg) -> "_Run":
        if cfg is None:
            return cls()
        hparams = {"celsius": 6.3, "v_init": -65.0, **dict(getattr(cfg, "hParams", {}))}
        seeds = {k: int(v) for k, v in dict(getattr(cfg, "seeds", {}) or {}).items()}
        return cls(float(cfg.duration), float(cfg.dt), float(hparams["celsius"]),
                   float(hparams["v_init"]), seeds)


# -- what goes where -------------------------------------------------------------------------
@dataclass
class _Projection:
    id: str
    pre: str
    post: str
    synapse: str
    rows: np.ndarray
    continuous: bool = False  # rows in pairs (exporters/neuroml_continuous.py)


@dataclass
class _InputList:
    id: str
    population: str
    component: str
    rows: np.ndarray  # StimTable rows
    weights: bool = False


@dataclass
class _Plan:
    """Ids and components of everything the document holds."""

    net: object
    run: _Run
    connections: bool = True
    stimulations: bool = True
    doc: neuroml.NeuroMLDocument = None
    pop_ids: list = field(default_factory=list)  # per neuroloom population: NeuroML ids
    components: list = field(default_factory=list)  # per neuroloom population
    cells: dict = field(default_factory=dict)  # cell type code -> ExportedCell
    synapses: dict = field(default_factory=dict)  # syn mech code -> id
    projections: list = field(default_factory=list)
    inputs: list = field(default_factory=list)
    input_components: dict = field(default_factory=dict)  # parameters -> component id
    notes: list = field(default_factory=list)
    progress: object = None  # called with the fraction of connections written
    written: int = 0

    def wrote(self, projection) -> None:
        self.written += len(projection.rows)
        if self.progress is not None:
            self.progress(self.written / max(1, len(self.net.conns)))

    def __post_init__(self):
        self.doc = neuroml.NeuroMLDocument(id="components")
        self.taken: set = set()
        # cells, channels and synapses read from NeuroML that no NeuroML document holds:
        # written with the network to a LEMS file (exporters/neuroml_lems_only.py)
        self.lems_only = lems_only_definitions(self.net.mod_folders, {
            mech for t in self.net.cell_types for sec in t.sections for mech, _ in sec.mechs
            if mech not in BUILTIN_MECHANISMS} | {
            p.mod for t in self.net.cell_types for sec in t.sections for p in sec.pointps} | {
            m.mod for m in self.net.syn_mechs})
        self.lems_file = LemsOnlyFile()
        self.taken.update(c.id for c in self.lems_only.values())
        # channels and synapses read from NeuroML: their definitions, kept beside the
        # mechanisms jNeuroML generated for them (in the schema's form, checked whole)
        self.kept = checked_definitions(self.net.mod_folders, ({
            mech for t in self.net.cell_types for sec in t.sections for mech, _ in sec.mechs
            if mech not in BUILTIN_MECHANISMS} | {m.mod for m in self.net.syn_mechs} | {
            p.mod for t in self.net.cell_types for sec in t.sections for p in sec.pointps} | {
            source.type for source in self.net.stim_sources}) - set(self.lems_only))
        self.taken.update(c.id for c in self.kept.values())
        # the parts of composite synapses (doubleSynapse) as the file defined them: their
        # ids are theirs, a synapse in neuroloom's form takes another (neuroml/composite.py)
        self.parts = {mech: kept_parts(self.net.mod_folders, mech, c)
                      for mech, c in self.kept.items()}
        self.taken.update(part.id for parts in self.parts.values() for part in parts)
        self.added_kept: set = set()  # ids of the file's components written
        # the file's own LEMS ComponentTypes they use (a gate's rate...): written last,
        # where NeuroML's schema has them
        self.component_types = kept_component_types(self.net.mod_folders, self.kept)
        check_pointers(self.net, self.kept)
        self._cells()
        if self.connections:
            self._projections()
        if self.stimulations:
            self._inputs()

    def add(self, component) -> None:
        self.doc.add(component, validate=False)

    # populations and cells
    def _cells(self) -> None:
        net, channels = self.net, {}
        for code, pop in enumerate(net.pops):
            types = np.unique(net.cells.cell_type[pop.gid_start:pop.gid_start + pop.size])
            if len(types) > 1:
                raise FormatError(f"population '{pop.label}' has cells of several types "
                                  f"({[net.cell_types[t].label for t in types]}); a NeuroML "
                                  "population has one component")
            cell_type = net.cell_types[int(types[0])] if len(types) else None
            if cell_type is not None and cell_type.is_artificial:
                ids, comps = self._artificial(pop, cell_type)
            else:
                comp = self._cell(int(types[0]), channels) if cell_type else "none"
                ids, comps = [nc.nml_id(pop.label, self.taken, "pop")], [comp]
            self.pop_ids.append(ids)
            self.components.append(comps)
        for channel in channels.values():
            if isinstance(channel, LemsOnly):
                self.lems_file.add_component(channel, self.component_types)
            else:
                self.add(channel)

    def _cell(self, code: int, channels: dict) -> str:
        if code not in self.cells:
            cell_type = self.net.cell_types[code]
            cell_id = nc.nml_id(cell_type.label, self.taken, "cell")
            exported = export_cell(cell_type, cell_id, self.run.v_init,
                                   channel_forms={**self.kept, **self.lems_only})
            self.cells[code] = exported
            if isinstance(exported.component, LemsOnly):
                self.lems_file.add_component(exported.component, self.component_types, self.add)
            elif any(isinstance(c, LemsOnly) for c in exported.channels):
                self.lems_file.add_cell(exported.component)
            elif all(e.component is not exported.component for e in self.cells.values()
                     if e is not exported):  # two cell types may come from one kept cell
                self.add(exported.component)
            if isinstance(exported.component, neuroml.Izhikevich2007Cell):
                self.notes.append(_IZHIKEVICH_NOTE.format(cell_type.label))
            channels.update((c.id, c) for c in exported.channels)
        return self.cells[code].component.id

    def _artificial(self, pop, cell_type):
        mod, params = cell_type.artificial.mod, dict(cell_type.artificial.params)
        if mod == "VecStim":  # each cell its own train: a population of one per cell
            trains = {int(g): i for i, g in enumerate(self.net.spike_trains.gids)}
            ids, comps = [], []
            for k in range(pop.size):
                train = trains.get(pop.gid_start + k)
                times = self.net.spike_trains.times_of(train) if train is not None else []
                comp = nc.nml_id(f"{pop.label}_{k}_spikes", self.taken)
                self.add(neuroml.SpikeArray(id=comp, spikes=[
                    neuroml.Spike(id=i, time=nc.quantity(t, "ms")) for i, t in enumerate(times)]))
                ids.append(nc.nml_id(f"{pop.label}_{k}", self.taken, "pop"))
                comps.append(comp)
            return ids, comps
        exact = exact_source("source", mod, params)
        if exact is not None:  # a NeuroML generator exactly (exporters/neuroml_sources.py)
            exact.id = nc.nml_id(f"{pop.label}_source", self.taken)
            self.add(exact)
            return [nc.nml_id(pop.label, self.taken, "pop")], [exact.id]
        if mod == "NetStim":
            rate = netstim_rate(params)
            comp = nc.nml_id(f"{pop.label}_poisson", self.taken)
            self.add(neuroml.SpikeGeneratorPoisson(id=comp, average_rate=nc.quantity(rate, "Hz")))
            if params.get("noise", 0.5) != 1:
                self.notes.append(f"population {pop.label}: NetStim noise "
                                  f"{params.get('noise', 0.5)} written as Poisson firing")
            return [nc.nml_id(pop.label, self.taken, "pop")], [comp]
        raise FormatError(f"population '{pop.label}': artificial cell {mod} has no NeuroML "
                          "form (VecStim, NetStim and some NlRandomStims have)")

    # connections
    def _synapse(self, code: int) -> str:
        if code < 0:
            raise FormatError("connections onto artificial cells have no NeuroML form")
        if code not in self.synapses:
            syn = self.net.syn_mechs[code]
            lems_only = self.lems_only.get(syn.mod)
            if lems_only is not None and not syn.params:  # stdpSynapse: to the LEMS file
                self.lems_file.add_component(lems_only, self.component_types, self.add)
                self.synapses[code] = lems_only.id
                return lems_only.id
            kept = self.kept.get(syn.mod)
            if kept is not None and not syn.params:  # read from NeuroML: as it was
                for component in (*self.parts.get(syn.mod, ()), kept):
                    if component.id not in self.added_kept:
                        self.added_kept.add(component.id)
                        self.add(component)
                self.synapses[code] = kept.id
                return kept.id
            syn_id = nc.nml_id(syn.label, self.taken, "syn")
            self.add(synapse_component(syn, syn_id))
            self.synapses[code] = syn_id
        return self.synapses[code]

    def _projections(self) -> None:
        c, cells = self.net.conns, self.net.cells
        if len(c) == 0:
            return
        pre_pop, post_pop = cells.pop[c.pre_gid], cells.pop[c.post_gid]
        ends = np.array([is_continuous(m) for m in self.net.syn_mechs], dtype=bool)
        paired = np.flatnonzero(ends[c.syn_mech]) if len(ends) else np.empty(0, np.int64)
        if len(paired):
            self._continuous(*pair_rows(c, paired))
        keys = np.stack([c.rule.astype(np.int64), pre_pop, post_pop, c.syn_mech])
        unique, inverse = np.unique(keys, axis=1, return_inverse=True)
        order = np.argsort(inverse.ravel(), kind="stable")
        bounds = np.searchsorted(inverse.ravel()[order], np.arange(unique.shape[1] + 1))
        for k, (rule, pre, post, mech) in enumerate(unique.T.tolist()):
            rows = order[bounds[k]:bounds[k + 1]]
            if mech >= 0 and ends[mech]:
                continue  # written by _continuous
            label = self.net.conn_rules[rule] if rule >= 0 else "conn"
            proj_id = nc.nml_id(f"{label}_{self.net.pops[pre].label}_"
                                f"{self.net.pops[post].label}_{self.net.syn_mechs[mech].label}"
                                if mech >= 0 else label, self.taken, "proj")
            self._single_cell_pops(pre, post)
            self.projections.append(_Projection(proj_id, self.pop_ids[pre][0],
                                                self.pop_ids[post][0], self._synapse(mech),
                                                rows))
        check_one_use(self.net, self.synapses)

    def _continuous(self, first, second) -> None:
        """A continuousProjection per (rule, pre population, post population), its rows in
        pairs: each connection's presynaptic component's row, then its postsynaptic one's."""
        c, cells = self.net.conns, self.net.cells
        keys = np.stack([c.rule[second].astype(np.int64), cells.pop[c.pre_gid[second]],
                         cells.pop[c.post_gid[second]]])
        unique, inverse = np.unique(keys, axis=1, return_inverse=True)
        for k, (rule, pre, post) in enumerate(unique.T.tolist()):
            mine = np.flatnonzero(inverse.ravel() == k)
            rows = np.stack([first[mine], second[mine]], axis=1).ravel()
            for row in rows.tolist():
                self._synapse(int(c.syn_mech[row]))
            label = self.net.conn_rules[rule] if rule >= 0 else "conn"
            proj_id = nc.nml_id(f"{label}_{self.net.pops[pre].label}_"
                                f"{self.net.pops[post].label}", self.taken, "proj")
            self._single_cell_pops(pre, post)
            self.projections.append(_Projection(proj_id, self.pop_ids[pre][0],
                                                self.pop_ids[post][0], "", rows, True))

    def _single_cell_pops(self, *codes) -> None:
        for code in codes:
            if len(self.pop_ids[code]) > 1:
                raise FormatError(f"population '{self.net.pops[code].label}' (VecStim cells "
                                  "with their own trains) is written as a population per "
                                  "cell, so its connections cannot be a projection yet")

    # stimuli
    def _inputs(self) -> None:
        s = self.net.stims
        for rule, label in enumerate(self.net.stim_rules):
            rows = np.flatnonzero(s.rule == rule)
            if not len(rows):
                continue
            source = self.net.stim_sources[s.source[rows[0]]]
            if source.neuron_class and "stop" not in dict(source.params):  # NSLOC
                self.notes.append(f"stimulation {label}: a {source.type} made as "
                                  f"{source.neuron_class}, whose rate the model changes "
                                  "during the run; written at its starting rate")
            for pop in np.unique(self.net.cells.pop[s.gid[rows]]).tolist():
                mine = rows[self.net.cells.pop[s.gid[rows]] == pop]
                self._single_cell_pops(pop)
                self._input(label, source, pop, mine)

    def _input(self, label, source, pop, rows) -> None:
        s = self.net.stims
        by_component: dict[str, list] = {}
        for row in rows.tolist():
            values = stim_values(source, s, row)
            comp = self._input_component(label, source, values, row)
            by_component.setdefault(comp, []).append(row)
        weighted = source.type not in self.kept and stim_type_of(source.type).spike_source
        for comp, mine in by_component.items():
            list_id = nc.nml_id(f"{label}_{self.pop_ids[pop][0]}_{comp}", self.taken, "input")
            self.inputs.append(_InputList(list_id, self.pop_ids[pop][0], comp,
                                          np.asarray(mine), weighted))

    def _input_component(self, label, source, values, row) -> str:
        """The component an input uses (one per distinct parameter set)."""
        s, kind = self.net.stims, source.type
        kept = self.kept.get(kind)
        if kept is not None and not source.params:  # read from NeuroML: as it was
            if kept.id not in self.input_components.values():
                self.add(kept)
            self.input_components[kind] = kept.id
            return kept.id
        stim = stim_type_of(kind)
        key = (label, kind, tuple(sorted(values.items())),
               int(s.syn_mech[row]) if stim.spike_source else -1)
        if stim.replayed:
            key += (int(s.extra["train"][row]), float(s.delay[row]))
        cache = self.input_components
        if key in cache:
            return cache[key]
        form = stim.neuroml
        if form is None:
            raise FormatError(f"stimulation '{label}': {kind} has no NeuroML form")
        comp = nc.nml_id(f"{label}_{kind}", self.taken, "stim")
        _WRITERS[form.element](self, comp, label, stim, values, row)
        if not form.exact:
            self.notes.append(f"stimulation {label}: {kind} written as {form.element}")
        cache[key] = comp
        return comp

    # the writers of stimulus components, by NeuroML element (_WRITERS)
    def _pulse_generator(self, comp, label, stim, values, row) -> None:
        self.add(neuroml.PulseGenerator(id=comp, **stim_attributes(stim.neuroml, values)))

    def _timed_input(self, comp, label, stim, values, row) -> None:
        """The target's replayed train, each spike at its time plus the stimulus delay."""
        s = self.net.stims
        train = int(s.extra["train"][row])
        times = self.net.stim_trains.times_of(train) + float(s.delay[row])
        self.add(neuroml.TimedSynapticInput(
            id=comp, synapse=self._synapse(int(s.syn_mech[row])),
            spike_target=f"./{self._synapse(int(s.syn_mech[row]))}",
            spikes=[neuroml.Spike(id=i, time=nc.quantity(t, "ms"))
                    for i, t in enumerate(times)]))

    def _poisson_input(self, comp, label, stim, values, row) -> None:
        """Poisson firing at the NetStim's mean rate, for as long as its spikes last."""
        syn = self._synapse(int(self.net.stims.syn_mech[row]))
        number = values.get("number", 10.0)
        rate = netstim_rate(values)
        if values.get("noise", 0.5) != 1:
            self.notes.append(f"stimulation {label}: NetStim noise {values.get('noise')} "
                              "written as Poisson firing")
        duration = number * 1000.0 / rate if number < nc.ENDLESS else 1e9
        if "stop" in values:  # a window (NlRandomStim, read from NeuroML)
            duration = values["stop"] - values.get("start", 0.0)
        self.add(neuroml.TransientPoissonFiringSynapse(
            id=comp, average_rate=nc.quantity(rate, "Hz"), **stim_attributes(stim.neuroml, values),
            duration=nc.quantity(duration, "ms"), synapse=syn, spike_target=f"./{syn}"))

    def _alpha_synapse(self, comp, label, stim, values, row) -> None:
        """The synapse, driven by a timedSynapticInput with one spike at its onset."""
        syn = nc.nml_id(f"{label}_alpha", self.taken, "syn")
        self.add(neuroml.AlphaSynapse(id=syn, **stim_attributes(stim.neuroml, values)))
        self.add(neuroml.TimedSynapticInput(
            id=comp, synapse=syn, spike_target=f"./{syn}",
            spikes=[neuroml.Spike(id=0, time=nc.quantity(values.get("onset", 0.0), "ms"))]))

    def _voltage_clamp(self, comp, label, stim, values, row) -> None:
        self.add(voltage_clamp(comp, stim.name, values))


#: NeuroML element -> the _Plan method writing a stimulus as it (which stimulus type is
#: written as which element: model/stim_types.py)
_WRITERS = {"pulseGenerator": _Plan._pulse_generator,
            "timedSynapticInput": _Plan._timed_input,
            "transientPoissonFiringSynapse": _Plan._poisson_input,
            "alphaSynapse": _Plan._alpha_synapse,
            "voltageClampTriple": _Plan._voltage_clamp}


#: what an izhikevich2007Cell cannot say of the tutorial's Izhi2007b cell (measured in
#: tests/engine/test_neuroml_izhikevich.py)
_IZHIKEVICH_NOTE = (
    "cell type {}: Izhi2007b starts u at 0.2*vr, izhikevich2007Cell at 0 (NeuroML has no "
    "initial u: the two differ until u's start has decayed, a few 1/a); neuroloom detects its "
    "spikes where v crosses the cell's threshold, jNeuroML's NEURON export where v crosses "
    "0 mV")


# -- XML ---------------------------------------------------------------------------------------
def _components_xml(plan: _Plan, doc_id: str) -> str:
    """The document without its network: libNeuroML writes the components."""
    plan.doc.id = doc_id
    if plan.notes:
        plan.doc.notes = "Exported by neuroloom. " + "; ".join(plan.notes)
    out = io.StringIO()
    NeuroMLWriter.write(plan.doc, out, close=False)
    text = out.getvalue().rstrip()
    if not text.endswith("</neuroml>"):  # an empty document is one self-closing tag
        text = text[:-2] + ">\n</neuroml>"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text[:-len("</neuroml>")]


def _write_xml(path, doc_id: str, plan: _Plan) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(_components_xml(plan, doc_id))
        f.write(f'    <network id="network" type="networkWithTemperature" '
                f'temperature="{nc.num(plan.run.celsius)}degC">\n')
        f.write(annotation.xml(plan.net, _ids(plan), plan.run, indent="        "))
        for code, pop in enumerate(plan.net.pops):
            population_xml(f, plan, code, pop)
        for proj in sorted(plan.projections, key=lambda p: _schema_rank(plan, p)):
            if proj.continuous:
                continuous_projection_xml(f, plan, proj)
            elif is_electrical(plan.net.syn_mechs[int(plan.net.conns.syn_mech[proj.rows[0]])]):
                electrical_projection_xml(f, plan, proj)
            else:
                projection_xml(f, plan, proj)
            plan.wrote(proj)
        for inputs in plan.inputs:
            input_list_xml(f, plan, inputs)
        f.write("    </network>\n")
        f.write(component_types_xml(plan.component_types.values()))
        f.write("</neuroml>\n")


def _schema_rank(plan: _Plan, proj: _Projection) -> int:
    """Where NeuroML's schema has a projection in a <network>: projections, then electrical
    ones, then continuous ones."""
    if proj.continuous:
        return 2
    return int(is_electrical(plan.net.syn_mechs[int(plan.net.conns.syn_mech[proj.rows[0]])]))


def _ids(plan: _Plan) -> dict:
    """NeuroML ids of what the annotation describes."""
    return {"pops": plan.pop_ids,
            "projections": {p.id: int(plan.net.conns.rule[p.rows[0]]) for p in plan.projections},
            "cellTypes": {e.component.id: code for code, e in plan.cells.items()},
            "synapses": {syn_id: code for code, syn_id in plan.synapses.items()},
            "generated": {mech: c.id for mech, c in plan.kept.items()}}


# -- LEMS --------------------------------------------------------------------------------------
