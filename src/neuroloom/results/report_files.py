"""A run's recorded reports -> SONATA report files (one per report, a block per node
population)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..sonata.conventions import UNITS
from .sonata_clamps import write_clamp_report
from .sonata_reports import ReportBlock, write_report

#: units of the synapse variables a synapse report usually records
SYNAPSE_UNITS = {"g": "uS", "i": "nA"}


def save_reports(output, recordings, layout, run) -> list[Path]:
    """Write every report of ``output.reports``, a block per node population of
    ``layout`` (a NodeLayout); frame k is the value at k*dt, for the round(duration/dt)
    steps of the run (see sonata_reports for the convention). Synapse reports also write
    each column's source and target gids; clamp reports are BMTK's clamp file
    (sonata_clamps.py)."""
    paths = []
    frames = int(round(run.duration / run.dt))
    for report in output.reports:
        cells = recordings.reports.get(report.label, {})
        if report.sections == "clamps":  # one column per clamp, cells in gid order
            path = Path(output.save_folder or ".") / report.file
            columns = [cells[g][0][:frames] for g in sorted(cells)]
            write_clamp_report(path, np.hstack(columns) if columns
                               else np.zeros((frames, 0)))
            paths.append(path)
            continue
        blocks = []
        recorded = np.array(sorted(cells), dtype=np.int64)
        pop_of, node_of = layout.locate(recorded)
        for code, node_pop in enumerate(layout):
            mine = pop_of == code
            if not mine.any():
                continue
            order = np.argsort(node_of[mine], kind="stable")
            gids, node_ids = recorded[mine][order], node_of[mine][order]
            parts = [cells[int(g)] for g in gids]
            synapses = {}
            if report.sections == "synapses":  # BMTK's netcon_report: source, target gids
                synapses = {"src_ids": np.concatenate([part[3] for part in parts]),
                            "trg_ids": np.concatenate([np.full(len(part[1]), g)
                                                       for g, part in zip(gids, parts)])}
            blocks.append(ReportBlock(
                population=node_pop.name, node_ids=node_ids,
                element_counts=np.array([len(part[1]) for part in parts]),
                element_ids=np.concatenate([part[1] for part in parts]),
                element_pos=np.concatenate([part[2] for part in parts]),
                data=np.hstack([part[0][:frames] for part in parts]), **synapses))
        path = Path(output.save_folder or ".") / report.file
        known = SYNAPSE_UNITS if report.sections == "synapses" else UNITS
        write_report(path, blocks, start=0.0, dt=run.dt, variable=report.var,
                     units=report.units or known.get(report.var, ""))
        paths.append(path)
    return paths
