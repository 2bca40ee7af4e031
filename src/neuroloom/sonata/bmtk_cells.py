"""SONATA "biophysical" cells as BMTK (bmtk.simulator.bionet 1.2.0) builds them: what can
be known and checked without NEURON.

A SONATA biophysical node gives a morphology (SWC), a ``model_template``, an optional
``model_processing`` and ``dynamics_params``. Importing such a node makes a
:class:`~neuroloom.model.catalog.CellTemplate` (kind ``bmtk_biophysical``): its inputs,
checked here, the names of the sections BMTK's cell will have (read from the SWC without
NEURON) and the mechanisms it inserts. The engine runs BMTK's procedure in NEURON when the
model is instantiated (engine/bmtk_cells.py, whose docstring gives the procedure's exact
semantics). The purpose is to reproduce BMTK runs, so BMTK's semantics are followed even
where they differ from NeuroML's or the Allen Institute's.

Section names: ``<type>_<index>`` after NEURON's ``<type>[<index>]`` (``soma_0``, ``dend_12``,
``axon_1``), in the order of BMTK's ``hobj.all``, which SONATA's ``sec_id`` /
``afferent_section_id`` index: the order Import3d creates them in (sonata/swc.py); when the
axon is replaced (``nml:`` templates, and ``aibs_perisomatic`` with dynamics) its sections are
gone and the two stubs ``axon_0``, ``axon_1`` come last.

What BMTK itself fails on, and what a cellParams cannot hold, is refused here with a
FormatError naming the file and the item where that can be seen without NEURON (missing files
and fit keys, unknown segment groups, SWC types other than 1-4, a morphology without axon
whose axon is to be replaced, templates other than ``nml:`` and ``ctdb:Biophys1``, processing
other than ``aibs_perisomatic``); the rest when the engine builds the cell.
"""
from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import FormatError
from ..model.catalog import CellTemplate
from .swc import SWC_TYPES, read_swc, section_names as swc_section_names

KIND = "bmtk_biophysical"  # CellTemplate.kind of these cells
SECTION_TYPES = ("soma", "dend", "apic", "axon")  # Biophys1's section arrays
TEMPLATES = ("ctdb:Biophys1", "ctdb:Biophys1.hoc")
KNOWN_PROCESSING = ("aibs_allactive", "aibs_perisomatic_directed", "aibs_allactive_directed",
                    "set_extracellular", "extracellular")  # BMTK's, not reproduced here
STUB_NAMES = ("axon_0", "axon_1")  # the axon BMTK puts in place of the morphology's


@dataclass(frozen=True)
class BmtkCell:
    """The inputs of one BMTK biophysical cell, checked (the CellTemplate's params)."""

    morphology: Path
    model_template: str
    model_processing: str | None
    fit: dict | None  # the node's dynamics_params (an Allen fit), None for SONATA's NONE
    templates_dir: Path | None  # BMTK's biophysical_neuron_models_dir
    dL: float | None  # the run's dL (None: nseg stays 1)
    fit_name: str = "dynamics_params"  # names the fit in messages

    @cached_property
    def nml(self) -> "NmlTemplate | None":
        """The parsed NeuroML file of an ``nml:`` template, None for ctdb:Biophys1."""
        return template_file(self.model_template, self.templates_dir)

    @cached_property
    def perisomatic(self) -> "PerisomaticFit | None":
        """The fit aibs_perisomatic applies (None: no such step, or no dynamics)."""
        steps = processing_steps(self.model_processing, self.model_template)
        return perisomatic_fit(self.fit, self.fit_name) if steps and self.fit is not None \
            else None

    @property
    def replaces_axon(self) -> bool:
        return self.nml is not None or self.perisomatic is not None

    def to_template(self) -> CellTemplate:
        """The CellTemplate of this cell: inputs as plain values, section names, and the
        mechanisms it inserts."""
        params = (("morphology", str(self.morphology)),
                  ("model_template", self.model_template),
                  ("model_processing", self.model_processing),
                  ("dynamics_params", json.dumps(self.fit, sort_keys=True)),
                  ("templates_dir", None if self.templates_dir is None
                   else str(self.templates_dir)),
                  ("dL", self.dL), ("fit_name", self.fit_name))
        return CellTemplate(kind=KIND, params=params, section_names=self.section_names(),
                            mechanisms=self.mechanisms())

    @classmethod
    def from_template(cls, template: CellTemplate) -> "BmtkCell":
        if template.kind != KIND:
            raise ValueError(f"not a {KIND} cell template: {template.kind!r}")
        p = dict(template.params)
        return cls(morphology=Path(p["morphology"]), model_template=p["model_template"],
                   model_processing=p["model_processing"],
                   fit=json.loads(p["dynamics_params"]),
                   templates_dir=None if p["templates_dir"] is None
                   else Path(p["templates_dir"]), dL=p["dL"], fit_name=p["fit_name"])

    def section_names(self) -> tuple[str, ...]:
        """The sections of BMTK's cell in ``hobj.all`` order (SONATA's sec_id order)."""
        names = swc_section_names(read_swc(self.morphology))
        if not self.replaces_axon:
            return names
        if not any(name.startswith("axon_") for name in names):
            # BMTK iterates over the deleted placeholder array: NEURON aborts the process
            raise FormatError(f"morphology {str(self.morphology)!r} has no axon (SWC type 2):"
                              " BMTK cannot replace it by stubs (NEURON aborts)")
        return tuple(n for n in names if not n.startswith("axon_")) + STUB_NAMES

    def mechanisms(self) -> tuple[str, ...]:
        """The NEURON mechanisms the cell inserts."""
        found = []
        nml = self.nml
        if nml is not None:
            for entries in nml.groups.values():
                for entry in entries.values():
                    if entry.tag == "concentrationModel":
                        found.append(entry.id)
                    elif entry.tag in ("channelDensity", "channelDensityNernst"):
                        found.append(entry.values["ionChannel"])
        if self.perisomatic is not None:
            found.append("pas")
            found += [mech for _, _, mech, _, _ in self.perisomatic.genome if mech != ""]
        return tuple(dict.fromkeys(found))


def bmtk_cell(*, morphology, model_template, model_processing, dynamics_params,
              templates_dir, dL, dynamics_params_file=None) -> BmtkCell:
    """The checked inputs of a BMTK biophysical cell (see the module's docstring):
    ``morphology`` the SWC file; ``model_template`` ``nml:<file>``, ``ctdb:Biophys1`` or
    ``ctdb:Biophys1.hoc``; ``model_processing`` None or a comma-separated list;
    ``dynamics_params`` the node's Allen fit (None for SONATA's NONE); ``templates_dir``
    BMTK's biophysical_neuron_models_dir; ``dL`` the run's dL or None;
    ``dynamics_params_file`` names the fit in messages. Raises FormatError for what BMTK
    would refuse or a cellParams cannot represent, where that shows without NEURON."""
    morphology = Path(morphology)
    if not morphology.is_file():
        raise FormatError(f"morphology file {str(morphology)!r} does not exist")
    check_swc(morphology)
    if dL is not None and (isinstance(dL, bool) or not isinstance(dL, (int, float))
                           or not dL > 0):
        raise FormatError(f"dL must be a positive number of um, not {dL!r}")
    cell = BmtkCell(morphology=morphology, model_template=model_template,
                    model_processing=model_processing, fit=dynamics_params,
                    templates_dir=None if templates_dir is None else Path(templates_dir),
                    dL=None if dL is None else float(dL),
                    fit_name=str(dynamics_params_file) if dynamics_params_file
                    else "dynamics_params")
    cell.section_names()  # parses (so checks) the template and fit, and the axon
    return cell


# --- the morphology -----------------------------------------------------------------------
def check_swc(path: Path) -> None:
    """The SWC's point types must be ones a Biophys1-like template holds (1-4)."""
    points = read_swc(path)
    other = sorted(set(points.types.tolist()) - set(SWC_TYPES))
    if other:
        raise FormatError(f"morphology {str(path)!r} has SWC point types {other}: BMTK's "
                          "Biophys1 template holds only soma (1), axon (2), dend (3) and "
                          "apic (4)")
    if 1 not in set(points.types.tolist()):
        raise FormatError(f"morphology {str(path)!r} has no soma (SWC type 1)")


# --- the template and the processing --------------------------------------------------------
def template_file(model_template, templates_dir) -> "NmlTemplate | None":
    """The parsed NeuroML file of an ``nml:`` template, None for ctdb:Biophys1."""
    if not isinstance(model_template, str) or ":" not in model_template:
        raise FormatError(f"model_template {model_template!r} is not '<directive>:<name>'")
    if model_template in TEMPLATES:
        return None
    directive, name = model_template.split(":")[:2]  # as BMTK splits it
    if directive != "nml":
        raise FormatError(f"model_template {model_template!r} is not supported: only "
                          "'nml:<file>' and 'ctdb:Biophys1' are")
    path = Path(templates_dir) / name if templates_dir is not None else Path(name)
    if not path.is_file():
        raise FormatError(f"NeuroML template {str(path)!r} (model_template "
                          f"{model_template!r}) does not exist")
    return NmlTemplate.read(path)


def processing_steps(model_processing, model_template) -> list[str]:
    """The model_processing steps (only ``aibs_perisomatic`` is reproduced)."""
    if model_processing is None:
        return []
    items = model_processing.split(",") if isinstance(model_processing, str) \
        else list(model_processing)
    for item in items:
        if item == "aibs_perisomatic":
            continue
        what = "is not supported" if item in KNOWN_PROCESSING else "is unknown"
        raise FormatError(f"model_processing {item!r} (with model_template "
                          f"{model_template!r}) {what}: only 'aibs_perisomatic' is")
    return items


# --- NeuroML templates (BMTK's reading of them) -------------------------------------------
_NML_NS = "{http://www.neuroml.org/schema/neuroml2}"
_NML_TAGS = ("channelDensity", "channelDensityNernst", "resistivity", "specificCapacitance",
             "concentrationModel")
_NML_GROUPS = {"soma": "soma", "somatic": "soma", "axon": "axon", "axonal": "axon",
               "dend": "dend", "basal": "dend", "dendritic": "dend", "apic": "apic",
               "apical": "apic"}


@dataclass
class NmlEntry:
    tag: str
    id: str
    values: dict


@dataclass
class NmlTemplate:
    """BMTK's reading of a NeuroML template: per section type, its entries by id, in file
    order (a repeated id replaces the earlier one's values in its place)."""

    path: Path
    groups: dict  # section type -> {id: NmlEntry}

    @classmethod
    def read(cls, path: Path) -> "NmlTemplate":
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError) as err:
            raise FormatError(f"cannot read NeuroML template {str(path)!r}: {err}") from None
        groups = {t: {} for t in SECTION_TYPES}
        for elem in root.iter():
            if not (isinstance(elem.tag, str) and elem.tag.startswith(_NML_NS)
                    and elem.tag[len(_NML_NS):] in _NML_TAGS):
                continue
            tag = elem.tag[len(_NML_NS):]
            entry = NmlEntry(tag, elem.attrib.get("id", tag), _nml_values(path, tag, elem))
            group = elem.attrib.get("segmentGroup")
            if group is None:
                raise FormatError(f"{str(path)!r}: <{tag} id={entry.id!r}> has no "
                                  "segmentGroup")
            if group.lower() == "all":
                types = list(SECTION_TYPES)
            elif group.lower() in _NML_GROUPS:
                types = [_NML_GROUPS[group.lower()]]
            else:
                raise FormatError(f"{str(path)!r}: <{tag} id={entry.id!r}> has segmentGroup "
                                  f"{group!r}; BMTK knows only all, "
                                  + ", ".join(_NML_GROUPS))
            for sec_type in types:
                if sec_type in groups[sec_type]:  # BMTK's check: an id equal to the type
                    raise FormatError(f"{str(path)!r}: <{tag} id={entry.id!r}> is refused by "
                                      f"BMTK ({sec_type} already has an entry {sec_type!r})")
                groups[sec_type][entry.id] = entry
        return cls(path, groups)


def _nml_values(path, tag, elem) -> dict:
    attrib = elem.attrib

    def need(key):
        if key not in attrib:
            raise FormatError(f"{str(path)!r}: <{tag} id={attrib.get('id', tag)!r}> has no "
                              f"{key}")
        return attrib[key]

    def number(key):
        text = need(key)
        parts = text.split(" ")  # BMTK: "<number>" or "<number> <units>", units ignored
        try:
            if len(parts) in (1, 2):
                return float(parts[0])
        except ValueError:
            pass
        raise FormatError(f"{str(path)!r}: <{tag} id={attrib.get('id', tag)!r}> {key}="
                          f"{text!r} is not '<number> <units>'")

    if tag in ("channelDensity", "channelDensityNernst"):
        out = {"ion": need("ion"), "ionChannel": need("ionChannel")}
        out["erev"] = number("erev") if "erev" in attrib else None
        out["condDensity"] = number("condDensity")
        return out
    if tag in ("resistivity", "specificCapacitance"):
        return {"value": number("value")}
    return {"type": need("type"), "decay": number("decay"), "gamma": number("gamma")}


# --- Allen perisomatic fits -------------------------------------------------------------
@dataclass(frozen=True)
class PerisomaticFit:
    """The parts of an Allen perisomatic fit BMTK's set_params_peri reads."""

    ra: object
    e_pas: object
    cm: dict  # section type -> cm
    genome: list  # (index, section type, mechanism, parameter name, value)
    erevs: list  # (index, section type, ena, ek)


def perisomatic_fit(fit: dict, where: str) -> PerisomaticFit:
    try:
        passive, conditions, genome = fit["passive"][0], fit["conditions"][0], fit["genome"]
        ra, e_pas = passive["ra"], passive["e_pas"]
        cm = {c["section"]: c["cm"] for c in passive["cm"]}
        genome = [(i, p["section"], p["mechanism"], p["name"], p["value"])
                  for i, p in enumerate(genome)]
        erevs = [(i, e["section"], e["ena"], e["ek"]) for i, e in enumerate(conditions["erev"])]
    except (KeyError, IndexError, TypeError) as err:
        raise FormatError(f"{where!r}: not an Allen perisomatic fit (passive, conditions, "
                          f"genome): missing {err}") from None
    return PerisomaticFit(ra, e_pas, cm, genome, erevs)


def fit_number(value, where, item) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise FormatError(f"{where!r}: {item} must be a number, not {value!r}")
    return float(value)
