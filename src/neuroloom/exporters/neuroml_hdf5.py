"""An export plan as libNeuroML's HDF5 layout: the components as the document's XML in
an attribute, populations, projections and input lists as column datasets
(exporters/neuroml.py plans what is written, exporters/neuroml_network_xml.py places it)."""
from __future__ import annotations

import h5py
import numpy as np

from ..errors import FormatError
from ..neuroml import annotation
from ..neuroml import conventions as nc
from .neuroml_electrical import is_electrical
from .neuroml_network_xml import post_sites, pre_site


def write_hdf5(path, doc_id: str, plan, components_xml: str, ids: dict) -> None:
    """The export plan (exporters/neuroml.py) as a NeuroML HDF5 file at ``path``:
    ``components_xml`` is the document of its components, ``ids`` the NeuroML ids the
    annotation describes. Gap junctions and continuous connections have no HDF5 form here:
    a FormatError."""
    # no XML declaration: libNeuroML parses this attribute as a str, which lxml refuses
    # with one
    components = components_xml.split("\n", 1)[1] + "</neuroml>\n"
    with h5py.File(path, "w") as f:
        root = f.create_group("neuroml")
        root.attrs["id"] = doc_id
        root.attrs["notes"] = "Exported by neuroloom"
        root.attrs["neuroml_top_level"] = components
        net = root.create_group("network", track_order=True)  # populations in their order
        net.attrs["id"] = "network"
        net.attrs["notes"] = ""
        net.attrs["temperature"] = f"{nc.num(plan.run.celsius)}degC"
        net.attrs[nc.ANNOTATION_TAG] = annotation.text(plan.net, ids, plan.run)
        cells = plan.net.cells
        for code, pop in enumerate(plan.net.pops):
            gids = np.arange(pop.gid_start, pop.gid_start + pop.size)
            for k, (pop_id, comp) in enumerate(zip(plan.pop_ids[code], plan.components[code])):
                mine = gids if len(plan.pop_ids[code]) == 1 else gids[k:k + 1]
                group = net.create_group(f"population_{pop_id}")
                group.attrs.update(id=pop_id, component=comp, size=len(mine),
                                   type="populationList")
                _columns(group, pop_id, [cells.x[mine], cells.y[mine], cells.z[mine]],
                         ("x", "y", "z"))
        c = plan.net.conns
        for proj in plan.projections:
            rows = proj.rows
            if proj.continuous or is_electrical(plan.net.syn_mechs[int(c.syn_mech[rows[0]])]):
                raise FormatError(f"{path}: gap junctions (projection {proj.id}) are not "
                                  "written to NeuroML HDF5 (export to .nml)")
            group = net.create_group(f"projection_{proj.id}")
            group.attrs.update(id=proj.id, type="projection", presynapticPopulation=proj.pre,
                               postsynapticPopulation=proj.post, synapse=proj.synapse)
            pre_seg, pre_frac = pre_site(plan, int(cells.cell_type[c.pre_gid[rows[0]]]))
            post_seg, post_frac = post_sites(plan, c.post_gid[rows], c.sec[rows], c.loc[rows])
            n = len(rows)
            _columns(group, proj.id, [
                rows, cells.index[c.pre_gid[rows]], cells.index[c.post_gid[rows]],
                np.full(n, pre_seg), post_seg, np.full(n, pre_frac), post_frac,
                c.weight[rows], c.delay[rows]],
                ("id", "pre_cell_id", "post_cell_id", "pre_segment_id", "post_segment_id",
                 "pre_fraction_along", "post_fraction_along", "weight", "delay"))
            plan.wrote(proj)
        s = plan.net.stims
        for inputs in plan.inputs:
            rows = inputs.rows
            group = net.create_group(f"inputList_{inputs.id}")
            group.attrs.update(id=inputs.id, component=inputs.component,
                               population=inputs.population)
            seg, frac = post_sites(plan, s.gid[rows], s.sec[rows], s.loc[rows])
            columns = [rows, cells.index[s.gid[rows]], seg, frac]
            names = ["id", "target_cell_id", "segment_id", "fraction_along"]
            if inputs.weights:
                columns.append(s.weight[rows])
                names.append("weight")
            _columns(group, inputs.id, columns, names)


def _columns(group, name, columns, names) -> None:
    data = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns]) if len(
        columns[0]) else np.zeros((0, len(columns)))
    dataset = group.create_dataset(name, data=data)
    for i, column in enumerate(names):
        dataset.attrs[f"column_{i}"] = column
