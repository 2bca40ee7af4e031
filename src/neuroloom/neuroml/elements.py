"""neuroloom catalog entries as NeuroML2 components (libNeuroML objects): cell types as
cells (and where a (section, location) is in them), synaptic mechanisms as synapses. The
exporter writes these; the importer compares a file against them to know whether it is
exactly what neuroloom wrote.

A compartmental cell type becomes a ``<cell>``: each section is a segment group tagged as a
section (NeuroLex sao864921383) with its nseg as ``numberInternalDivisions``; a section with
3D points has a segment between each two points, one without has a single cylinder of its L
and diam (roots along +y from the origin, children along +x from where they attach);
secLists become segment groups of sections, and so does each section alone
(``<section>_group``: jNeuroML places properties on groups that are not sections).
Biophysics per section: specificCapacitance, resistivity, initMembPotential (the section's
vinit, else the run's v_init), spikeThresh on the spike section, and the channel densities
neuroml/channels.py gives for NEURON's hh and pas. A cell type that is one section holding
Izhikevich's 2007 model in the tutorials' form is an ``izhikevich2007Cell``. Anything else
(other mechanisms, other point processes, values per segment, ion concentrations) has no
NeuroML form here: FormatError naming it.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import neuroml

from ..errors import FormatError
from ..validate.izhikevich import as_point_process
from . import channels
from . import conventions as nc

PLAIN_IZHIKEVICH = (1, 2, 3)  # RS, IB, CH: the book's equations with no special case
#: what the other celltypes of Izhi2007b add (mod/izhi2007b.mod)
SPECIAL_IZHIKEVICH = {4: "LTS: spike threshold and reset depend on u",
                      5: "FS: u follows a cubic of v above d",
                      6: "TC: b depends on v, threshold and reset on u",
                      7: "RTN: b depends on v"}
ALL_CHANNELS = {c.id: c for c in channels.ion_channels()}


@dataclass
class SectionSegments:
    """The NeuroML segments of one section: ids, and the fraction of the section's
    length where each ends (to place synapses)."""

    ids: list[int]
    ends: list[float]

    def locate(self, loc: float) -> tuple[int, float]:
        """(segment id, fraction along it) of a location along the section."""
        if len(self.ids) == 1:
            return self.ids[0], float(loc)
        start = 0.0
        for seg_id, end in zip(self.ids, self.ends):
            if loc <= end or seg_id == self.ids[-1]:
                span = end - start
                return seg_id, min(1.0, max(0.0, (loc - start) / span)) if span > 0 else 0.0
            start = end
        raise AssertionError("unreachable")


@dataclass
class ExportedCell:
    component: object  # the libNeuroML cell
    segments: dict[str, SectionSegments]  # section name -> its segments
    channels: tuple = ()  # ion channels the cell uses

    def locate(self, section: str, loc: float) -> tuple[int, float]:
        if not self.segments:  # an abstract cell: one point
            return 0, 0.5
        return self.segments[section].locate(loc)


def export_cell(cell_type, cell_id: str, v_init: float, warn: bool = True,
                channel_forms=None) -> ExportedCell:
    """The NeuroML cell of a cell type; ``warn``: say what its form loses (an export does;
    an importer comparing a file with its annotation need not); ``channel_forms``:
    {mechanism: libNeuroML ion channel} of mechanisms generated from NeuroML channels
    (neuroml/channels.py kept_definitions)."""
    izhikevich = as_point_process(cell_type)
    if izhikevich is not None:
        return ExportedCell(_izhikevich(cell_type, cell_id, *izhikevich, warn=warn), {})
    where = f"cell type '{cell_type.label}'"
    for sec in cell_type.sections:
        if sec.pointps:
            raise FormatError(f"{where}: section '{sec.name}' has point processes "
                              f"({', '.join(p.mod for p in sec.pointps)}), which have no "
                              "NeuroML form")
    if cell_type.globals:
        raise FormatError(f"{where}: NEURON globals ({dict(cell_type.globals)}) have no "
                          "NeuroML form")
    morphology, segments, ids = _morphology(cell_type, cell_id)
    biophysics, used = _biophysics(cell_type, cell_id, ids, v_init, where, channel_forms or {})
    cell = neuroml.Cell(id=cell_id, morphology=morphology,
                        biophysical_properties=biophysics)
    return ExportedCell(cell, segments, used)


# -- morphology ----------------------------------------------------------------------------
def _morphology(cell_type, cell_id):
    """(Morphology, {section: SectionSegments}, {section: segment group id})."""
    morph = neuroml.Morphology(id=f"morphology_{cell_id}")
    segments, distal_of, group_ids = {}, {}, {}
    taken = set()
    for sec in cell_type.sections:
        group_ids[sec.name] = nc.nml_id(sec.name, taken, "sec")
    next_id = 0
    for sec in cell_type.sections:
        points = _points(sec, cell_type, segments, distal_of)
        lengths = [math.dist(a[:3], b[:3]) for a, b in zip(points, points[1:])]
        total = sum(lengths)
        ids, ends, run = [], [], 0.0
        for k, (prox, dist) in enumerate(zip(points, points[1:])):
            seg = neuroml.Segment(id=next_id, name=f"{group_ids[sec.name]}_{k}",
                                  proximal=_point(prox), distal=_point(dist))
            if k == 0 and sec.parent is not None:
                parent_id, fraction = segments[sec.parent].locate(sec.parent_x)
                seg.parent = neuroml.SegmentParent(segments=parent_id,
                                                   fraction_along=nc.num(fraction))
            elif k > 0:
                seg.parent = neuroml.SegmentParent(segments=next_id - 1)
            morph.segments.append(seg)
            run += lengths[k]
            ids.append(next_id)
            ends.append(run / total if total > 0 else (k + 1) / len(lengths))
            next_id += 1
        segments[sec.name] = SectionSegments(ids, ends)
        distal_of[sec.name] = points
        morph.segment_groups.append(neuroml.SegmentGroup(
            id=group_ids[sec.name], neuro_lex_id=nc.SECTION_LEX_ID,
            members=[neuroml.Member(segments=i) for i in ids],
            properties=[neuroml.Property(tag=nc.NSEG_PROPERTY, value=str(sec.nseg))]))
    for sec in cell_type.sections:
        # what biophysics name: jNeuroML's hoc writes `forsec <group>`, which needs a
        # SectionList, and only groups that are not sections become one
        group = nc.nml_id(f"{sec.name}_group", taken, "group")
        morph.segment_groups.append(neuroml.SegmentGroup(
            id=group, includes=[neuroml.Include(segment_groups=group_ids[sec.name])]))
        group_ids[f"props:{sec.name}"] = group
    lists = dict(cell_type.sec_lists)
    lists.setdefault("all", tuple(s.name for s in cell_type.sections))
    for name, members in lists.items():
        group = nc.nml_id(name, taken, "group")
        morph.segment_groups.append(neuroml.SegmentGroup(
            id=group, includes=[neuroml.Include(segment_groups=group_ids[m])
                                for m in members if m in group_ids]))
        group_ids.setdefault(f"secList:{name}", group)
    return morph, segments, group_ids


def _points(sec, cell_type, segments, points_of) -> list[tuple]:
    """The section's 3D points: its own, or a cylinder from where it attaches."""
    if sec.child_x not in (0.0,):
        raise FormatError(f"cell type '{cell_type.label}': section '{sec.name}' attaches by "
                          f"its end {sec.child_x}; NeuroML children start at their 0 end")
    if sec.pt3d:
        if len(sec.pt3d) < 2:
            raise FormatError(f"cell type '{cell_type.label}': section '{sec.name}' has "
                              "fewer than two 3D points")
        return [tuple(map(float, p)) for p in sec.pt3d]
    if sec.parent is None:
        return [(0.0, 0.0, 0.0, sec.diam), (0.0, sec.L, 0.0, sec.diam)]
    x, y, z = _along(points_of[sec.parent], sec.parent_x)
    return [(x, y, z, sec.diam), (x + sec.L, y, z, sec.diam)]


def _along(points, fraction) -> tuple[float, float, float]:
    """The point at ``fraction`` of the length of a polyline."""
    lengths = [math.dist(a[:3], b[:3]) for a, b in zip(points, points[1:])]
    goal, run = fraction * sum(lengths), 0.0
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        if run + length >= goal and length > 0:
            f = (goal - run) / length
            return tuple(a[i] + f * (b[i] - a[i]) for i in range(3))
        run += length
    return tuple(points[-1][:3])


def _point(p) -> neuroml.Point3DWithDiam:
    x, y, z, d = p
    return neuroml.Point3DWithDiam(x=float(x), y=float(y), z=float(z), diameter=float(d))


# -- biophysics ----------------------------------------------------------------------------
def _biophysics(cell_type, cell_id, group_ids, v_init, where, channel_forms):
    membrane = neuroml.MembraneProperties()
    intracellular = neuroml.IntracellularProperties()
    used = {}
    for sec in cell_type.sections:
        group = group_ids[f"props:{sec.name}"]
        here = f"{where}, section '{sec.name}'"
        mechs = {mech: dict(params) for mech, params in sec.mechs}
        for mech, values in mechs.items():
            if mech not in channels.BUILTIN_MECHANISMS and mech not in channel_forms:
                raise FormatError(f"{here}: mechanism {mech} has no NeuroML form here (NEURON's "
                                  f"{' and '.join(channels.BUILTIN_MECHANISMS)} have)")
            per_segment = [k for k, v in values.items() if isinstance(v, tuple)]
            if per_segment:
                raise FormatError(f"{here}: {mech} {per_segment} given per segment; only "
                                  "uniform values are exported")
        ions = _reversal_potentials(sec, here)
        try:
            densities = channels.channel_densities(
                {m: v for m, v in mechs.items() if m in channels.BUILTIN_MECHANISMS}, group,
                ions)
        except ValueError as err:
            raise FormatError(f"{here}: {err}") from None
        used.update((d.ion_channel, ALL_CHANNELS[d.ion_channel]) for d in densities)
        for mech in (m for m in mechs if m in channel_forms):  # channels read from NeuroML
            channel = channel_forms[mech]
            if used.setdefault(channel.id, channel) is not channel:
                raise FormatError(f"{here}: two channels have the id {channel.id}")
            densities.append(channels.generated_density(channel, mechs[mech], group, ions,
                                                        here))
        membrane.channel_densities.extend(densities)
    everywhere = group_ids["secList:all"]

    def per_section(cls, values, unit):
        """One element on all segments when every section has the same value (jNeuroML's
        hoc writer reads some of these only from a group of several sections)."""
        if len(set(values.values())) == 1:
            return [cls(value=nc.quantity(next(iter(values.values())), unit),
                        segment_groups=everywhere)]
        return [cls(value=nc.quantity(v, unit), segment_groups=group_ids[f"props:{name}"])
                for name, v in values.items()]

    sections = cell_type.sections
    membrane.specific_capacitances.extend(per_section(
        neuroml.SpecificCapacitance, {s.name: s.cm for s in sections}, "uF_per_cm2"))
    membrane.init_memb_potentials.extend(per_section(
        neuroml.InitMembPotential,
        {s.name: v_init if s.vinit is None else s.vinit for s in sections}, "mV"))
    intracellular.resistivities.extend(per_section(
        neuroml.Resistivity, {s.name: s.Ra for s in sections}, "ohm_cm"))
    # on every section: jNeuroML takes a threshold only from the group of all segments
    membrane.spike_threshes.append(neuroml.SpikeThresh(
        value=nc.quantity(cell_type.threshold, "mV"), segment_groups=group_ids["secList:all"]))
    biophysics = neuroml.BiophysicalProperties(
        id=f"biophys_{cell_id}", membrane_properties=membrane,
        intracellular_properties=intracellular)
    return biophysics, tuple(used.values())


def _reversal_potentials(sec, where) -> dict:
    """{ion: {'e': mV}} a section sets; concentrations have no place in a channel density."""
    out = {}
    for ion, values in sec.ions:
        for kind, value in values:
            if kind != "e" or ion not in channels.ION_DEFAULTS:
                raise FormatError(f"{where}: ion {ion} {kind} is not exported (only the "
                                  "na and k reversal potentials hh uses)")
            out[ion] = {"e": float(value)}
    return out


# -- Izhikevich ----------------------------------------------------------------------------
def _izhikevich(cell_type, cell_id, mod, params, warn=True):
    """NeuroML's izhikevich2007Cell with the book's parameters: the section's capacitance
    times the mechanism's divisor C is the book's C (see mod/izhi2007b.mod); v starts at
    vr as the mechanism puts it there."""
    where = f"cell type '{cell_type.label}'"
    if mod != "Izhi2007b":
        raise FormatError(f"{where}: {mod} has no NeuroML form (izhikevich2007Cell is "
                          "Izhi2007b)")
    celltype = int(params.get("celltype", 1))
    if celltype not in PLAIN_IZHIKEVICH and warn:
        # NetPyNE writes every celltype so; saying it keeps it from passing unnoticed
        warnings.warn(f"{where}: Izhi2007b celltype {celltype} "
                      f"({SPECIAL_IZHIKEVICH.get(celltype, 'not one of 1-7')}) is written as "
                      "NeuroML's izhikevich2007Cell, the equations of celltypes 1-3, as "
                      "NetPyNE writes it: its own terms are lost, and the NeuroML cell fires "
                      "differently", stacklevel=3)
    if params.get("Iin", 0.0) != 0.0:
        raise FormatError(f"{where}: Izhi2007b Iin has no izhikevich2007Cell form")
    sec = cell_type.sections[0]
    section_pF = math.pi * sec.diam * sec.L * sec.cm * 1e-2  # um2 * uF/cm2 -> pF
    defaults = {"C": 100.0, "k": 0.7, "vr": -60.0, "vt": -40.0, "vpeak": 35.0, "a": 0.03,
                "b": -2.0, "c": -50.0, "d": 100.0}
    p = {**defaults, **params}
    return neuroml.Izhikevich2007Cell(
        id=cell_id, C=nc.quantity(section_pF * p["C"], "pF"), v0=nc.quantity(p["vr"], "mV"),
        k=nc.quantity(p["k"], "nS_per_mV"), vr=nc.quantity(p["vr"], "mV"),
        vt=nc.quantity(p["vt"], "mV"), vpeak=nc.quantity(p["vpeak"], "mV"),
        a=nc.quantity(p["a"], "per_ms"), b=nc.quantity(p["b"], "nS"),
        c=nc.quantity(p["c"], "mV"), d=nc.quantity(p["d"], "pA"))


def synapse_component(syn, syn_id: str):
    """The NeuroML synapse of a synMech (libNeuroML object)."""
    if syn.mod not in nc.SYNAPSES:
        raise FormatError(f"synMech '{syn.label}': {syn.mod} has no NeuroML form here "
                          f"(exported: {', '.join(nc.SYNAPSES)})")
    element, names = nc.SYNAPSES[syn.mod]
    values = {**nc.SYNAPSE_DEFAULTS[syn.mod], **dict(syn.params)}
    unknown = set(values) - set(names)
    if unknown:
        raise FormatError(f"synMech '{syn.label}': {sorted(unknown)} have no NeuroML form")
    kwargs = {_snake(attr): nc.quantity(values[ours], unit)
              for ours, (attr, unit) in names.items()}
    cls = {"expOneSynapse": neuroml.ExpOneSynapse, "expTwoSynapse": neuroml.ExpTwoSynapse}
    return cls[element](id=syn_id, gbase=nc.GBASE, **kwargs)


def _snake(name: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in name)
