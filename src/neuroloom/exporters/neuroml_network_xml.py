"""The network part of a NeuroML export in XML: populations with their instances,
projections of connectionWD, input lists; and where on the exported cells (segment, fraction
along) connections and inputs land, which the HDF5 writer shares."""
from __future__ import annotations

import numpy as np

from ..neuroml import conventions as nc


def population_xml(f, plan, code, pop) -> None:
    cells = plan.net.cells
    gids = range(pop.gid_start, pop.gid_start + pop.size)
    ids, comps = plan.pop_ids[code], plan.components[code]
    if len(ids) == 1:
        f.write(f'        <population id="{ids[0]}" component="{comps[0]}" size="{pop.size}" '
                'type="populationList">\n')
        f.writelines(instance(k, cells, g) for k, g in enumerate(gids))
        f.write("        </population>\n")
        return
    for k, (pop_id, comp, gid) in enumerate(zip(ids, comps, gids)):
        f.write(f'        <population id="{pop_id}" component="{comp}" size="1" '
                f'type="populationList">\n{instance(0, cells, gid)}        </population>\n')


def instance(k, cells, gid) -> str:
    return (f'            <instance id="{k}"><location x="{nc.num(cells.x[gid])}" '
            f'y="{nc.num(cells.y[gid])}" z="{nc.num(cells.z[gid])}"/></instance>\n')


def cell_refs(plan, gids) -> list[str]:
    """'../<pop>/<index>/<component>' of each gid."""
    cells = plan.net.cells
    pops, index = cells.pop[gids], cells.index[gids]
    return [f"../{plan.pop_ids[p][0]}/{i}/{plan.components[p][0]}"
            for p, i in zip(pops.tolist(), index.tolist())]


def post_sites(plan, gids, secs, locs):
    """(segment ids, fractions along) of connections onto these cells."""
    types = plan.net.cells.cell_type[gids]
    names = plan.net.section_names
    seg = np.zeros(len(gids), dtype=np.int64)
    frac = np.full(len(gids), 0.5)
    for code in np.unique(types).tolist():
        exported = plan.cells.get(code)
        mine = np.flatnonzero(types == code)
        if exported is None or not exported.segments:
            continue
        cache = {}
        for i in mine.tolist():
            key = (int(secs[i]), float(locs[i]))
            if key not in cache:
                cache[key] = exported.locate(names[key[0]], key[1])
            seg[i], frac[i] = cache[key]
    return seg, frac


def pre_site(plan, code) -> tuple[int, float]:
    exported = plan.cells.get(code)
    if exported is None or not exported.segments:
        return 0, 0.5
    cell_type = plan.net.cell_types[code]
    return exported.locate(cell_type.spike_sec, cell_type.spike_loc)


def projection_xml(f, plan, proj) -> None:
    c, rows = plan.net.conns, proj.rows
    f.write(f'        <projection id="{proj.id}" presynapticPopulation="{proj.pre}" '
            f'postsynapticPopulation="{proj.post}" synapse="{proj.synapse}">\n')
    pre_ref, post_ref = cell_refs(plan, c.pre_gid[rows]), cell_refs(plan, c.post_gid[rows])
    pre_seg, pre_frac = pre_site(plan, int(plan.net.cells.cell_type[c.pre_gid[rows[0]]]))
    post_seg, post_frac = post_sites(plan, c.post_gid[rows], c.sec[rows], c.loc[rows])
    pre = site_text("pre", pre_seg, pre_frac)
    weights, delays = c.weight[rows].tolist(), c.delay[rows].tolist()
    f.writelines(
        f'            <connectionWD id="{row}" preCellId="{a}"{pre} postCellId="{b}"'
        f'{site_text("post", s, x)} weight="{nc.num(w)}" delay="{nc.num(d)}ms"/>\n'
        for row, a, b, s, x, w, d in zip(rows.tolist(), pre_ref, post_ref, post_seg.tolist(),
                                         post_frac.tolist(), weights, delays))
    f.write("        </projection>\n")


def site_text(end: str, segment: int, fraction: float) -> str:
    """Segment and fraction attributes, left out where they are NeuroML's defaults."""
    text = f' {end}SegmentId="{segment}"' if segment else ""
    return text + (f' {end}FractionAlong="{nc.num(fraction)}"' if fraction != 0.5 else "")


def input_list_xml(f, plan, inputs) -> None:
    s, rows = plan.net.stims, inputs.rows
    f.write(f'        <inputList id="{inputs.id}" population="{inputs.population}" '
            f'component="{inputs.component}">\n')
    refs = cell_refs(plan, s.gid[rows])
    seg, frac = post_sites(plan, s.gid[rows], s.sec[rows], s.loc[rows])
    for row, ref, sg, fr in zip(rows.tolist(), refs, seg.tolist(), frac.tolist()):
        tag, weight = ("inputW", f' weight="{nc.num(s.weight[row])}"') if inputs.weights \
            else ("input", "")
        f.write(f'            <{tag} id="{row}" target="{ref}" destination="synapses" '
                f'segmentId="{sg}" fractionAlong="{nc.num(fr)}"{weight}/>\n')
    f.write("        </inputList>\n")


def instance_xml(kind: str, ident, pre: tuple, post: tuple, weight: float,
                 components: str) -> str:
    """One ``<{kind}Instance>`` line of an electrical or continuous projection (``...W``
    with its weight where that is not 1): ``pre``, ``post`` are (cell reference, segment,
    fraction along), ``components`` the attributes naming its synapse(s)."""
    tag, w = ((f"{kind}Instance", "") if weight == 1.0 else
              (f"{kind}InstanceW", f' weight="{nc.num(weight)}"'))
    return (f'            <{tag} id="{ident}" preCell="{pre[0]}" preSegment="{int(pre[1])}" '
            f'preFractionAlong="{nc.num(pre[2])}" postCell="{post[0]}" '
            f'postSegment="{int(post[1])}" postFractionAlong="{nc.num(post[2])}" '
            f'{components}{w}/>\n')
