"""BatchTable: a batch's runs as columns (parameters, then results), numpy only.

    table = load('tut8_data')                      # neuroloom.batch.load
    table.column('popRates.M')                     # one value per run
    xs, ys, rates = table.grid('connWeight', 'synMechTau2', 'popRates.M')
"""
from __future__ import annotations

import json
import math

import numpy as np

from ..errors import NeuroloomError
from ..suggest import hint


class UnknownColumnError(NeuroloomError, KeyError):
    """A column name the table does not have (the message suggests the closest)."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0])


class BatchTableError(NeuroloomError, ValueError):
    """A question the table cannot answer as asked (e.g. a grid cell holding several runs)."""


class BatchTable:
    """One row per run: 'label', the batch's parameters, then the results (NaN for a run that
    has not finished). Columns are read-only numpy arrays."""

    def __init__(self, columns: dict, params, results, unfinished=(), batch_label=""):
        sizes = {name: len(values) for name, values in columns.items()}
        if len(set(sizes.values())) > 1:
            raise ValueError(f"BatchTable: columns of different lengths {sizes}")
        self._columns = {}
        for name, values in columns.items():
            array = values if isinstance(values, np.ndarray) else as_column(values)
            array = array.view()
            array.flags.writeable = False  # a column is shared with every caller
            self._columns[name] = array
        self.params, self.results = list(params), list(results)
        self.unfinished = list(unfinished)
        self.batch_label = batch_label

    @property
    def columns(self) -> list:
        return list(self._columns)

    def __len__(self) -> int:
        return len(self._columns["label"]) if "label" in self._columns else 0

    def column(self, name: str) -> np.ndarray:
        try:
            return self._columns[name]
        except KeyError:
            raise UnknownColumnError(f"batch {self.batch_label!r} has no column {name!r}; "
                                     f"{hint(str(name), self._columns)}") from None

    def __getitem__(self, name: str) -> np.ndarray:
        return self.column(name)

    def rows(self) -> list:
        """One {column: value} dict per run, with plain Python values."""
        lists = {name: values.tolist() for name, values in self._columns.items()}
        return [{name: lists[name][i] for name in lists} for i in range(len(self))]

    def to_pandas(self):
        """The table as a pandas DataFrame (needs pandas; nothing else here does)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("BatchTable.to_pandas needs pandas (pip install pandas); "
                              "table.rows() and table.column(name) work without it") from None
        return pandas.DataFrame({name: values for name, values in self._columns.items()})

    def where(self, conditions: dict | None) -> "BatchTable":
        """The runs whose columns equal the given values ({'name': value, ...})."""
        keep = np.ones(len(self), dtype=bool)
        for name, wanted in (conditions or {}).items():
            values = self.column(name)
            match = _equal(values, wanted)
            if not match.any():
                shown = ", ".join(_text(v) for v in _levels(values)[0][:12])
                raise BatchTableError(f"where={{{name!r}: {wanted!r}}}: no run has that value; "
                                      f"{name} takes {shown}")
            keep &= match
        kept = set(self._columns["label"][keep].tolist())
        return BatchTable({name: values[keep] for name, values in self._columns.items()},
                          self.params, self.results,
                          [label for label in self.unfinished if label in kept],
                          self.batch_label)

    def grid(self, x: str, y: str, value: str, where: dict | None = None):
        """(x values sorted, y values sorted, array [len(y), len(x)] of ``value``), NaN where
        no run (or no finished run) has that pair. Every other parameter must be fixed
        within a cell: a batch over three parameters needs ``where`` to pick a slice."""
        for name in (x, y):
            if name not in self.params:
                raise UnknownColumnError(f"grid: {name!r} is not a parameter of batch "
                                         f"{self.batch_label!r}; {hint(str(name), self.params)}")
        if x == y:
            raise BatchTableError(f"grid: x and y are both {x!r}")
        table = self.where(where)
        numbers = table.column(value)
        if numbers.dtype.kind not in "biuf":
            raise BatchTableError(f"grid: {value!r} is not a numeric column")
        x_levels, x_index = _levels(table.column(x))
        y_levels, y_index = _levels(table.column(y))
        cell = y_index * len(x_levels) + x_index
        counts = np.bincount(cell, minlength=len(x_levels) * len(y_levels))
        if (counts > 1).any():
            raise BatchTableError(table._crowded(x, y, cell, int(np.argmax(counts > 1))))
        out = np.full((len(y_levels), len(x_levels)), np.nan)
        out[y_index, x_index] = numbers
        return x_levels, y_levels, out

    def _crowded(self, x, y, cell, crowded) -> str:
        """Why several runs fall in one grid cell, and the filter that would fix it."""
        rows = np.flatnonzero(cell == crowded)
        labels = ", ".join(self._columns["label"][rows].tolist())
        at = (f"{x}={_text(self._columns[x][rows[0]])}, "
              f"{y}={_text(self._columns[y][rows[0]])}")
        varying = [p for p in self.params if p not in (x, y)
                   and len(_levels(self._columns[p][rows])[0]) > 1]
        if not varying:
            return (f"grid({x!r}, {y!r}): runs {labels} all have {at} and the same values "
                    "of every other parameter; keep one with where={'label': ...}")
        fix = ", ".join(f"{p!r}: {_text(self._columns[p][rows[0]])}" for p in varying)
        return (f"grid({x!r}, {y!r}): runs {labels} all have {at} because "
                f"{' and '.join(varying)} also varies; pick one value with where={{{fix}}}")

    def __repr__(self) -> str:
        return (f"<BatchTable {self.batch_label!r}: {len(self)} runs, params {self.params}, "
                f"results {self.results}>")

    def __str__(self) -> str:
        """The table as aligned text (what print shows; pandas not needed)."""
        names = self.columns
        cells = [[_text(v) for v in self._columns[name].tolist()] for name in names]
        widths = [max([len(name)] + [len(c) for c in column])
                  for name, column in zip(names, cells)]
        left = [self._columns[name].dtype.kind in "UO" for name in names]  # text reads left

        def line(texts):
            return "  ".join(t.ljust(w) if lft else t.rjust(w)
                             for t, w, lft in zip(texts, widths, left)).rstrip()

        lines = [line(names)] + [line([column[i] for column in cells]) for i in range(len(self))]
        return "\n".join(lines)


def as_column(values: list) -> np.ndarray:
    """Numbers -> a numeric array, strings -> a str array, anything else (lists, dicts,
    None, mixtures) -> an object array that keeps each value as it is."""
    if values and all(isinstance(v, str) for v in values):
        return np.array(values, dtype=str)
    if all(isinstance(v, (bool, int, float)) for v in values):
        return np.array(values) if values else np.array([], dtype=float)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _levels(values: np.ndarray):
    """(distinct values sorted, index of each run's value among them)."""
    if values.dtype != object:
        levels, index = np.unique(values, return_inverse=True)
        return levels, index.reshape(-1)
    keys = [json.dumps(v, sort_keys=True, default=str) for v in values.tolist()]
    first = dict(zip(keys, values.tolist()))
    try:
        order = sorted(first, key=lambda k: first[k])
    except TypeError:  # values that do not compare (dicts, None with numbers)
        order = sorted(first)
    position = {k: i for i, k in enumerate(order)}
    levels = np.empty(len(order), dtype=object)
    levels[:] = [first[k] for k in order]
    return levels, np.array([position[k] for k in keys], dtype=np.int64)


def _equal(values: np.ndarray, wanted) -> np.ndarray:
    if values.dtype.kind in "biuf" and isinstance(wanted, (int, float)):
        # a value typed by the user (0.1) against one computed and saved (0.1000000001)
        return np.isclose(values.astype(float), float(wanted), rtol=1e-9, atol=0.0)
    return np.array([v == wanted for v in values.tolist()], dtype=bool)


def _text(value) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.6g}"
    if isinstance(value, np.generic):
        return _text(value.item())
    return str(value)
