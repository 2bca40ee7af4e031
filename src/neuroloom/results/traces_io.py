"""Traces as text: one .dat file per trace (time and one column per cell, space separated)
or one CSV file for all of them."""
from __future__ import annotations

import csv
import io

import numpy as np

from ..atomic import write_bytes_atomic


def save_dat(path_of, t, traces: dict) -> list:
    """One file per trace label: ``path_of(label)`` gives its path."""
    paths = []
    for label, cells in traces.items():
        gids = sorted(cells)
        columns = [t] + [np.asarray(cells[g]) for g in gids]
        n = min(len(c) for c in columns)
        buffer = io.StringIO()
        buffer.write("# t " + " ".join(f"cell_{g}" for g in gids) + "\n")
        np.savetxt(buffer, np.column_stack([c[:n] for c in columns]), fmt="%.10g")
        path = path_of(label)
        write_bytes_atomic(path, buffer.getvalue().encode())
        paths.append(path)
    return paths


def save_csv(path, t, traces: dict):
    """All traces in one table: t, then '<label>_cell_<gid>' columns."""
    header, columns = ["t"], [np.asarray(t)]
    for label, cells in traces.items():
        for gid in sorted(cells):
            header.append(f"{label}_cell_{gid}")
            columns.append(np.asarray(cells[gid]))
    n = min(len(c) for c in columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in np.column_stack([c[:n] for c in columns]):
        writer.writerow([f"{v:.10g}" for v in row])
    write_bytes_atomic(path, buffer.getvalue().encode())
    return path
