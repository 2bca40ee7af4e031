"""Recording SONATA reports: a variable at the middle of each cell's soma, at every
segment of every section, of the synapses the cell's connections drive (BMTK's
netcon_report) or the current of its clamps (clamp_report), sampled every time step.

The frames are BMTK's: frame k is the value after time step k, at t = (k + 1)*dt (the
state at t = 0 is not a frame), so a report file holds what BMTK's holds frame for frame
(see results/sonata_reports.py)."""
from __future__ import annotations

import numpy as np

from ..errors import MechanismError
from .replay import replayed_cell_gids

#: what a clamp report's variable records: the stimulus classes and their variable
CLAMP_CLASSES = {"se": (("SEClamp", "VClamp"), "i"), "ic": (("IClamp",), "i")}


class ReportProbes:
    """``report_gids``: report label -> the gids it covers (each rank records its own)."""

    def __init__(self, h, cells: dict, reports, report_gids: dict, dt: float,
                 every_step: bool = False, wiring=None):
        """``every_step``: record without a sampling interval (CoreNEURON hands back only
        such vectors); the same samples, one per time step. ``wiring``: (network, NetCon
        List, the connection row of each NetCon, Stimuli) where synapse and clamp reports
        find their objects."""
        self._vectors = {}  # label -> {gid: (Vectors, section ids, positions[, sources])}
        problems = []
        for report in reports:
            if report.sections == "synapses":
                self._vectors[report.label] = _synapse_probes(
                    h, cells, report, report_gids[report.label], wiring, problems)
                continue
            if report.sections == "clamps":
                self._vectors[report.label] = _clamp_probes(
                    h, cells, report, report_gids[report.label], wiring)
                continue
            mine = {}
            for gid in report_gids[report.label]:
                cell = cells.get(int(gid))
                if cell is None or not cell.secs:
                    continue  # another rank's, or an artificial cell (no sections)
                places = _places(cell, report.sections)
                vectors = []
                for sec_name, x in places:
                    ref = getattr(cell.secs[sec_name](x), f"_ref_{report.var}", None)
                    if ref is None:
                        problems.append(f"sonataReports['{report.label}']: '{report.var}' is "
                                        f"not a variable of section '{sec_name}' in cellType "
                                        f"'{cell.cell_type.user_label}'")
                        break
                    vec = h.Vector()
                    # every time step: recording every dt may miss the step that ends at
                    # tstop (rounding), the last of BMTK's frames
                    vec.record(ref)
                    vectors.append(vec)
                names = cell.cell_type.section_names
                mine[int(gid)] = (vectors, np.array([names.index(s) for s, _ in places]),
                                  np.array([x for _, x in places]))
            self._vectors[report.label] = mine
        if problems:
            raise MechanismError("\n".join(dict.fromkeys(problems)))

    def collect(self) -> dict:
        """label -> {gid: (frames x elements array, section ids, positions[, source gids
        of a synapse report])}; frame k is the value at (k + 1)*dt: the sample at t = 0 is
        dropped."""
        return {label: {gid: (np.column_stack([np.array(v) for v in vectors])[1:], *rest)
                        for gid, (vectors, *rest) in cells.items()}
                for label, cells in self._vectors.items()}


def _synapse_probes(h, cells, report, gids, wiring, problems) -> dict:
    """gid -> (Vectors, section ids, positions, source gids) of a synapse report: the
    variable of each synapse of class ``report.syn_type`` a connection onto the cell
    drives, one per NetCon, in BMTK's order (connections from cells first, then from
    virtual nodes; each group in table order: edge population, then edge); the source is
    -1 for a virtual node, which BMTK drives without a gid."""
    mine = {}
    if wiring is None or wiring[1] is None:
        return mine  # no connections made
    network, netcons, rows, _ = wiring
    conns = network.conns
    virtual = replayed_cell_gids(network)
    virtual_set = set(virtual.tolist())
    wanted = {int(g) for g in gids}
    post = conns.post_gid[rows]
    keep = np.flatnonzero(np.isin(post, list(wanted)))
    from_virtual = np.isin(conns.pre_gid[rows[keep]], virtual)
    keep = keep[np.lexsort((rows[keep], from_virtual))]  # stable: cells, then virtual
    by_cell = {}
    for i in keep.tolist():
        by_cell.setdefault(int(post[i]), []).append(i)
    for gid in sorted(by_cell):
        cell = cells.get(gid)
        if cell is None or not cell.secs:
            continue  # another rank's, or a point cell (no synapses of its own)
        names = cell.cell_type.section_names
        vectors, secs, pos, sources = [], [], [], []
        for i in by_cell[gid]:
            nc = netcons.o(i)
            syn = nc.syn()
            if not syn.hname().startswith(report.syn_type):
                continue
            ref = getattr(syn, f"_ref_{report.var}", None)
            if ref is None:
                problems.append(f"sonataReports['{report.label}']: '{report.var}' is not a "
                                f"variable of {report.syn_type}")
                return mine
            x = syn.get_loc()  # pushes the synapse's section
            sec_name = network.section_names[conns.sec[rows[i]]]
            h.pop_section()
            vec = h.Vector()
            vec.record(ref)
            vectors.append(vec)
            secs.append(names.index(sec_name))
            pos.append(x)
            pre = int(conns.pre_gid[rows[i]])
            sources.append(-1 if pre in virtual_set else pre)
        if vectors:
            mine[gid] = (vectors, np.array(secs), np.array(pos), np.array(sources))
    return mine


def _clamp_probes(h, cells, report, gids, wiring) -> dict:
    """gid -> (Vectors, section ids, positions) of a clamp report: the current of each
    clamp of the report's kind on the cell, in stimulus table order."""
    if wiring is None or wiring[3] is None:
        return {}  # no stimuli made
    network, _, _, stimuli = wiring
    classes, var = CLAMP_CLASSES[report.var]
    wanted = {int(g) for g in gids}
    mine = {}
    stims = network.stims
    for row, (obj, netcon) in sorted(stimuli.by_row.items()):
        gid = int(stims.gid[row])
        if netcon is not None or obj is None or gid not in wanted:
            continue
        if not any(obj.hname().startswith(f"{c}[") for c in classes):
            continue
        vec = h.Vector()
        vec.record(getattr(obj, f"_ref_{var}"))
        cell = cells[gid]
        vectors, secs, pos = mine.setdefault(gid, ([], [], []))
        vectors.append(vec)
        secs.append(cell.cell_type.section_names.index(
            network.section_names[stims.sec[row]]))
        pos.append(float(stims.loc[row]))
    return {gid: (v, np.array(s), np.array(p)) for gid, (v, s, p) in mine.items()}


def _places(cell, sections: str) -> list[tuple[str, float]]:
    """(section, x) recorded: the middle of the soma (the section where spikes are
    detected), or the centre of every segment."""
    cell_type = cell.cell_type
    if sections == "soma":
        return [(cell_type.spike_sec, 0.5)]
    return [(sec.name, seg.x) for sec in cell_type.sections for seg in cell.secs[sec.name]]
