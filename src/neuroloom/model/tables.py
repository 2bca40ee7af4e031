"""The network's tables: one numpy array per column, one row per cell/connection/stimulus.

No Python object per row anywhere: a network of millions of connections is a handful of
arrays, cheap to build, slice by rank, compare, save and export.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: the dtype of every gid column (2e9 cells): the same in every table
GID = np.int32


class Table:
    """Base of the column tables: equality, length, row selection and concatenation.

    Besides its fixed columns a table may carry ``extra`` columns by name (a cell's own tags,
    a stimulus's per-target parameters): float64 with NaN where a row has no value, or
    strings with ''.
    """

    #: fixed column name -> dtype
    COLUMNS: dict = {}

    def __post_init__(self):
        lengths = set()
        for name, dtype in self.COLUMNS.items():
            column = _read_only(np.ascontiguousarray(getattr(self, name), dtype=dtype))
            object.__setattr__(self, name, column)
            lengths.add(len(column))
        extra = {str(k): _read_only(_extra_column(v)) for k, v in dict(self.extra).items()}
        object.__setattr__(self, "extra", extra)
        lengths.update(len(v) for v in extra.values())
        if len(lengths) > 1:
            raise ValueError(f"{type(self).__name__}: columns differ in length {sorted(lengths)}")

    def __len__(self) -> int:
        return len(getattr(self, next(iter(self.COLUMNS))))

    def __repr__(self) -> str:
        extra = f"; extra: {', '.join(self.extra)}" if self.extra else ""
        return f"{type(self).__name__}({len(self)} rows: {', '.join(self.COLUMNS)}{extra})"

    def __eq__(self, other) -> bool:
        return (type(self) is type(other)
                and all(np.array_equal(getattr(self, n), getattr(other, n)) for n in self.COLUMNS)
                and self.extra.keys() == other.extra.keys()
                and all(_same(v, other.extra[k]) for k, v in self.extra.items()))

    __hash__ = None

    @classmethod
    def empty(cls):
        return cls.allocate(0).done()

    @classmethod
    def allocate(cls, n: int) -> "Columns":
        """Writable columns of n rows for a table filled in place; ``done()`` then makes
        the table (without copying)."""
        return Columns(cls, n)

    @classmethod
    def concat(cls, parts):
        parts = list(parts)
        if not parts:
            return cls.empty()
        names = list(dict.fromkeys(k for p in parts for k in p.extra))
        extra = {}
        for name in names:
            kind = next(p.extra[name].dtype.kind for p in parts if name in p.extra)
            extra[name] = np.concatenate([p.extra[name] if name in p.extra else
                                          _missing(kind, len(p)) for p in parts])
        return cls(**{name: np.concatenate([getattr(p, name) for p in parts])
                      for name in cls.COLUMNS}, extra=extra)

    def take(self, rows):
        """The rows selected by an index array or boolean mask, as a new table."""
        return type(self)(**{name: getattr(self, name)[rows] for name in self.COLUMNS},
                          extra={k: v[rows] for k, v in self.extra.items()})

    def columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.COLUMNS}

    def nbytes(self) -> int:
        return sum(c.nbytes for c in self.columns().values()) + sum(
            v.nbytes for v in self.extra.values())


class Columns:
    """The columns of a table being filled in place (``Table.allocate``): attributes named
    like the table's columns, writable, plus ``extra``. ``done()`` makes the read-only
    table of them; write no more after that."""

    def __init__(self, table_class, n: int):
        self._table_class = table_class
        for name, dtype in table_class.COLUMNS.items():
            setattr(self, name, np.empty(n, dtype))
        self.extra = {}

    def __len__(self) -> int:
        return len(getattr(self, next(iter(self._table_class.COLUMNS))))

    def done(self):
        return self._table_class(**{name: getattr(self, name)
                                    for name in self._table_class.COLUMNS}, extra=self.extra)


def _read_only(column: np.ndarray) -> np.ndarray:
    """The column, or a copy of it, that cannot be written: a built table never changes
    (modifications make a new table), so views of it can be handed out safely."""
    if column.flags.writeable and column.base is not None:
        column = column.copy()  # never freeze an array someone else still writes
    column.flags.writeable = False
    return column


def _extra_column(values) -> np.ndarray:
    values = np.asarray(values)
    if values.dtype.kind in "biuf":
        return np.ascontiguousarray(values, dtype=np.float64)
    return np.asarray(values, dtype=str)


def _missing(kind: str, n: int) -> np.ndarray:
    return np.full(n, np.nan) if kind == "f" else np.full(n, "", dtype=str)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


@dataclass(frozen=True, eq=False, repr=False)
class CellTable(Table):
    """Cells; the gid is the row index. Codes index Network.pops / cell_types."""

    pop: np.ndarray
    cell_type: np.ndarray  # code into Network.cell_types
    index: np.ndarray  # position of the cell inside its population
    x: np.ndarray  # um
    y: np.ndarray
    z: np.ndarray
    xnorm: np.ndarray  # position divided by the network's size along that axis
    ynorm: np.ndarray
    znorm: np.ndarray
    extra: dict = field(default_factory=dict)  # tags given per cell (cellsList)

    COLUMNS = {"pop": np.int32, "cell_type": np.int32, "index": np.int64, "x": np.float64,
               "y": np.float64, "z": np.float64, "xnorm": np.float64, "ynorm": np.float64,
               "znorm": np.float64}

    @property
    def gids(self) -> np.ndarray:
        return np.arange(len(self), dtype=GID)


@dataclass(frozen=True, eq=False, repr=False)
class ConnTable(Table):
    """Synaptic contacts between cells, one row each."""

    pre_gid: np.ndarray
    post_gid: np.ndarray
    syn_mech: np.ndarray  # code into Network.syn_mechs
    weight: np.ndarray
    delay: np.ndarray  # ms
    sec: np.ndarray  # code into Network.section_names
    loc: np.ndarray  # 0..1 along the section
    rule: np.ndarray  # code into Network.conn_rules
    extra: dict = field(default_factory=dict)

    # 38 bytes a row: gids fit int32 (2e9 cells), catalogs fit int16
    COLUMNS = {"pre_gid": GID, "post_gid": GID, "syn_mech": np.int16,
               "weight": np.float64, "delay": np.float64, "sec": np.int16,
               "loc": np.float64, "rule": np.int16}


@dataclass(frozen=True, eq=False, repr=False)
class StimTable(Table):
    """Stimuli placed on cells: one row per synapse of each synMech a spike source drives
    on a target cell (synMech, then synapse, as NetPyNE), one per target otherwise."""

    gid: np.ndarray  # target cell
    source: np.ndarray  # code into Network.stim_sources
    rule: np.ndarray  # code into Network.stim_rules
    sec: np.ndarray
    loc: np.ndarray
    syn_mech: np.ndarray  # code into Network.syn_mechs, -1 for non-synaptic stimuli
    weight: np.ndarray
    delay: np.ndarray
    extra: dict = field(default_factory=dict)  # per-target source parameters (strings)

    COLUMNS = {"gid": GID, "source": np.int32, "rule": np.int32, "sec": np.int32,
               "loc": np.float64, "syn_mech": np.int32, "weight": np.float64,
               "delay": np.float64}


@dataclass(frozen=True, eq=False, repr=False)
class SpikeTrains:
    """Spike times replayed by cells (VecStim populations): cell ``gids[i]`` fires at
    ``times[bounds[i]:bounds[i + 1]]`` (ms, sorted)."""

    gids: np.ndarray
    bounds: np.ndarray
    times: np.ndarray

    def __post_init__(self):
        for name, dtype in (("gids", GID), ("bounds", np.int64), ("times", np.float64)):
            object.__setattr__(self, name,
                               _read_only(np.ascontiguousarray(getattr(self, name), dtype)))
        if len(self.bounds) != len(self.gids) + 1:
            raise ValueError("SpikeTrains: bounds must have one entry more than gids")

    @classmethod
    def empty(cls):
        return cls(gids=np.empty(0), bounds=np.zeros(1), times=np.empty(0))

    @classmethod
    def from_lists(cls, gids, trains):
        lengths = [len(t) for t in trains]
        return cls(gids=np.asarray(gids), bounds=np.concatenate([[0], np.cumsum(lengths)]),
                   times=np.concatenate([np.asarray(t, float) for t in trains] or [[]]))

    def __len__(self) -> int:
        return len(self.gids)

    def __repr__(self) -> str:
        return f"SpikeTrains({len(self)} trains, {len(self.times)} spikes)"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and all(
            np.array_equal(getattr(self, n), getattr(other, n)) for n in ("gids", "bounds",
                                                                          "times"))

    __hash__ = None

    def spikes(self, indices=None) -> tuple[np.ndarray, np.ndarray]:
        """(train index of each spike, spike times) of the trains ``indices`` (all by
        default), train after train."""
        indices = np.arange(len(self)) if indices is None else np.asarray(indices, np.int64)
        counts = np.diff(self.bounds)[indices]
        times = [self.times_of(int(i)) for i in indices]
        return np.repeat(indices, counts), np.concatenate(times or [np.empty(0)])

    def times_of(self, index: int) -> np.ndarray:
        return self.times[self.bounds[index]:self.bounds[index + 1]]

    def items(self):
        """(gid, times) of every cell."""
        for i, gid in enumerate(self.gids.tolist()):
            yield gid, self.times[self.bounds[i]:self.bounds[i + 1]]
