"""A NeuroML network neuroloom exported, rebuilt exactly from its annotation.

The annotation (neuroml/annotation.py) is trusted only when the whole document, inputs
included, is what neuroloom wrote (the digest the annotation carries is the digest of the
document read) and exporting its description again gives the file's cell and synapse
elements, populations and projections; then the catalogs, stimuli and cell columns come from
it and positions, connections, weights and delays from the file, so the network is the one
exported, bit for bit. Otherwise the file is read as it is, with a warning naming what
differs.
"""
from __future__ import annotations

import io
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np

from ..errors import FormatError
from ..model.network import Network, Provenance
from ..model.tables import CellTable, ConnTable
from ..neuroml import annotation
from ..neuroml.elements import export_cell, synapse_component
from ..neuroml.cell_params import location
from ..neuroml.channels import channel_from_element, keep_definition
from ..neuroml.composite import keep_parts
from ..neuroml.generated import generate_mechanisms
from .neuroml_projections import CONTINUOUS, continuous_rows

#: the kinds of projection whose connections neuroloom exports
_CONNECTION_KINDS = ("projection", "electricalProjection", CONTINUOUS)


def exact_description(doc) -> dict | None:
    """neuroloom's own description, if the file has one and its components agree with it."""
    if not doc.annotation:
        return None
    data = annotation.read(doc.annotation, str(doc.path))
    problem = _disagreement(doc, data)
    if problem:
        warnings.warn(f"{doc.path}: the file differs from what neuroloom exported ({problem});"
                      " it is read as it is", stacklevel=3)
        return None
    return data


def _disagreement(doc, data) -> str:
    v_init = data["run"]["v_init"]
    data["exported_cells"] = {}  # code -> ExportedCell: its segments place the synapses
    forms = {}  # channels and synapses read from NeuroML: mechanism -> the file's component
    for mech, comp_id in data["generated"].items():
        if comp_id not in doc.components:
            return f"component {comp_id} is missing"
        comp = doc.components[comp_id]
        forms[mech] = channel_from_element(comp.element, comp.where)
    for comp_id, code in data.get("cellTypes", {}).items():
        if comp_id not in doc.components:
            return f"cell {comp_id} is missing"
        made = export_cell(data["cell_types"][code], comp_id, v_init, warn=False,
                           channel_forms=forms)
        if not _same(_element(made.component), doc.components[comp_id].element):
            return f"cell {comp_id} was changed"
        data["exported_cells"][code] = made
    for syn_id, code in data.get("synapses", {}).items():
        if syn_id not in doc.components:
            return f"synapse {syn_id} is missing"
        if data["syn_mechs"][code].mod in forms:
            continue  # the file's own definition (the digest covers it)
        made = synapse_component(data["syn_mechs"][code], syn_id)
        if not _same(_element(made), doc.components[syn_id].element):
            return f"synapse {syn_id} was changed"
    expected = {i for ids in data["population_ids"] for i in ids}
    if expected != {p.id for p in doc.populations}:
        return "its populations differ"
    if set(data["projection_rules"]) != {p.id for p in doc.projections
                                         if p.kind in _CONNECTION_KINDS}:
        return "its projections differ"
    changed = annotation.changed_parts(data["digest"], doc)
    if data["digest"] is None:
        return "its annotation carries no digest of the document"
    if changed:
        return f"its {', '.join(changed)} were changed"
    return ""


def _element(obj) -> ET.Element:
    """A libNeuroML object as an element tree (as neuroloom writes it)."""
    tag = type(obj).__name__
    tag = {"Cell": "cell", "Izhikevich2007Cell": "izhikevich2007Cell",
           "ExpOneSynapse": "expOneSynapse", "ExpTwoSynapse": "expTwoSynapse"}.get(tag, tag)
    out = io.StringIO()
    obj.export(out, 0, name_=tag, namespacedef_="")
    return ET.fromstring(out.getvalue())


def _same(a: ET.Element, b: ET.Element) -> bool:
    if a.tag.rsplit("}", 1)[-1] != b.tag.rsplit("}", 1)[-1] or a.attrib != b.attrib:
        return False
    children_a = [c for c in a if isinstance(c.tag, str)]
    children_b = [c for c in b if isinstance(c.tag, str)]
    if len(children_a) != len(children_b):
        return False
    if (a.text or "").strip() != (b.text or "").strip():
        return False
    return all(_same(x, y) for x, y in zip(children_a, children_b))


class ExactNetwork:
    """The network from neuroloom's annotation plus the file's positions and connections."""

    def __init__(self, doc, data):
        self.doc, self.data = doc, data
        self.pops = {p.id: p for p in doc.populations}
        self.folders = []  # the mechanisms jNeuroML generates for the file's channels

    def _renamed(self) -> dict:
        """{mechanism in the annotation: the mechanism jNeuroML generates from this file} of
        the channels and synapses read from NeuroML (names carry the file's digest)."""
        d = self.data
        if not d["generated"]:
            return {}
        if self.doc.path.suffix.lower() in (".h5", ".hdf5"):
            raise FormatError(f"{self.doc.path}: {', '.join(sorted(d['generated'].values()))} "
                              "run as mechanisms jNeuroML generates, and jNeuroML does not "
                              "read NeuroML HDF5")
        generated = generate_mechanisms(self.doc.path, self.doc.network_id or None)
        self.folders.append(generated.folder)
        renamed = {}
        for mech, comp_id in d["generated"].items():
            renamed[mech] = generated[comp_id].mechanism
            keep_definition(generated.folder, renamed[mech],
                            self.doc.components[comp_id].element, self.doc.files)
            keep_parts(generated.folder, renamed[mech], self.doc.components[comp_id].element,
                       self.doc.components, self.doc.files)
        return renamed

    def _catalogs(self) -> tuple[tuple, tuple, tuple]:
        """(cell types, synaptic mechanisms, stimulus sources) of the annotation, with
        generated mechanisms renamed."""
        d, renamed = self.data, self._renamed()
        if not renamed:
            return d["cell_types"], d["syn_mechs"], d["stim_sources"]
        cell_types = tuple(replace(t, sections=tuple(replace(sec, mechs=tuple(
            (renamed.get(m, m), p) for m, p in sec.mechs), pointps=tuple(
            replace(p, mod=renamed.get(p.mod, p.mod)) for p in sec.pointps))
            for sec in t.sections)) for t in d["cell_types"])
        syn_mechs = tuple(replace(m, mod=renamed.get(m.mod, m.mod)) for m in d["syn_mechs"])
        sources = tuple(replace(s, type=renamed.get(s.type, s.type)) for s in d["stim_sources"])
        return cell_types, syn_mechs, sources

    def network(self) -> Network:
        d = self.data
        pops = d["pops"]
        code_of = {comp: code for comp, code in d["cellTypes"].items()}
        by_label = {t.label: i for i, t in enumerate(d["cell_types"])}  # artificial cells
        parts, where = [], {}  # NeuroML population -> (neuroloom pop, first index)
        for k, (pop, ids) in enumerate(zip(pops, d["population_ids"])):
            xyz, types = [], []
            for j, pop_id in enumerate(ids):
                data = self.pops[pop_id]
                where[pop_id] = (k, j if len(ids) > 1 else 0)
                xyz.append(data.positions())
                comp = data.component
                types.append(np.full(data.size, code_of.get(comp, by_label.get(
                    pop.cell_type, -1))))
            x, y, z = (np.concatenate([p[i] for p in xyz]) if xyz else np.empty(0)
                       for i in range(3))
            n = pop.size
            parts.append(CellTable(pop=np.full(n, k), cell_type=np.concatenate(types).astype(
                np.int64) if types else np.empty(0, np.int64), index=np.arange(n),
                x=x, y=y, z=z, xnorm=np.empty(n), ynorm=np.empty(n), znorm=np.empty(n)))
        cells = CellTable.concat(parts)
        cols = d["cell_columns"]
        cells = replace(cells, xnorm=cols["xnorm"], ynorm=cols["ynorm"], znorm=cols["znorm"],
                        extra=d["cell_extra"])
        if np.any(cells.cell_type < 0):
            raise FormatError(f"{self.doc.path}: a population's cell type is unknown")
        conns = self._connections(pops, where, cells)
        cell_types, syn_mechs, stim_sources = self._catalogs()
        return Network(cells=cells, conns=conns, stims=d["stims"], pops=pops,
                       cell_types=cell_types, syn_mechs=syn_mechs,
                       stim_sources=stim_sources, section_names=d["section_names"],
                       conn_rules=d["conn_rules"], stim_rules=d["stim_rules"], size=d["size"],
                       spike_trains=d["spike_trains"], stim_trains=d["stim_trains"],
                       rxd=d.get("rxd"), conn_plasticity=d.get("conn_plasticity", ()),
                       provenance=Provenance(source=f"neuroml:{self.doc.path}"))

    def _connections(self, pops, where, cells) -> ConnTable:
        d = self.data
        syn_code = d["synapses"]
        sites = {}  # cell type code -> {segment id: (section code, start, end)}
        names = list(d["section_names"])
        for code, exported in d["exported_cells"].items():
            sites[code] = {seg: (names.index(sec) if sec in names else -1, start, end)
                           for sec, segs in exported.segments.items()
                           for seg, start, end in _segment_spans(segs)}
        for code, exported in d["exported_cells"].items():
            name = d["cell_types"][code].sections[0].name if d["cell_types"][code].sections \
                else None
            if not exported.segments and name in names:  # abstract: its section, the middle
                sites[code] = names.index(name)
        parts, order = [], []
        for proj in self.doc.projections:
            if proj.kind not in _CONNECTION_KINDS:
                continue
            c = proj.columns
            pre_pop, _ = where[proj.pre]
            post_pop, _ = where[proj.post]
            pre = pops[pre_pop].gid_start + c["pre"]
            post = pops[post_pop].gid_start + c["post"]
            if proj.kind == CONTINUOUS:  # two rows per connection, ids as exported
                parts.append(continuous_rows(
                    proj, pre, post,
                    _locations(sites, cells.cell_type[pre], c["pre_segment"], c["pre_fraction"]),
                    _locations(sites, cells.cell_type[post], c["post_segment"],
                               c["post_fraction"]),
                    lambda comp_id, where=proj.where: _code(syn_code, comp_id, where),
                    d["projection_rules"][proj.id]))
                ids = np.asarray(c["id"], dtype=np.float64)
                order.append(np.stack([ids, ids + 1], axis=1).ravel())
                continue
            sec, loc = _locations(sites, cells.cell_type[post], c["post_segment"],
                                  c["post_fraction"])
            n = len(pre)
            extra, syn = {}, syn_code.get(proj.component)
            if proj.kind == "electricalProjection":  # gap junctions: both sides' sites
                syn = syn_code[c["synapse"][0]] if len(c["synapse"]) else None
                pre_sec, pre_loc = _locations(sites, cells.cell_type[pre], c["pre_segment"],
                                              c["pre_fraction"])
                extra = {"pre_sec": pre_sec.astype(np.float64), "pre_loc": pre_loc}
            if syn is None:
                raise FormatError(f"{proj.where}: the synapse of projection {proj.id} is "
                                  "not in neuroloom's annotation")
            parts.append(ConnTable(
                pre_gid=pre, post_gid=post, syn_mech=np.full(n, syn),
                weight=c["weight"], delay=c["delay"], sec=sec, loc=loc,
                rule=np.full(n, d["projection_rules"][proj.id]), extra=extra))
            order.append(c["id"])
        conns = ConnTable.concat(parts)
        if parts:
            conns = conns.take(np.argsort(np.concatenate(order), kind="stable"))
        return conns


def _code(codes: dict, comp_id: str, where) -> int:
    if comp_id not in codes:
        raise FormatError(f"{where}: the component '{comp_id}' is not in neuroloom's annotation")
    return codes[comp_id]


def _segment_spans(segments):
    """(segment id, start, end) along its section, from neuroml/elements.py."""
    start = 0.0
    for seg_id, end in zip(segments.ids, segments.ends):
        yield seg_id, start, (1.0 if seg_id == segments.ids[-1] else end)
        start = end


def _locations(sites, types, segments, fractions):
    """(section codes, locations) of contacts on these cells' segments."""
    n = len(types)
    sec, loc = np.full(n, -1, dtype=np.int64), np.asarray(fractions, dtype=np.float64).copy()
    for code in np.unique(types).tolist():
        mine = np.flatnonzero(types == code)
        table = sites.get(code)
        if isinstance(table, int):  # an abstract cell's one section
            sec[mine], loc[mine] = table, 0.5
            continue
        if not table:
            continue
        for i in mine.tolist():
            found = location(table, int(segments[i]), fractions[i])
            if found is None:
                raise FormatError(f"cell type {code}: no segment {int(segments[i])}")
            sec[i], loc[i] = found
    return sec, loc
