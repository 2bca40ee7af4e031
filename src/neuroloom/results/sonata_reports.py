"""SONATA compartment reports: /report/<population>/{data, mapping/...}.

One HDF5 file holds one recorded variable (``v`` in mV, say) for several node populations::

    /report/<population>/data                    float32 (n_frames, n_elements); units, variable
    /report/<population>/mapping/node_ids        uint64 (n_nodes), ascending
    /report/<population>/mapping/index_pointers  uint64 (n_nodes + 1): node i owns columns
                                                 index_pointers[i]:index_pointers[i + 1]
    /report/<population>/mapping/index_pointer   hard link to index_pointers (the name BMTK reads)
    /report/<population>/mapping/element_ids     uint64 (n_elements): section index of each column
    /report/<population>/mapping/element_pos     float64 (n_elements): position 0..1 on the section
    /report/<population>/mapping/time            float64 [start, stop, dt]; units "ms"

A soma report is the special case of one element per node (see ``ReportBlock.soma``).
A synapse report (BMTK's netcon_report: a variable of each synapse, one column per
connection) also has, as BMTK writes them::

    /report/<population>/mapping/src_ids         int64 (n_elements): the connection's source
                                                 gid (-1 for a virtual node)
    /report/<population>/mapping/trg_ids         int64 (n_elements): the target's gid

Datasets are uncompressed and contiguous, as the libsonata wheel needs. Node ids are the
cells' indices inside their population, as in a SONATA circuit.

Time convention
---------------
``write_report`` stores frame k as the value at ``t = start + k*dt`` for k = 0 ..
n_frames-1, and ``mapping/time`` is ``[start, stop, dt]`` with ``stop = start + n_frames*dt``,
an exclusive end. That is how libsonata reads the file: it lists the frame times start,
start+dt, ... while ``t < stop - 1e-6`` and takes that count as the number of frames, so
the time triple and the data agree. ``stop`` may be raised by a few ulps so that BMTK
(``int((stop-start)/dt)``) counts the same frames as libsonata.

BMTK declares ``[tstart, tstop, dt]`` too, but its frame k is the value *after* step k, at
``t = tstart + (k+1)*dt``. The reports of a run follow BMTK (engine/reports.py drops the
sample at t = 0, so frame k is the value at (k+1)*dt): a run's report file is BMTK's, frame
for frame, and any reader (libsonata, bluepysnap, BMTK) sees the same values at the same
times in both. Those times are one dt earlier than the moment each value was computed;
``bmtk_frame_samples`` says which samples of a recording taken from t = 0 BMTK's frames
hold (until this was decided, neuroloom wrote the sample at t = k*dt as frame k, one dt
earlier than BMTK).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import h5py
import numpy as np

from ..atomic import atomic_path
from ..errors import FormatError

TIME_UNITS = "ms"
LIBSONATA_EPSILON = 1e-6  # libsonata stops listing frame times at t >= stop - 1e-6
SONATA_MAGIC = 0x0A7A
SONATA_VERSION = (0, 1)
SYNAPSE_IDS = ("src_ids", "trg_ids")  # a synapse report's extra mapping datasets


@dataclass(frozen=True, eq=False)
class ReportBlock:
    """One population's part of a report. Node i owns the next ``element_counts[i]`` columns
    of ``data``; equality compares values (``data`` exactly, NaN equal to NaN)."""

    population: str
    node_ids: np.ndarray  # (n_nodes,) ids inside the population, ascending
    element_counts: np.ndarray  # (n_nodes,) columns per node
    element_ids: np.ndarray  # (n_elements,) section index of each column
    element_pos: np.ndarray  # (n_elements,) position 0..1 along that section
    data: np.ndarray  # (n_frames, n_elements)
    src_ids: np.ndarray | None = None  # (n_elements,) a synapse report's source gids
    trg_ids: np.ndarray | None = None  # (n_elements,) and target gids

    def __post_init__(self):
        for name in ("node_ids", "element_counts", "element_ids", "element_pos", "data",
                     *SYNAPSE_IDS):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, np.asarray(getattr(self, name)))

    @classmethod
    def soma(cls, population: str, node_ids, data, *, section: int = 0, pos: float = 0.5):
        """A soma report block: one column per node, at ``pos`` on section ``section``."""
        n = len(np.asarray(node_ids))
        return cls(population, node_ids, np.ones(n, np.int64), np.full(n, section, np.int64),
                   np.full(n, pos, np.float64), data)

    @property
    def index_pointers(self) -> np.ndarray:
        """(n_nodes + 1,) first column of each node, then the number of columns."""
        return np.concatenate([[0], np.cumsum(self.element_counts, dtype=np.int64)])

    @property
    def n_frames(self) -> int:
        return int(self.data.shape[0])

    def columns(self, node_id: int) -> slice:
        """The columns of ``data`` that belong to ``node_id``."""
        where = np.flatnonzero(self.node_ids == node_id)
        if len(where) == 0:
            raise KeyError(f"node {node_id} is not in report population '{self.population}'")
        ip = self.index_pointers
        return slice(int(ip[where[0]]), int(ip[where[0] + 1]))

    def __eq__(self, other):
        if not isinstance(other, ReportBlock):
            return NotImplemented
        return (self.population == other.population
                and all(np.array_equal(getattr(self, n), getattr(other, n))
                        for n in ("node_ids", "element_counts", "element_ids"))
                and self.element_pos.shape == other.element_pos.shape
                and np.array_equal(self.element_pos, other.element_pos, equal_nan=True)
                and self.data.shape == other.data.shape
                and np.array_equal(self.data, other.data, equal_nan=True)
                and all(_same_ids(getattr(self, n), getattr(other, n)) for n in SYNAPSE_IDS))


def _same_ids(a, b) -> bool:
    return (a is None) == (b is None) and (a is None or np.array_equal(a, b))


@dataclass(frozen=True, eq=False)
class Report:
    """A report read back: the time triple (ms), the variable, its units and one block per
    population. ``report['pop']`` is that population's block."""

    time: tuple[float, float, float]  # (start, stop, dt), stop exclusive
    variable: str
    units: str
    blocks: dict[str, ReportBlock]
    attrs: dict = field(default_factory=dict)  # file attributes other than magic/version

    @property
    def start(self) -> float:
        return self.time[0]

    @property
    def stop(self) -> float:
        return self.time[1]

    @property
    def dt(self) -> float:
        return self.time[2]

    @property
    def n_frames(self) -> int:
        return frame_count(*self.time)

    @property
    def times(self) -> np.ndarray:
        """Time of each frame: start + k*dt."""
        return self.start + self.dt * np.arange(self.n_frames)

    def __getitem__(self, population: str) -> ReportBlock:
        return self.blocks[population]


def frame_count(start: float, stop: float, dt: float) -> int:
    """How many frames libsonata finds in ``[start, stop, dt]``: it adds dt to start while
    ``t < stop - 1e-6``."""
    if not (np.isfinite(start) and np.isfinite(stop) and np.isfinite(dt) and dt > 0):
        return 0
    guess = max(int(np.ceil((stop - start) / dt)), 0) + 2
    t = np.add.accumulate(np.concatenate([[start], np.full(guess, dt)]))  # sequential sums
    return int(np.searchsorted(t, stop - LIBSONATA_EPSILON, side="left"))


def report_stop(start: float, dt: float, n_frames: int) -> float:
    """The ``stop`` to declare for ``n_frames`` frames from ``start`` every ``dt``:
    start + n_frames*dt, raised by a few ulps if BMTK's ``int((stop-start)/dt)`` would count
    one frame less. Raises FormatError if libsonata would not count ``n_frames``."""
    stop = float(start + n_frames * dt)
    for _ in range(64):
        if int((stop - start) / dt) >= n_frames:
            break
        stop = float(np.nextafter(stop, np.inf))
    if frame_count(start, stop, dt) != n_frames or int((stop - start) / dt) != n_frames:
        raise FormatError(f"time [start={start}, dt={dt}] with {n_frames} frames cannot be "
                          f"written so that libsonata and BMTK count {n_frames} frames")
    return stop


def bmtk_frame_samples(n_frames: int, *, step: int = 1, start_step: int = 0) -> np.ndarray:
    """Which samples of a recording taken from t=0 every ``dt`` (sample j at t = j*dt) BMTK's
    report frames hold. BMTK records after each time step: frame k is the value at
    ``(start_step + k*step + 1)*dt``, where ``step`` = report dt / simulation dt and
    ``start_step`` = report start_time / dt. With the defaults, frame k is sample k+1."""
    return start_step + step * np.arange(n_frames) + 1


def write_report(path, blocks, *, start: float, dt: float, variable: str, units: str,
                 attrs: dict | None = None) -> None:
    """Write one report (one variable, several populations) atomically.

    ``blocks`` are ReportBlocks (or a mapping whose values are), all with the same number of
    frames; frame k is the sample at ``start + k*dt`` (ms); blocks with ``src_ids`` and
    ``trg_ids`` (synapse reports) write them too. Data is stored as float32 (the
    SONATA type), so pass float32 values to read back exactly what you wrote. ``attrs`` go on
    the file root.
    Raises FormatError, naming the population, when shapes or values do not fit."""
    blocks = list(blocks.values() if isinstance(blocks, Mapping) else blocks)
    start, dt = float(start), float(dt)
    if not blocks:
        raise FormatError("a report needs at least one population block")
    if not np.isfinite(start) or not np.isfinite(dt) or dt <= 0:
        raise FormatError(f"report time needs a finite start and dt > 0 (start={start}, dt={dt})")
    if not isinstance(variable, str) or not variable or not isinstance(units, str):
        raise FormatError(f"report variable must be a non-empty string and units a string "
                          f"(variable={variable!r}, units={units!r}; '': not written, as "
                          f"BMTK's synapse reports)")
    attrs = dict(attrs or {})
    reserved = sorted({"magic", "version"} & set(attrs))
    if reserved:
        raise FormatError(f"report attrs may not set {reserved}: the writer sets them")
    checked, seen = [], set()
    for block in blocks:
        if not isinstance(block, ReportBlock):
            raise FormatError(f"report blocks must be ReportBlock, not {type(block).__name__}")
        if block.population in seen:
            raise FormatError(f"population '{block.population}' appears twice in the report")
        seen.add(block.population)
        checked.append(_checked(block))
    frames = {b.population: b.data.shape[0] for b in checked}
    if len(set(frames.values())) != 1:
        raise FormatError(f"all populations of a report need the same number of frames; "
                          f"got {frames}")
    n_frames = next(iter(frames.values()))
    stop = report_stop(start, dt, n_frames)

    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs.create("magic", SONATA_MAGIC, dtype=np.uint32)
            f.attrs.create("version", np.array(SONATA_VERSION, np.uint32))
            for key, value in attrs.items():
                try:
                    f.attrs[key] = value
                except (TypeError, ValueError) as exc:
                    raise FormatError(f"report attribute {key!r} cannot be stored in HDF5: "
                                      f"{exc}") from exc
            report = f.create_group("report")
            for block in checked:
                _write_block(report.create_group(block.population), block, variable, units,
                             (start, stop, dt))


def read_report(path) -> Report:
    """Read a report written by ``write_report`` (or another SONATA writer: ``index_pointer``
    is accepted for ``index_pointers``, a missing ``element_pos`` reads as NaN).

    Raises FormatError naming the file and what is missing or inconsistent."""
    blocks, times, variables, units, attrs = {}, {}, {}, {}, {}
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise FormatError(f"{path}: not a readable HDF5 file ({exc})") from exc
    with f:
        attrs = {k: _plain(v) for k, v in f.attrs.items() if k not in ("magic", "version")}
        if "report" not in f or not isinstance(f["report"], h5py.Group):
            raise FormatError(f"{path}: no /report group")
        if len(f["report"]) == 0:
            raise FormatError(f"{path}: /report has no population")
        for name, group in f["report"].items():
            block, time, variables[name], units[name] = _read_block(path, name, group)
            blocks[name], times[name] = block, time
    for what, values in (("time", times), ("variable", variables), ("units", units)):
        if len(set(values.values())) != 1:
            raise FormatError(f"{path}: populations disagree on {what}: {values}")
    name = next(iter(blocks))
    return Report(time=times[name], variable=variables[name], units=units[name],
                  blocks=blocks, attrs=attrs)


def _checked(block: ReportBlock) -> ReportBlock:
    """The block with file dtypes, or FormatError saying what does not fit."""
    pop = block.population
    if not isinstance(pop, str) or not pop or "/" in pop:
        raise FormatError(f"report population name {pop!r} must be a non-empty string "
                          f"without '/'")

    def fail(message):
        raise FormatError(f"report population '{pop}': {message}")

    ids, counts = block.node_ids, block.element_counts
    eids, epos, data = block.element_ids, block.element_pos, block.data
    if ids.ndim != 1 or len(ids) == 0:
        fail(f"node_ids must be a non-empty 1-D array, got shape {ids.shape}")
    if not _integral(ids) or ids.min() < 0 or np.any(np.diff(ids) <= 0):
        fail("node_ids must be non-negative integers in strictly ascending order")
    if counts.shape != ids.shape:
        fail(f"element_counts has shape {counts.shape}, node_ids {ids.shape}")
    if not _integral(counts) or counts.min() < 1:
        fail("element_counts must be integers >= 1 (every node reports at least one element)")
    n_elements = int(counts.sum())
    for name, array in (("element_ids", eids), ("element_pos", epos)):
        if array.shape != (n_elements,):
            fail(f"{name} has shape {array.shape}, element_counts add up to {n_elements}")
    if not _integral(eids) or eids.min() < 0:
        fail("element_ids must be non-negative integers (section indices)")
    if not np.issubdtype(epos.dtype, np.number) or not np.all((epos >= 0) & (epos <= 1)):
        fail("element_pos must be numbers in [0, 1]")
    if data.ndim != 2 or data.shape[1] != n_elements:
        fail(f"data has shape {data.shape}, expected (n_frames, {n_elements}) from "
             f"element_counts")
    if data.shape[0] == 0:
        fail("data has no frame")
    if not np.issubdtype(data.dtype, np.number):
        fail(f"data must be numeric, got {data.dtype}")
    given = [name for name in SYNAPSE_IDS if getattr(block, name) is not None]
    if given and len(given) != len(SYNAPSE_IDS):
        fail(f"a synapse report needs both {' and '.join(SYNAPSE_IDS)}, not only {given[0]}")
    for name in given:
        array = getattr(block, name)
        if array.shape != (n_elements,) or not _integral(array):
            fail(f"{name} must be {n_elements} integers (one per element), got shape "
                 f"{array.shape}")
    synapse_ids = {name: getattr(block, name).astype(np.int64) for name in given}
    return ReportBlock(pop, ids.astype(np.uint64), counts.astype(np.uint64),
                       eids.astype(np.uint64), epos.astype(np.float64),
                       np.ascontiguousarray(data, dtype=np.float32), **synapse_ids)


def _integral(array: np.ndarray) -> bool:
    if np.issubdtype(array.dtype, np.integer):
        return True
    return (np.issubdtype(array.dtype, np.floating) and bool(np.all(np.isfinite(array)))
            and bool(np.all(array == np.round(array))))


def _write_block(group, block: ReportBlock, variable, units, time) -> None:
    data = group.create_dataset("data", data=block.data)
    if units:
        data.attrs["units"] = units
    data.attrs["variable"] = variable
    mapping = group.create_group("mapping")
    mapping.create_dataset("node_ids", data=block.node_ids)
    mapping.create_dataset("index_pointers", data=block.index_pointers.astype(np.uint64))
    mapping["index_pointer"] = mapping["index_pointers"]  # hard link: the name BMTK reads
    mapping.create_dataset("element_ids", data=block.element_ids)
    mapping.create_dataset("element_pos", data=block.element_pos)
    t = mapping.create_dataset("time", data=np.array(time, np.float64))
    t.attrs["units"] = TIME_UNITS
    for name in SYNAPSE_IDS:
        if getattr(block, name) is not None:
            mapping.create_dataset(name, data=getattr(block, name))


def _read_block(path, name, group):
    where = f"{path}: /report/{name}"
    if not isinstance(group, h5py.Group):
        raise FormatError(f"{where} is not a group")

    def dataset(key):
        if key not in group or not isinstance(group[key], h5py.Dataset):
            raise FormatError(f"{where}/{key} is missing")
        return group[key]

    data_ds = dataset("data")
    ids = dataset("mapping/node_ids")[()]
    if "mapping/index_pointers" in group:
        ip = dataset("mapping/index_pointers")[()]
    elif "mapping/index_pointer" in group:
        ip = dataset("mapping/index_pointer")[()]
    else:
        raise FormatError(f"{where}/mapping/index_pointers is missing")
    eids = dataset("mapping/element_ids")[()]
    epos = (dataset("mapping/element_pos")[()] if "mapping/element_pos" in group
            else np.full(eids.shape, np.nan))
    time_ds = dataset("mapping/time")
    if "units" not in time_ds.attrs:
        raise FormatError(f"{where}/mapping/time has no 'units' attribute")
    time_units = _plain(time_ds.attrs["units"])
    if time_units != TIME_UNITS:
        raise FormatError(f"{where}/mapping/time is in {time_units!r}, expected 'ms'")
    time = time_ds[()]
    if time.shape != (3,):
        raise FormatError(f"{where}/mapping/time has shape {time.shape}, expected (3,)")
    time = tuple(float(x) for x in time)
    if data_ds.ndim != 2:
        raise FormatError(f"{where}/data has shape {data_ds.shape}, expected 2-D")
    n_frames, n_columns = data_ds.shape
    if ids.ndim != 1 or ip.shape != (len(ids) + 1,):
        raise FormatError(f"{where}/mapping/index_pointers has shape {ip.shape}, expected "
                          f"({len(ids) + 1},) for {len(ids)} node_ids")
    ip = ip.astype(np.int64)
    if len(ip) and (ip[0] != 0 or np.any(np.diff(ip) < 0) or ip[-1] != n_columns):
        raise FormatError(f"{where}/mapping/index_pointers must rise from 0 to the "
                          f"{n_columns} columns of data (got {ip[0]} .. {ip[-1]})")
    for key, array in (("element_ids", eids), ("element_pos", epos)):
        if array.shape != (n_columns,):
            raise FormatError(f"{where}/mapping/{key} has shape {array.shape}, data has "
                              f"{n_columns} columns")
    expected = frame_count(*time)
    if n_frames != expected:
        raise FormatError(f"{where}/data has {n_frames} frames, mapping/time {list(time)} "
                          f"implies {expected}")
    synapse_ids = {}
    if "units" not in data_ds.attrs and "mapping/src_ids" not in group:
        # BMTK writes no units on a synapse report's data only: read as ''
        raise FormatError(f"{where}/data has no 'units' attribute")
    for key in SYNAPSE_IDS:
        if f"mapping/{key}" in group:
            synapse_ids[key] = dataset(f"mapping/{key}")[()].astype(np.int64)
            if synapse_ids[key].shape != (n_columns,):
                raise FormatError(f"{where}/mapping/{key} has shape "
                                  f"{synapse_ids[key].shape}, data has {n_columns} columns")
    block = ReportBlock(name, ids.astype(np.int64), np.diff(ip), eids.astype(np.int64),
                        epos.astype(np.float64), data_ds[()].astype(np.float32, copy=False),
                        **synapse_ids)
    variable = _plain(data_ds.attrs.get("variable", ""))
    return block, time, variable, _plain(data_ds.attrs.get("units", ""))


def _plain(value):
    """An HDF5 attribute as a plain Python value (bytes decoded)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value
