"""The files a LEMS simulation declares (OutputFile, EventOutputFile), written as jNeuroML's
NEURON run writes them.

A trace file (``.dat``) has a row per recorded sample, t = 0 to t = tstop both included:
the time in seconds, then each OutputColumn's value in SI units, every number as ``%e``
followed by a tab. A spike file has a line per spike, in time order: ``id<TAB>t`` (ID_TIME)
or ``t<TAB>id`` (TIME_ID), the time in seconds, the id the EventSelection's. The folders
the file names hold are created (jNeuroML's NEURON run needs them to exist and otherwise
saves nothing, without failing).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic

MS_TO_S = 1e-3


@dataclass(frozen=True)
class Column:
    """An OutputColumn: the trace and cell it reads, and the factor to SI units."""

    trace: str  # a recordTraces label
    gid: int
    to_si: float
    quantity: str = ""  # as the LEMS file names it


@dataclass(frozen=True)
class TraceFile:
    """An OutputFile: where it goes and its columns (after the time)."""

    id: str
    path: Path
    columns: tuple  # of Column
    where: str


@dataclass(frozen=True)
class EventFile:
    """An EventOutputFile: where it goes, its format and (selection id, gid) pairs."""

    id: str
    path: Path
    format: str  # 'ID_TIME' or 'TIME_ID'
    selections: tuple  # of (str id, int gid)
    where: str


@dataclass(frozen=True)
class LemsOutputs:
    """Every file a LEMS simulation writes."""

    traces: tuple = ()  # of TraceFile
    events: tuple = ()  # of EventFile
    refused: tuple = ()  # why each OutputFile neuroloom cannot write is not written

    def __bool__(self) -> bool:
        return bool(self.traces or self.events or self.refused)


def write(outputs: LemsOutputs, recordings) -> list[Path]:
    """Write a run's LEMS output files.

    Parameters
    ----------
    outputs : LemsOutputs
        The files, as the importer read them from the LEMS simulation.
    recordings : results.simdata.Recordings
        The run's spikes and traces (ms, mV), with the traces the columns name.

    Returns
    -------
    list of pathlib.Path
        The files written, trace files first, in the LEMS file's order.

    Raises
    ------
    KeyError
        A column names a trace or cell that was not recorded (the run's recordTraces or
        recordCells were changed after import).
    """
    paths = []
    for out in outputs.traces:
        t = np.asarray(recordings.t, dtype=np.float64)
        columns = [t * MS_TO_S]
        for col in out.columns:
            samples = np.asarray(recordings.traces[col.trace][col.gid], dtype=np.float64)
            columns.append(samples[:len(t)] * col.to_si)
        table = np.column_stack(columns) if len(t) else np.empty((0, len(columns)))
        row = "%e\t" * len(columns) + "\n"
        text = "".join(row % tuple(values) for values in table.tolist())
        paths.append(_write(out.path, text))
    for out in outputs.events:
        ids, times = [], []
        for ident, gid in out.selections:
            mine = recordings.spike_t[recordings.spike_gid == gid]
            times.append(np.asarray(mine, dtype=np.float64))
            ids.extend([ident] * len(mine))
        times = np.concatenate(times) if times else np.empty(0)
        order = np.argsort(times, kind="stable")
        lines = []
        for k in order.tolist():
            seconds = repr(float(times[k]) * MS_TO_S)
            lines.append(f"{ids[k]}\t{seconds}\n" if out.format == "ID_TIME"
                         else f"{seconds}\t{ids[k]}\n")
        paths.append(_write(out.path, "".join(lines)))
    return paths


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)  # as the LEMS file names it
    write_bytes_atomic(path, text.encode())
    return path
