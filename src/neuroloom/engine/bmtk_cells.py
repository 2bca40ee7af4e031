"""SONATA "biophysical" cells built the way BMTK (bmtk.simulator.bionet 1.2.0) builds them,
in NEURON, as NetPyNE-style cellParams dicts: how the engine makes the sections of a
``bmtk_biophysical`` CellTemplate (its inputs were checked when the circuit was imported,
see sonata/bmtk_cells.py).

A SONATA biophysical node gives a morphology (SWC), a ``model_template``, an optional
``model_processing`` and ``dynamics_params``. :func:`bmtk_biophysical_cell` reproduces what
BMTK's bionet does with them, step by step, in NEURON, then reads the result back with
:mod:`neuroloom.engine.introspect`. The purpose is to reproduce BMTK runs, so BMTK's
semantics are followed even where they differ from NeuroML's or the Allen Institute's:

Morphology (``ctdb:Biophys1`` and ``nml:`` alike). The SWC is read by NEURON's own
Import3d (not BMTK's optional old ``import3d.hoc``: runs with ``run.use_old_import3d`` are
not reproduced) into a template object declaring ``soma, dend, apic, axon`` and the section
lists ``all, somatic, basal, apical, axonal``, like BMTK's ``Biophys1.hoc``. The 3D points
are kept where the SWC puts them (the soma is not moved to the origin). Only SWC types 1-4
can be held by such a template: other types are a FormatError.

``nml:<file>`` (BMTK's ``NMLLoad``; ``<file>`` relative to ``templates_dir``, BMTK's
``biophysical_neuron_models_dir``). The NeuroML morphology is ignored. FIRST the axon is
replaced by two stubs ``axon[0]``, ``axon[1]`` (L 30 um, diam 1 um, no 3D points, axon[0](0)
on soma[0](0.5), axon[1](0) on axon[0](1), appended to ``axonal`` and ``all``); THEN every
section of ``all`` gets the file's properties of its type (the first 4 letters of its name):
the elements ``channelDensity``, ``channelDensityNernst``, ``resistivity``,
``specificCapacitance`` and ``concentrationModel`` found anywhere in the file (NeuroML2
namespace only), grouped by ``segmentGroup`` (``all`` = the four types; synonyms somatic,
axonal, basal, dendritic, apical), one entry per ``id`` per group (a repeated id replaces
the earlier one's values in its place), applied in file order:

- ``resistivity`` -> Ra, ``specificCapacitance`` -> cm;
- a ``channelDensity`` with ``ionChannel="pas"`` inserts pas with g = condDensity and
  e = erev;
- any other channel density inserts the mechanism ``ionChannel`` and sets the range
  variable named by the element's ``id`` (e.g. ``gbar_NaTs``) to condDensity; if ``ion`` is
  ``na`` (``k``) the section's ena (ek) becomes erev; other ions' erev are ignored;
- ``concentrationModel`` inserts the mechanism named by its ``id`` and sets only
  ``gamma_<type>`` and ``decay_<type>`` (not depth or minCai);
- numbers are taken as written: units are ignored (NEURON's units are assumed), and
  everything else in the file (``species`` initial concentrations, other densities, spike
  thresholds, initial potentials...) is ignored, as BMTK does.

``ctdb:Biophys1`` / ``ctdb:Biophys1.hoc``: the morphology alone (NEURON's defaults:
Ra 35.4, cm 1, no mechanisms) until ``model_processing`` adds biophysics.

``model_processing`` (comma-separated, applied in order): ``aibs_perisomatic``, which does
nothing without ``dynamics_params``, else (BMTK's ``fix_axon_peri`` + ``set_params_peri``)
replaces the axon by the two stubs as above and applies an Allen perisomatic fit: every
section gets Ra = passive.ra, cm from passive.cm by section type, pas with e = passive.e_pas;
each genome entry inserts its mechanism (unless "") and sets its ``name`` on the sections of
its type; conditions.erev sets ena and ek per section type. The fit's celsius and v_init are
run conditions, ignored here as BMTK ignores them. Other processing is unsupported.

Finally, with ``dL``, every section gets ``nseg = 1 + 2 * int(L / (2 * dL))`` (after all of
the above, as BMTK's ``set_segment_dl``).

Numerically, the cell built from the dict by ``engine.cells.CellInstance`` has, after
finitialize, every parameter, area, axial resistance and state of BMTK's to the last bit
(checked section by section against BMTK's cells, 5_cells_iclamp), given two things:

- BMTK's stubs get 3D points from its global ``define_shape()``, and their areas and axial
  resistances follow from those float points, with the last arc length set to L. The stubs
  here get the same points (computed as NEURON does, in single precision), the last moved
  by a few float steps (~0.01 um off the plane) so that NEURON computes the same arcs from
  points alone (what a cellParams holds). Where no such point is found (a soma far from
  z = 0, where floats are coarse) the stubs stay stylized: their axial resistance then
  differs from BMTK's in the last bit.
- NEURON orders its nodes, and so the last bits of every time step, by the order sections
  were connected. ``bmtk_connection_order=True`` lists ``secs`` in BMTK's order; the
  engine instantiates a template cell type in ``hobj.all`` order (engine/cell_templates.py
  requires it) and then connects its sections again in BMTK's order
  (:func:`connect_as_bmtk`). With both, 4 of 5_cells_iclamp's 5 cells have BMTK's soma v
  to the last bit over its 4 s (with BMTK's extracellular mechanism, engine/ecp.py); the
  fifth, whose soma lies at z = 35 um, keeps stylized stubs and is within 3.1e-9 mV.

A cell placed elsewhere would have its 3D points moved, which BMTK never does
(their single-precision rounding changes lengths and areas by ~1e-5): the SONATA importer
keeps them in place (CellType.place_pt3d False).

Sections are named ``<type>_<index>`` after NEURON's ``<type>[<index>]`` (``soma_0``,
``dend_12``, ``apic_3``, ``axon_1``) and listed (``secs`` and ``secLists['all']``) in the
order of BMTK's ``hobj.all``, which SONATA's ``sec_id``/``afferent_section_id`` index: the
order Import3d creates them in, soma, axon, dend then apic sections, each by index; when the
axon is replaced its sections are gone and the two stubs ``axon_0``, ``axon_1`` come last
(soma, dend, apic, axon). :func:`section_names` returns that order. Spikes are
detected at ``soma_0(0.5)`` (``spikeGenLoc``); the threshold is the run's
``spike_threshold``, which the caller passes to ``cell_type`` as its default threshold.

What a cellParams dict cannot hold is refused with a FormatError naming the file and the
item: a fit or NeuroML entry setting something other than a mechanism PARAMETER, Ra, cm or a
reversal potential (e.g. L, diam, a STATE), non-uniform cm, SWC types other than 1-4; so is
what BMTK itself fails on (missing attributes or fit keys, unknown segment groups, a
morphology without axon whose axon is to be replaced: NEURON aborts BMTK's process), and
templates (``hoc:``, ``python:``...) and processing other than the above. Reversal
potentials NEURON computes itself (e.g. eca where a mechanism writes cai) are left out, as
setting them has no effect; ion concentrations are never set (BMTK does not set them).
"""
from __future__ import annotations

import copy
import functools
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..model.catalog import CellTemplate
from ..sonata.bmtk_cells import (
    KIND,
    STUB_NAMES,
    BmtkCell,
    NmlTemplate,
    PerisomaticFit,
    bmtk_cell,
    fit_number,
)
from ..sonata.rotations import SectionShape, SegmentPoints
from ..sonata.rotations import segment_points as rotated_segment_points
from . import introspect
from .mechanisms import density_mechanisms, parameters
from .bmtk_stubs import arcs, section_ends, stylized_points, with_length
from .neuron_env import neuron_h

STUB_LENGTH, STUB_DIAM = 30.0, 1.0

_TEMPLATE = "NeuroloomBmtkBiophys"
_TEMPLATE_HOC = f"""
begintemplate {_TEMPLATE}
public soma, dend, apic, axon
public all, somatic, basal, apical, axonal
objref all, somatic, basal, apical, axonal, this
create soma[1], dend[1], apic[1], axon[1]
proc init() {{ localobj reader, importer
    all = new SectionList()
    somatic = new SectionList()
    basal = new SectionList()
    apical = new SectionList()
    axonal = new SectionList()
    forall delete_section()
    reader = new Import3d_SWC_read()
    reader.quiet = 1
    reader.input($s1)
    importer = new Import3d_GUI(reader, 0)
    importer.instantiate(this)
}}
endtemplate {_TEMPLATE}
"""

# einit bit of NEURON's ion_style(): the reversal potential is computed at finitialize
_ION_EINIT = 0o40


def bmtk_biophysical_cell(*, morphology: str | Path, model_template: str,
                          model_processing: str | None, dynamics_params: dict | None,
                          templates_dir: Path | None, dL: float | None,
                          dynamics_params_file: str | Path | None = None,
                          bmtk_connection_order: bool = False) -> dict:
    """The cellParams dict (NetPyNE format) of the cell BMTK 1.2.0 builds for a SONATA
    biophysical node (see the module's docstring for the exact semantics).

    ``morphology``: the SWC file; ``model_template``: ``nml:<file>``, ``ctdb:Biophys1`` or
    ``ctdb:Biophys1.hoc``; ``model_processing``: None or a comma-separated list
    (``aibs_perisomatic``); ``dynamics_params``: the node's dynamics_params (an Allen fit
    dict) or None (a SONATA ``NONE`` is None); ``templates_dir``: BMTK's
    ``biophysical_neuron_models_dir``; ``dL``: the run's dL (None: nseg is left at 1).
    ``dynamics_params_file`` only names the fit in error messages.
    ``bmtk_connection_order``: list ``secs`` in the order BMTK's NEURON connected the
    sections instead (siblings in the same order: NEURON orders its nodes, and so the last
    bits of the solution, by it); ``secLists['all']`` and :func:`section_names` keep BMTK's
    ``hobj.all`` order. The mechanisms used must be loaded in NEURON. NEURON is left with
    none of the cell's sections. Raises FormatError for what BMTK would refuse or what a
    cellParams cannot represent."""
    cell = bmtk_cell(morphology=morphology, model_template=model_template,
                     model_processing=model_processing, dynamics_params=dynamics_params,
                     templates_dir=templates_dir, dL=dL,
                     dynamics_params_file=dynamics_params_file)
    return build(cell, bmtk_connection_order)


def template_cell_params(template: CellTemplate) -> dict:
    """The cellParams dict of a ``bmtk_biophysical`` CellTemplate's cell."""
    return copy.deepcopy(_made(template)[0])


def connection_order(template: CellTemplate) -> tuple[str, ...]:
    """The sections of a ``bmtk_biophysical`` CellTemplate's cell in the order BMTK's
    NEURON connected them (parents first, siblings in connection order)."""
    return _made(template)[1]


@functools.cache
def _made(template: CellTemplate) -> tuple[dict, tuple[str, ...]]:
    """(cellParams, connection order) of a template's cell, made once per process: the
    engine asks for both when it instantiates the cells (NEURON's Import3d is slow)."""
    params = build(BmtkCell.from_template(template), bmtk_connection_order=True)
    order = tuple(params["secs"])
    params["secs"] = {name: params["secs"][name] for name in params["secLists"]["all"]}
    return params, order


def connect_as_bmtk(h, cell) -> None:
    """Connect the sections of a ``CellInstance`` of a ``bmtk_biophysical`` cell type again,
    in BMTK's order (:func:`connection_order`); other cells are left as they are.

    NEURON numbers a cell's nodes by the order its sections were connected (a section's
    children are listed last-connected first), and the elimination of its tree sums the
    children's terms into their parent in that order: in hobj.all order instead, soma v
    differs from BMTK's in the last bits once cells fire (5_cells_iclamp: by up to 2.5e-7
    mV over 4 s; in BMTK's order 4 of its 5 cells are identical to the last bit)."""
    template = cell.cell_type.template
    if template is None or template.kind != KIND or not cell.secs:
        return
    specs = {spec.name: spec for spec in cell.cell_type.sections}
    order = [name for name in connection_order(template) if specs[name].parent is not None]
    for name in order:
        h.disconnect(sec=cell.secs[name])
    for name in order:
        spec = specs[name]
        cell.secs[name].connect(cell.secs[spec.parent](spec.parent_x), spec.child_x)


def section_names(cell_params: dict) -> list[str]:
    """The sections of a cell made by :func:`bmtk_biophysical_cell` in BMTK's ``hobj.all``
    order: SONATA's ``sec_id`` ``i`` is section ``section_names(params)[i]``."""
    return list(cell_params["secLists"]["all"])


def segment_points(secs: dict, names, angles, position, stubs=()) -> SegmentPoints:
    """Where BMTK puts the segments of a cell it rotates and places (for its extracellular
    report and xstim; sonata/rotations.py gives the steps), from the 3D points NEURON holds
    and, for the axon stubs, those BMTK's define_shape() gave them.

    Parameters
    ----------
    secs : dict
        Section name -> NEURON section of the cell (``engine.cells.CellInstance.secs``).
    names : sequence of str
        The section names in BMTK's ``hobj.all`` order (the CellTemplate's
        ``section_names``).
    angles : sequence of 3 floats
        rotation_angle_xaxis, _yaxis, _zaxis in radians (``sonata.rotations.angles_of``).
    position : sequence of 3 floats
        The node's x, y, z as the nodes file gives them.
    stubs : sequence of str
        The axon stubs among ``names`` (:func:`stub_names`): placed at the points
        define_shape() laid out for BMTK (``bmtk_stubs.stylized_points``, with nseg 1 as
        when BMTK called it), not at those NEURON holds here, whose last point was moved by
        up to ~0.02 um to give the stub BMTK's length (``bmtk_stubs.with_length``) or which
        are missing (no such point was found).

    Returns
    -------
    sonata.rotations.SegmentPoints

    Raises
    ------
    FormatError
        When another section has no 3D points.
    """
    shapes = {}
    for name in names:
        if name in stubs:
            continue
        sec = secs[name]
        n = int(sec.n3d())
        if n == 0:
            raise FormatError(f"section {name} has no 3D points: its segments have no "
                              "position (BMTK gives them one with define_shape())")
        shapes[name] = SectionShape(
            points=np.array([[sec.x3d(i), sec.y3d(i), sec.z3d(i)] for i in range(n)]),
            arc=np.array([sec.arc3d(i) for i in range(n)]), length=sec.L, nseg=sec.nseg)
    for name in stubs:  # in BMTK's order: axon_1 hangs on axon_0
        sec = secs[name]
        parent_sec = sec.parentseg().sec
        parent = shapes[next(k for k, v in secs.items() if v == parent_sec)].points
        points = stylized_points(sec, (parent[0], parent[-1]), nseg=1)
        arc = np.array(arcs(points))
        arc[-1] = sec.L  # define_shape() keeps the length, not the points' rounding
        shapes[name] = SectionShape(  # NEURON holds its 3D points as floats
            points=np.array(points, dtype=np.float32).astype(np.float64), arc=arc,
            length=sec.L, nseg=sec.nseg)
    soma = [shapes[name].points for name in names if name.startswith("soma_")]
    return rotated_segment_points([shapes[name] for name in names], soma, angles, position)


def stub_names(template: CellTemplate | None) -> tuple[str, ...]:
    """The axon stubs of a template's cell that BMTK laid out with define_shape() (none
    when it keeps the morphology's axon, or is not a ``bmtk_biophysical`` template)."""
    if template is None or template.kind != KIND:
        return ()
    return STUB_NAMES if BmtkCell.from_template(template).replaces_axon else ()


def build(cell: BmtkCell, bmtk_connection_order: bool = False) -> dict:
    """BMTK's procedure for a checked cell, in NEURON, read back as a cellParams dict."""
    morphology = str(cell.morphology)
    h = neuron_h()
    _define_template(h)
    try:
        made = getattr(h, _TEMPLATE)(morphology)
    except RuntimeError as err:
        raise FormatError(f"NEURON's Import3d could not read the morphology "
                          f"{morphology!r}: {err}") from None
    sections = []
    try:
        if not h.section_exists("soma", 0, made):
            raise FormatError(f"morphology {morphology!r} has no soma (SWC type 1)")
        if cell.nml is not None:
            _replace_axon(h, made, morphology)
            _apply_nml(made, cell.nml)
        if cell.perisomatic is not None:
            _replace_axon(h, made, morphology)
            _apply_perisomatic(made, cell.perisomatic, cell.fit_name)
        if cell.dL is not None:
            for sec in made.all:
                sec.nseg = 1 + 2 * int(sec.L / (2 * cell.dL))
        sections = list(made.all)
        params = _read_back(h, made, sections, morphology)
        if bmtk_connection_order:
            params["secs"] = {name: params["secs"][name]
                              for name in _connection_order(sections)}
    finally:
        del made
        _discard(sections)
        del sections
    return params


# --- the procedure in NEURON --------------------------------------------------------------
def _define_template(h) -> None:
    h.load_file("import3d.hoc")
    if not hasattr(h, _TEMPLATE):
        h(_TEMPLATE_HOC)


def _sec_type(sec) -> str:
    return sec.name().split(".")[-1][:4]


def _replace_axon(h, cell, where) -> None:
    """The axon becomes two 30 um x 1 um stubs at the end of ``all`` (BMTK's
    fix_axon_peri), with the 3D points BMTK's final define_shape() gives them. NEURON's own
    define_shape() is not called: it would also lay out (and move) sections of other cells
    in the process."""
    if not h.section_exists("axon", 0, cell):
        # BMTK iterates over the deleted placeholder array: NEURON aborts the process
        raise FormatError(f"morphology {where!r} has no axon (SWC type 2): BMTK cannot "
                          "replace it by stubs (NEURON aborts)")
    for i in range(int(len(cell.axon))):
        if h.section_exists("axon", i, cell):
            h.delete_section(sec=cell.axon[i])
    h.execute("create axon[2]", cell)
    for sec in cell.axon:
        sec.L, sec.diam = STUB_LENGTH, STUB_DIAM
        cell.axonal.append(sec=sec)
        cell.all.append(sec=sec)
    cell.axon[0].connect(cell.soma[0](0.5), 0)
    cell.axon[1].connect(cell.axon[0](1), 0)
    # BMTK's define_shape() lays the stubs out in 3D, the second from where the first
    # ends; their areas and axial resistances follow from those points (bmtk_stubs.py)
    first = stylized_points(cell.axon[0], section_ends(cell.soma[0]))
    second = stylized_points(cell.axon[1], (first[0], first[-1]))
    for sec, laid_out in zip(cell.axon, (first, second)):
        points = with_length(laid_out, STUB_LENGTH)
        for x, y, z in points or ():  # none found: left without (~1e-16 from BMTK's)
            h.pt3dadd(x, y, z, STUB_DIAM, sec=sec)


def _apply_nml(cell, nml: NmlTemplate) -> None:
    where = str(nml.path)
    for sec in cell.all:
        for entry in nml.groups[_sec_type(sec)].values():
            v, item = entry.values, f"<{entry.tag} id={entry.id!r}>"
            if entry.tag == "resistivity":
                _set(sec, "Ra", v["value"], where, item)
            elif entry.tag == "specificCapacitance":
                _set(sec, "cm", v["value"], where, item)
            elif entry.tag == "channelDensity" and v["ionChannel"] == "pas":
                if v["erev"] is None:
                    raise FormatError(f"{where!r}: {item} (pas) has no erev")
                _insert(sec, "pas", where, item)
                _set(sec, "g_pas", v["condDensity"], where, item)
                for seg in sec:
                    seg.pas.e = v["erev"]
            elif entry.tag == "concentrationModel":
                _insert(sec, entry.id, where, item)
                _set(sec, f"gamma_{v['type']}", v["gamma"], where, item)
                _set(sec, f"decay_{v['type']}", v["decay"], where, item)
            else:  # channelDensity, channelDensityNernst
                _insert(sec, v["ionChannel"], where, item)
                _set(sec, entry.id, v["condDensity"], where, item)
                if v["ion"] in ("na", "k"):
                    if v["erev"] is None:
                        raise FormatError(f"{where!r}: {item} (ion {v['ion']}) has no erev; "
                                          "BMTK would fail setting e" + v["ion"])
                    _set(sec, f"e{v['ion']}", v["erev"], where, item)


def _apply_perisomatic(cell, fit: PerisomaticFit, where: str) -> None:
    """BMTK's set_params_peri."""
    ra, e_pas, cm = fit.ra, fit.e_pas, fit.cm
    for sec in cell.all:
        if _sec_type(sec) not in cm:
            raise FormatError(f"{where!r}: passive.cm has no entry for section type "
                              f"{_sec_type(sec)!r}")
        _set(sec, "Ra", ra, where, "passive.ra")
        _set(sec, "cm", cm[_sec_type(sec)], where, f"passive.cm[{_sec_type(sec)}]")
        _insert(sec, "pas", where, "passive")
        for seg in sec:
            seg.pas.e = fit_number(e_pas, where, "passive.e_pas")
    for i, sec_type, mech, name, value in fit.genome:
        for sec in cell.all:
            if _sec_type(sec) == sec_type:
                if mech != "":
                    _insert(sec, mech, where, f"genome[{i}] ({name})")
                _set(sec, name, value, where, f"genome[{i}] ({name})")
    for i, sec_type, ena, ek in fit.erevs:
        for sec in cell.all:
            if _sec_type(sec) == sec_type:
                _set(sec, "ena", ena, where, f"conditions.erev[{i}].ena")
                _set(sec, "ek", ek, where, f"conditions.erev[{i}].ek")


def _insert(sec, mech, where, item) -> None:
    try:
        sec.insert(mech)
    except (ValueError, RuntimeError, TypeError) as err:
        raise FormatError(f"{where!r}: {item}: cannot insert mechanism {mech!r} in "
                          f"{sec.name()} ({err}); is it loaded?") from None


def _set(sec, name, value, where, item) -> None:
    """``setattr(sec, name, value)`` as BMTK does, refusing what a cellParams cannot
    hold: only Ra, cm, a mechanism PARAMETER (gbar_NaTs) or a reversal potential (ena)."""
    value = fit_number(value, where, item)
    if not _representable(sec, name):
        raise FormatError(f"{where!r}: {item} sets {name!r} on {sec.name()}, which a "
                          "cellParams cannot hold (only Ra, cm, mechanism PARAMETERs and "
                          "reversal potentials)")
    try:
        setattr(sec, name, value)
    except (AttributeError, ValueError, RuntimeError, TypeError) as err:
        raise FormatError(f"{where!r}: {item}: NEURON cannot set {name!r} on "
                          f"{sec.name()}: {err}") from None


def _representable(sec, name) -> bool:
    if name in ("Ra", "cm"):
        return True
    mechs = density_mechanisms()
    for i, char in enumerate(name):
        if char == "_" and name[i + 1:] in mechs and name[:i] in parameters(name[i + 1:]):
            return True
    ion = name[1:]
    return name.startswith("e") and f"{ion}_ion" in mechs


# --- reading the result back --------------------------------------------------------------
def _read_back(h, cell, sections, where) -> dict:
    params, _ = introspect.cell_params(cell, sections)
    theirs = introspect.section_names(sections, cell)
    ours = {theirs[sec]: _local_name(sec) for sec in sections}  # 'dend[12]' -> 'dend_12'
    secs = {}
    for sec in sections:
        spec = params["secs"][theirs[sec]]
        if isinstance(spec["geom"]["cm"], list):
            raise FormatError(f"{where!r}: {sec.name()} has a non-uniform cm, which a "
                              "cellParams cannot hold")
        if "topol" in spec:
            spec["topol"]["parentSec"] = ours[spec["topol"]["parentSec"]]
        spec["ions"] = _ions(h, sec, spec["ions"], where)
        secs[ours[theirs[sec]]] = spec
    soma = next(name for name in secs if name.startswith("soma_"))
    secs[soma]["spikeGenLoc"] = 0.5  # BMTK: NetCon on soma[0](0.5)
    lists = {}
    for name in ("all", "somatic", "basal", "apical", "axonal"):
        members = params["secLists"].get(name, [])
        if members:
            lists[name] = [ours[m] for m in members]
    if lists.get("all") != list(secs):
        raise FormatError(f"{where!r}: NEURON's section list 'all' does not hold the cell's "
                          "sections in order")  # cannot happen with the template above
    return {"secs": secs, "secLists": lists}


def _connection_order(sections) -> list[str]:
    """Section names, parents before children, siblings in the order they were connected
    (NEURON lists a section's children last-connected first)."""
    names = {sec: _local_name(sec) for sec in sections}
    order = [names[sec] for sec in sections if sec.parentseg() is None]
    by_name = {name: sec for sec, name in names.items()}
    i = 0
    while i < len(order):
        order += [names[c] for c in reversed(list(by_name[order[i]].children()))]
        i += 1
    return order


def _local_name(sec) -> str:
    base, index = sec.name().split(".")[-1].rstrip("]").split("[")
    return f"{base}_{index}"


def _ions(h, sec, read, where) -> dict:
    """The reversal potentials of ``read`` (introspected ions of ``sec``) that NEURON does
    not compute itself at initialisation; concentrations are left at NEURON's defaults."""
    out = {}
    for ion, values in read.items():
        if int(h.ion_style(f"{ion}_ion", sec=sec)) & _ION_EINIT or "e" not in values:
            continue
        if isinstance(values["e"], list):
            raise FormatError(f"{where!r}: {sec.name()} has a non-uniform e{ion}, which a "
                              "cellParams cannot hold")
        out[ion] = {"e": values["e"]}
    return out


def _discard(sections) -> None:
    introspect.discard(None, [s for s in sections if _alive(s)])


def _alive(sec) -> bool:
    try:
        return bool(sec.is_valid())
    except Exception:  # noqa: BLE001
        return False
