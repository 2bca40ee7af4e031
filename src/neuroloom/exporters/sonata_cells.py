"""The cell models of an exported SONATA circuit: what each node type's model columns name,
and the component files they need, in the forms BMTK 1.2.0 runs.

- VecStim cells: virtual nodes (their trains are a spike input, see exporters/sonata.py).
- Artificial cells and neuroloom's Izhikevich cells: point_process nodes ``nrn:<mod>`` with a
  dynamics file in components/point_neuron_models (BMTK's units: IntFire times in seconds).
- Cells BMTK's own procedure makes (imported SONATA biophysical cells, a ``bmtk_biophysical``
  CellTemplate): the same inputs again, their files copied into the circuit: the SWC into
  components/morphologies, an ``nml:`` template and the Allen fit into
  components/biophysical_neuron_templates, with the model_processing and the run's dL.
- Other compartmental cells: a hoc template per cell type (exporters/hoc_template.py) in
  components/templates, ``hoc:<name>``; BMTK detects their spikes on ``soma[0](0.5)``.
- Whatever no hoc template can say: ``neuroloom:<label>``, which only neuroloom runs (a
  warning says so).

The mechanisms the cells need beyond NEURON's built-ins are the .mod files of the network's
mod_folders and the run's modFolders, copied into components/mechanisms/modfiles (BMTK's
layout: compile with ``nrnivmodl modfiles`` in components/mechanisms).
"""
from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

from ..errors import FormatError
from ..naming import unique
from ..sonata import conventions as sc
from ..sonata.bmtk_cells import KIND as BMTK_KIND
from ..validate.izhikevich import as_point_process
from .hoc_template import TemplateError, hoc_template, template_name
from .segmentation import bmtk_nseg, dl_keeping, section_length

TEMPLATES = "components/templates"
POINT_MODELS = "components/point_neuron_models"
MORPHOLOGIES = "components/morphologies"
BIOPHYSICAL = "components/biophysical_neuron_templates"
MECHANISMS = "components/mechanisms"
#: the circuit config's component keys of those folders
#: neuroloom's own VecStim (NEURON 9 has none built in), which SONATA simulators need for
#: virtual nodes: copied into every export with a virtual population
VECSTIM_MOD = Path(__file__).resolve().parent.parent / "mod" / "vecstim" / "vecstim.mod"
_VECSTIM = re.compile(r"^\s*ARTIFICIAL_CELL\s+VecStim\b", re.M)
_MOD_COMMENT = re.compile(r"COMMENT.*?ENDCOMMENT|:[^\n]*", re.S)
COMPONENT_KEYS = {TEMPLATES: "templates_dir", POINT_MODELS: "point_neuron_models_dir",
                  MORPHOLOGIES: "morphologies_dir",
                  BIOPHYSICAL: "biophysical_neuron_models_dir",
                  MECHANISMS: "mechanisms_dir"}


class CellModels:
    """The node-type model columns of every cell type of a network, and their files.

    Parameters
    ----------
    root : pathlib.Path
        The circuit's folder.
    network : model.Network
        The network (template cell types need their sections only when they are not
        BMTK's own cells).
    write_json, write_text : callable
        ``(relative name, data)``: the exporter's writers, which record the files.
    """

    def __init__(self, root: Path, network, write_json, write_text):
        self.root, self.net = root, network
        self._json, self._text = write_json, write_text
        self.used: set[str] = set()  # component folders with files
        self.run: dict = {}  # run settings the cells need (dL)
        self.rows: dict[int, dict] = {}
        self.copied: list[Path] = []
        self._segments: list[tuple[str, float, int]] = []  # of the hoc templates' cells
        taken: set = set()
        used = set(network.cells.cell_type.tolist())
        for code, cell_type in enumerate(network.cell_types):
            self.rows[code] = self._model(cell_type, taken)
            if code in used and self.rows[code].get("model_template", "").startswith("hoc:"):
                self._segments += [(f"{cell_type.label}.{sec.name}", section_length(sec),
                                    sec.nseg) for sec in cell_type.sections]
        self._keep_segments()

    def row(self, code: int) -> dict:
        """The model columns of the node type of cell type ``code``."""
        return dict(self.rows[code])

    def _model(self, cell_type, taken) -> dict:
        if cell_type.is_artificial:
            mod = cell_type.artificial.mod
            if mod == "VecStim":
                return {"model_type": "virtual"}
            params = sc.dynamics_from_neuron(mod, dict(cell_type.artificial.params))
            return self._point(cell_type.label, mod, params)
        izhikevich = as_point_process(cell_type)
        if izhikevich is not None:  # neuroloom's point_process dialect
            return self._point(cell_type.label, *izhikevich)
        if cell_type.template is not None and cell_type.template.kind == BMTK_KIND:
            return self._bmtk_cell(cell_type)
        name = template_name(cell_type.label, taken)
        try:
            text = hoc_template(cell_type, name)
        except TemplateError as err:
            warnings.warn(f"cell type '{cell_type.label}': {err}, which a hoc template cannot "
                          f"hold: written as model_template 'neuroloom:{cell_type.label}', "
                          "which only neuroloom runs", UserWarning, stacklevel=4)
            self._biophysical_folders()
            return {"model_type": "biophysical",
                    "model_template": f"neuroloom:{cell_type.label}"}
        self._text(f"{TEMPLATES}/{name}.hoc", text)
        self.used.add(TEMPLATES)
        # the template makes the cell's geometry itself (no morphology column: BMTK would
        # pass the file to init())
        self._biophysical_folders()
        if "soma" not in [s.name for s in cell_type.sections]:
            warnings.warn(f"cell type '{cell_type.label}' has no section named 'soma': BMTK "
                          "detects spikes on soma[0] and cannot run its template",
                          UserWarning, stacklevel=4)
        elif (cell_type.spike_sec, cell_type.spike_loc) != ("soma", 0.5):
            warnings.warn(f"cell type '{cell_type.label}' detects spikes at "
                          f"{cell_type.spike_sec}({cell_type.spike_loc:g}); BMTK at "
                          "soma(0.5)", UserWarning, stacklevel=4)
        return {"model_type": "biophysical", "model_template": f"hoc:{name}"}

    def _keep_segments(self) -> None:
        """The run's dL, so that BMTK, which re-segments every biophysical cell by it
        (exporters/segmentation.py), keeps the templates' nseg; a warning when none can."""
        if not self._segments:
            return
        given = self.run.get("dL")
        if given is not None:  # BMTK's own cells were made with it
            lost = [f"{name} (L {length:g} um, nseg {nseg})"
                    for name, length, nseg in self._segments
                    if bmtk_nseg(length, given) != nseg]
        else:
            dl, lost = dl_keeping(self._segments)
            if dl is not None:
                self.run["dL"] = dl
        if lost:
            warnings.warn(f"BMTK re-segments biophysical cells by the run's dL "
                          f"(nseg = 1 + 2*int(L/(2*dL))), and no dL keeps the nseg of "
                          f"{', '.join(lost[:5])}{' ...' if len(lost) > 5 else ''}: "
                          "BMTK simulates those sections with other segments",
                          UserWarning, stacklevel=5)

    def _biophysical_folders(self) -> None:
        """libsonata wants a morphologies_dir and a biophysical_neuron_models_dir for every
        biophysical population, even when its cells need neither."""
        for folder in (MORPHOLOGIES, BIOPHYSICAL):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self.used.add(folder)

    def _point(self, label, mod, params) -> dict:
        stem = file_stem(label)
        self._json(f"{POINT_MODELS}/{stem}.json", params)
        self.used.add(POINT_MODELS)
        return {"model_type": "point_process", "model_template": f"nrn:{mod}",
                "dynamics_params": f"{stem}.json"}

    def _bmtk_cell(self, cell_type) -> dict:
        """The inputs of BMTK's procedure again, with their files in the circuit."""
        p = dict(cell_type.template.params)
        where = f"cell type '{cell_type.label}'"
        morphology = self._copy(Path(p["morphology"]), MORPHOLOGIES, where)
        self.used.add(MORPHOLOGIES)
        row = {"model_type": "biophysical", "model_template": p["model_template"],
               "model_processing": p["model_processing"], "morphology": morphology}
        directive, name = sc.model_template(p["model_template"], where)
        if directive == "nml":
            if p["templates_dir"] is None:
                raise FormatError(f"{where}: its template {p['model_template']!r} has no "
                                  "biophysical_neuron_models_dir to be copied from")
            target = Path(BIOPHYSICAL) / name
            self._copy_to(Path(p["templates_dir"]) / name, target, where)
            self.used.add(BIOPHYSICAL)
        fit = json.loads(p["dynamics_params"])
        if fit is not None:
            stem = f"{file_stem(cell_type.label)}_dynamics.json"
            self._json(f"{BIOPHYSICAL}/{stem}", fit)
            self.used.add(BIOPHYSICAL)
            row["dynamics_params"] = stem
        if p["dL"] is not None:
            if self.run.setdefault("dL", p["dL"]) != p["dL"]:
                raise FormatError(f"{where}: made with dL {p['dL']}, other cells with "
                                  f"{self.run['dL']}; a SONATA run has one dL")
        return row

    def _copy(self, source: Path, folder: str, where: str) -> str:
        """``source`` copied into ``folder`` under its own name (made unique when another
        file took it); returns the name."""
        names = {path.name for path in self.copied if path.parent == self.root / folder}
        same = [path for path in self.copied if path.parent == self.root / folder
                and _same_file(path, source)]
        if same:
            return same[0].name
        name = unique(source.stem, {Path(n).stem for n in names}) + source.suffix
        self._copy_to(source, Path(folder) / name, where)
        return name

    def _copy_to(self, source: Path, target: Path, where: str) -> None:
        path = self.root / target
        if path.exists():
            return
        if not source.is_file():
            raise FormatError(f"{where}: {source} not found (to be copied to {target})")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, path)
        self.copied.append(path)

    def mechanisms(self, folders, vecstim: bool = False) -> bool:
        """Copy the .mod files of ``folders`` into components/mechanisms/modfiles; True if
        there were any. Two files of one name and different text are an error. With
        ``vecstim`` (the circuit has virtual nodes), neuroloom's own VecStim too, unless a
        file of ``folders`` defines one already (BMTK's vecevent.mod)."""
        found = {}
        for folder in folders:
            folder = sc.mod_folder(Path(folder))
            if not folder.is_dir():
                raise FormatError(f"mechanism folder {folder} not found")
            for mod in sorted(folder.glob("*.mod")):
                earlier = found.setdefault(mod.name, mod)
                if earlier != mod and earlier.read_bytes() != mod.read_bytes():
                    raise FormatError(f"{mod} and {earlier}: two different mechanisms "
                                      f"files named {mod.name}")
        if vecstim and not any(_VECSTIM.search(_MOD_COMMENT.sub("", mod.read_text(
                errors="replace"))) for mod in found.values()):
            if VECSTIM_MOD.name in found:
                raise FormatError(f"{found[VECSTIM_MOD.name]}: a mechanisms file named "
                                  f"{VECSTIM_MOD.name} that is not a VecStim; the export "
                                  "needs neuroloom's VecStim under that name")
            found[VECSTIM_MOD.name] = VECSTIM_MOD
        for name, mod in found.items():
            self._copy_to(mod, Path(MECHANISMS) / sc.MOD_SUBFOLDER / name, f"mechanism {name}")
        if found:
            self.used.add(MECHANISMS)
        return bool(found)


def _same_file(copy: Path, source: Path) -> bool:
    return copy.read_bytes() == source.read_bytes() if source.is_file() else False


def file_stem(label: str) -> str:
    """A file name made of a label."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", label)
