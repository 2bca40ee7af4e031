"""Recording SONATA reports: a variable at the middle of each cell's soma, or at every
segment of every section, sampled every time step.

The frames are BMTK's: frame k is the value after time step k, at t = (k + 1)*dt (the
state at t = 0 is not a frame), so a report file holds what BMTK's holds frame for frame
(see results/sonata_reports.py)."""
from __future__ import annotations

import numpy as np

from ..errors import MechanismError


class ReportProbes:
    """``report_gids``: report label -> the gids it covers (each rank records its own)."""

    def __init__(self, h, cells: dict, reports, report_gids: dict, dt: float,
                 every_step: bool = False):
        """``every_step``: record without a sampling interval (CoreNEURON hands back only
        such vectors); the same samples, one per time step."""
        self._vectors = {}  # label -> {gid: (Vectors, section ids, positions)}
        problems = []
        for report in reports:
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
        """label -> {gid: (frames x elements array, section ids, positions)}; frame k is
        the value at (k + 1)*dt: the sample at t = 0 is dropped."""
        return {label: {gid: (np.column_stack([np.array(v) for v in vectors])[1:], ids, pos)
                        for gid, (vectors, ids, pos) in cells.items()}
                for label, cells in self._vectors.items()}


def _places(cell, sections: str) -> list[tuple[str, float]]:
    """(section, x) recorded: the middle of the soma (the section where spikes are
    detected), or the centre of every segment."""
    cell_type = cell.cell_type
    if sections == "soma":
        return [(cell_type.spike_sec, 0.5)]
    return [(sec.name, seg.x) for sec in cell_type.sections for seg in cell.secs[sec.name]]
