"""The network's tables: one numpy array per column, one row per cell/connection/stimulus.

No Python object per row anywhere: a network of millions of connections is a handful of
arrays, cheap to build, slice by rank, compare, save and export.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


class Table:
    """Base of the column tables: equality, length, row selection and concatenation."""

    #: column name -> dtype
    COLUMNS: dict = {}

    def __post_init__(self):
        lengths = set()
        for name, dtype in self.COLUMNS.items():
            column = np.ascontiguousarray(getattr(self, name), dtype=dtype)
            object.__setattr__(self, name, column)
            lengths.add(len(column))
        if len(lengths) > 1:
            raise ValueError(f"{type(self).__name__}: columns differ in length {sorted(lengths)}")

    def __len__(self) -> int:
        return len(getattr(self, next(iter(self.COLUMNS))))

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name))
            for f in fields(self))

    __hash__ = None

    @classmethod
    def empty(cls):
        return cls(**{name: np.empty(0, dtype) for name, dtype in cls.COLUMNS.items()})

    @classmethod
    def concat(cls, parts):
        parts = list(parts)
        if not parts:
            return cls.empty()
        return cls(**{name: np.concatenate([getattr(p, name) for p in parts])
                      for name in cls.COLUMNS})

    def take(self, rows):
        """The rows selected by an index array or boolean mask, as a new table."""
        return type(self)(**{name: getattr(self, name)[rows] for name in self.COLUMNS})

    def columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.COLUMNS}


@dataclass(frozen=True, eq=False)
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

    COLUMNS = {"pop": np.int32, "cell_type": np.int32, "index": np.int64, "x": np.float64, "y": np.float64,
               "z": np.float64, "xnorm": np.float64, "ynorm": np.float64,
               "znorm": np.float64}

    @property
    def gids(self) -> np.ndarray:
        return np.arange(len(self), dtype=np.int64)


@dataclass(frozen=True, eq=False)
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

    COLUMNS = {"pre_gid": np.int64, "post_gid": np.int64, "syn_mech": np.int32,
               "weight": np.float64, "delay": np.float64, "sec": np.int32,
               "loc": np.float64, "rule": np.int32}


@dataclass(frozen=True, eq=False)
class StimTable(Table):
    """Stimuli placed on cells, one row per (source, target cell)."""

    gid: np.ndarray  # target cell
    source: np.ndarray  # code into Network.stim_sources
    rule: np.ndarray  # code into Network.stim_rules
    sec: np.ndarray
    loc: np.ndarray
    syn_mech: np.ndarray  # code into Network.syn_mechs, -1 for non-synaptic stimuli
    weight: np.ndarray
    delay: np.ndarray

    COLUMNS = {"gid": np.int64, "source": np.int32, "rule": np.int32, "sec": np.int32,
               "loc": np.float64, "syn_mech": np.int32, "weight": np.float64,
               "delay": np.float64}
