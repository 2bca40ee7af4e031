"""Traces as text: one .dat file per trace and cell, as NetPyNE writes them
(simConfig.saveDat), or one CSV file for all of them."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic


def save_dat(folder, t, traces: dict) -> list:
    """One file per trace label and cell, named and laid out as NetPyNE 1.1.1's saveDat:
    ``<label>_cell_<gid>.dat`` (in ``folder``), a line per sample with its time in s and
    its value divided by 1000 (V for a voltage), tab separated.

    Parameters
    ----------
    folder : str or Path
        Where the files go (simConfig.saveFolder; NetPyNE writes them where the script
        runs, whatever saveFolder says).
    t : numpy.ndarray
        The sample times (ms).
    traces : dict
        {label: {gid: samples}} as Recordings.traces holds them.

    Returns
    -------
    list of Path
        The files written, in the order of ``traces`` and then of the gids.
    """
    # NetPyNE writes i * dt as the time of sample i, which is right only when recordStep
    # equals dt; these are the samples' own times
    paths = []
    for label, cells in traces.items():
        for gid in sorted(cells):
            samples = np.asarray(cells[gid], dtype=float)
            n = min(len(samples), len(t))
            lines = [f"{repr(a)}\t{repr(b)}\n" for a, b in
                     zip((np.asarray(t[:n], dtype=float) / 1000.0).tolist(),
                         (samples[:n] / 1000.0).tolist())]
            path = Path(folder) / f"{label}_cell_{gid}.dat"
            write_bytes_atomic(path, "".join(lines).encode())
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
