"""netParams.importCellParams: a cell file as a cellParams entry. hoc templates, Python
classes and SWC/ASC morphologies are run in NEURON by the engine (engine/introspect.py)
and read back, as NetPyNE does; NeuroML2 cells are read with libNeuroML
(neuroml/cell_params.py)."""
from __future__ import annotations

from pathlib import Path

from ..engine import introspect
from ..neuroml.cell_params import cell_params_from_neuroml

NEUROML_SUFFIXES = (".nml", ".xml")


def import_cell(file_name, cell_name=None, cell_args=None, import_syn_mechs=False,
                soma_at_origin=True, cell_instance=False):
    """(cellParams dict, synMechParams dict) of the cell a file describes. NEURON is used
    for templates, classes and morphologies, and left with none of the cell's sections."""
    if Path(file_name).suffix.lower() in NEUROML_SUFFIXES:
        params, syn_mechs = cell_params_from_neuroml(file_name, cell_name), {}
    else:
        before = introspect.global_values()
        cell, sections = introspect.instantiate(str(file_name), cell_name, cell_args,
                                                cell_instance)
        try:
            params, syn_mechs = introspect.cell_params(cell, sections, import_syn_mechs)
        finally:
            if not cell_instance:
                del cell
                introspect.discard(None, sections)
            del sections
        _keep_globals(params, introspect.changed_globals(before, _mechanisms(params)))
    if soma_at_origin:
        _soma_to_origin(params)
    return params, syn_mechs


def _mechanisms(params) -> set[str]:
    return {mech for sec in params["secs"].values() for mech in sec.get("mechs", {})}


def _keep_globals(params, changed: dict) -> None:
    """Globals the file set become the rule's ``globals``; its v_init becomes each
    section's ``vinit`` (the cell starts there whatever hParams' v_init), as in NetPyNE."""
    if not changed:
        return
    params["globals"] = dict(changed)
    if "v_init" in changed:
        for sec in params["secs"].values():
            sec["vinit"] = changed["v_init"]


def _soma_to_origin(params) -> None:
    """Shift the 3D points so the middle point of the soma is at (0, 0, 0)."""
    secs = params.get("secs", {})
    soma = next((s for name, s in secs.items() if "soma" in name and "pt3d" in s["geom"]),
                None)
    if soma is None:
        return
    points = soma["geom"]["pt3d"]
    x0, y0, z0 = points[len(points) // 2][:3]
    for sec in secs.values():
        if "pt3d" in sec["geom"]:
            sec["geom"]["pt3d"] = [[x - x0, y - y0, z - z0, d]
                                   for x, y, z, d in sec["geom"]["pt3d"]]
