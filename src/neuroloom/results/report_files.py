"""A run's recorded reports -> SONATA report files (one per report, a block per node
population)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..sonata.conventions import UNITS
from .sonata_reports import ReportBlock, write_report


def save_reports(output, recordings, layout, run) -> list[Path]:
    """Write every report of ``output.reports``, a block per node population of
    ``layout`` (a NodeLayout); frame k is the value at k*dt, for the round(duration/dt)
    steps of the run (see sonata_reports for the convention)."""
    paths = []
    frames = int(round(run.duration / run.dt))
    for report in output.reports:
        cells = recordings.reports.get(report.label, {})
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
            blocks.append(ReportBlock(
                population=node_pop.name, node_ids=node_ids,
                element_counts=np.array([len(ids) for _, ids, _ in parts]),
                element_ids=np.concatenate([ids for _, ids, _ in parts]),
                element_pos=np.concatenate([pos for _, _, pos in parts]),
                data=np.hstack([samples[:frames] for samples, _, _ in parts])))
        path = Path(output.save_folder or ".") / report.file
        write_report(path, blocks, start=0.0, dt=run.dt, variable=report.var,
                     units=report.units or UNITS.get(report.var, ""))
        paths.append(path)
    return paths
