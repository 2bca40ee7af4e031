"""Cell types made by a program (model.catalog.CellTemplate), given their sections: the
engine runs the program in NEURON, reads the cell back and validates it like any cellParams
entry. Done when a model is instantiated (NeuronModel), or before, for what needs a
cell's sections (a NeuroML2 export, shape plots).
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import FormatError
from ..validate.cells import cell_type_from_file
from . import bmtk_cells, modfiles

#: CellTemplate.kind -> the function that makes its cellParams entry in NEURON
MAKERS = {"bmtk_biophysical": bmtk_cells.template_cell_params}


def with_sections(network, mod_folders=()):
    """``network`` with every template cell type made, after loading the network's
    mod_folders and ``mod_folders`` (the mechanisms the templates insert); the network
    itself when none awaits its sections."""
    if not any(t.awaits_sections for t in network.cell_types):
        return network
    for folder in (*network.mod_folders, *mod_folders):
        modfiles.load(folder)
    return replace(network, cell_types=tuple(made(t) if t.awaits_sections else t
                                             for t in network.cell_types))


def made(cell_type):
    """The cell type with the sections its template makes (and the template kept)."""
    template, where = cell_type.template, f"cell type '{cell_type.label}'"
    maker = MAKERS.get(template.kind)
    if maker is None:
        raise FormatError(f"{where}: no way to make cells of template kind "
                          f"{template.kind!r} (known: {', '.join(MAKERS)})")
    params = maker(template)
    out = replace(cell_type_from_file(cell_type.label, params, cell_type.threshold, where),
                  threshold=cell_type.threshold, place_pt3d=cell_type.place_pt3d,
                  variant_of=cell_type.variant_of, template=template)
    if out.section_names != template.section_names:
        raise FormatError(f"{where}: NEURON made the sections {list(out.section_names)}, "
                          f"not the {list(template.section_names)} its template was read "
                          "to make")
    return out
