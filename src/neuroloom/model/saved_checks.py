"""A saved network's plain data (``serialize.network_to_dict``) checked before it becomes a
Network, as strictly as a spec: every catalog present; every table column present, 1-D, of
a number type, as long as the others; codes and gids in range, integer columns integral
(a float gid 3.5 is an error, never truncated); weights finite; delays finite and not
negative; locations in [0, 1]; a connection's section one of its cell's. A problem is a
FormatError naming the file, the table, the column and the row.

Delays of 0 are kept: a spec may give them, and NEURON runs them on one process.
"""
from __future__ import annotations

import numpy as np

from ..errors import FormatError

#: what a saved network holds besides its format: catalogs, tables and trains
REQUIRED = ("size", "pops", "cellTypes", "synMechs", "stimSources", "sectionNames",
            "connRules", "stimRules", "cells", "conns", "stims", "spikeTrains",
            "stimTrains", "provenance")
CATALOG_LISTS = ("pops", "cellTypes", "synMechs", "stimSources", "sectionNames",
                 "connRules", "stimRules")
TABLE_COLUMNS = {
    "cells": ("pop", "cell_type", "index", "x", "y", "z", "xnorm", "ynorm", "znorm"),
    "conns": ("pre_gid", "post_gid", "syn_mech", "weight", "delay", "sec", "loc", "rule"),
    "stims": ("gid", "source", "rule", "sec", "loc", "syn_mech", "weight", "delay"),
}
INTEGER_COLUMNS = {"pop", "cell_type", "index", "pre_gid", "post_gid", "syn_mech", "sec",
                   "rule", "gid", "source"}


def check_network_dict(data, where: str) -> None:
    """Raise a FormatError for the first problem of a saved network's plain data.

    Parameters
    ----------
    data : dict
        The saved network (``serialize.network_to_dict``), columns as lists or arrays.
    where : str
        Names the file in messages.

    Raises
    ------
    FormatError
        A catalog, table or column is missing or malformed, or a value is out of range;
        the message names the file, the table, the column and the row.
    """
    if not isinstance(data, dict):
        raise FormatError(f"{where}: the saved network is a {type(data).__name__}, not a "
                          "dict")
    for key in REQUIRED:
        if key not in data:
            raise FormatError(f"{where}: the saved network has no {key!r}")
    for key in CATALOG_LISTS:
        if not isinstance(data[key], (list, tuple)):
            raise FormatError(f"{where}: the saved network's {key!r} is a "
                              f"{type(data[key]).__name__}, not a list")
    sizes = {key: len(data[key]) for key in CATALOG_LISTS}
    cells = _columns(data, "cells", where)
    n = _length(cells, "cells", where)
    _codes(cells, "cells", "pop", 0, sizes["pops"] - 1, where)
    _codes(cells, "cells", "cell_type", 0, sizes["cellTypes"] - 1, where)
    _codes(cells, "cells", "index", 0, None, where)
    for name in ("x", "y", "z", "xnorm", "ynorm", "znorm"):
        _finite(cells, "cells", name, where)

    conns = _columns(data, "conns", where)
    _length(conns, "conns", where)
    for name in ("pre_gid", "post_gid"):
        _codes(conns, "conns", name, 0, n - 1, where, f"a gid of the {n} cells")
    _codes(conns, "conns", "syn_mech", -1, sizes["synMechs"] - 1, where)  # -1: none
    _codes(conns, "conns", "sec", -1, sizes["sectionNames"] - 1, where)
    _codes(conns, "conns", "rule", -1, sizes["connRules"] - 1, where)
    _finite(conns, "conns", "weight", where)
    _bounded(conns, "conns", "delay", 0.0, None, where)
    _bounded(conns, "conns", "loc", 0.0, 1.0, where)
    if n:
        _sections_of_cells(data, cells["cell_type"], conns, "conns", "post_gid", where)

    stims = _columns(data, "stims", where)
    _length(stims, "stims", where)
    _codes(stims, "stims", "gid", 0, n - 1, where, f"a gid of the {n} cells")
    _codes(stims, "stims", "source", 0, sizes["stimSources"] - 1, where)
    _codes(stims, "stims", "rule", -1, sizes["stimRules"] - 1, where)
    _codes(stims, "stims", "sec", -1, sizes["sectionNames"] - 1, where)
    _codes(stims, "stims", "syn_mech", -1, sizes["synMechs"] - 1, where)
    _bounded(stims, "stims", "loc", 0.0, 1.0, where)
    synaptic = stims["syn_mech"] >= 0  # a current clamp's rows carry no weight or delay
    _finite(stims, "stims", "weight", where, synaptic)
    _bounded(stims, "stims", "delay", 0.0, None, where, synaptic)
    if n:
        _sections_of_cells(data, cells["cell_type"], stims, "stims", "gid", where)
    for name in ("spikeTrains", "stimTrains"):
        _trains(data[name], name, n, where)


def _columns(data, table: str, where: str) -> dict:
    """The table's columns as 1-D numeric arrays (integer columns as int64)."""
    raw = data[table]
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: table {table!r} is a {type(raw).__name__}, not columns")
    names = TABLE_COLUMNS[table]
    for name in raw:
        if name not in names and name != "extra":
            raise FormatError(f"{where}: table {table!r} has an unknown column {name!r}")
    out = {}
    for name in names:
        if name not in raw:
            raise FormatError(f"{where}: table {table!r} has no column {name!r}")
        out[name] = _array(raw[name], table, name, where, name in INTEGER_COLUMNS)
    extra = raw.get("extra", {})
    if not isinstance(extra, dict):
        raise FormatError(f"{where}: table {table!r}: 'extra' is a {type(extra).__name__}, "
                          "not columns")
    for name, values in extra.items():
        try:
            column = np.asarray(values)
        except (ValueError, TypeError) as err:
            raise FormatError(f"{where}: table {table!r}, extra column {name!r}: {err}") \
                from None
        if column.ndim != 1 or column.dtype.kind not in "biufUS":
            raise FormatError(f"{where}: table {table!r}, extra column {name!r}: not a "
                              "column of numbers or strings")
        out[f"extra.{name}"] = column
    return out


def _array(values, table, name, where, integer: bool) -> np.ndarray:
    what = f"{where}: table {table!r}, column {name!r}"
    if isinstance(values, (str, bytes, dict)) or np.isscalar(values) or values is None:
        raise FormatError(f"{what}: a {type(values).__name__}, not a column of numbers")
    try:
        column = np.asarray(values)
    except (ValueError, TypeError) as err:  # ragged lists
        raise FormatError(f"{what}: not a column of numbers ({err})") from None
    if column.ndim != 1:
        raise FormatError(f"{what}: {column.ndim}-dimensional, not a column")
    if column.dtype.kind not in "iuf" and not (len(column) == 0 and column.dtype.kind in
                                                "O"):
        row = _first_not_number(column)
        shown = f"row {row}: {_show(column[row])}" if row is not None else \
            f"values of type {column.dtype}"
        raise FormatError(f"{what}, {shown} is not a number")
    if not integer:
        return column.astype(np.float64)
    if column.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(column) | (column != np.round(column)))
        if len(bad):
            raise FormatError(f"{what}, row {bad[0]}: {_show(column[bad[0]])} is not an integer")
    return column.astype(np.int64)


def _show(value) -> str:
    """A value as the file gave it: 'nan', '3.5', "b'x'" (not numpy's reprs)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _first_not_number(column: np.ndarray):
    for row, value in enumerate(column.tolist()):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return row
    return None


def _length(columns: dict, table: str, where: str) -> int:
    lengths = {name: len(values) for name, values in columns.items()}
    first = next(iter(lengths))
    for name, length in lengths.items():
        if length != lengths[first]:
            raise FormatError(f"{where}: table {table!r}, column {name!r} has {length} rows; "
                              f"column {first!r} has {lengths[first]}")
    return lengths[first]


def _codes(columns, table, name, low, high, where, what=None) -> None:
    values = columns[name]
    bad = (values < low) if high is None else (values < low) | (values > high)
    rows = np.flatnonzero(bad)
    if len(rows):
        if what is None:
            what = f"at least {low}" if high is None else (
                f"in {low}..{high}" if high >= low else "none: the catalog is empty")
        raise FormatError(f"{where}: table {table!r}, column {name!r}, row {rows[0]}: "
                          f"{int(values[rows[0]])} is not {what}")


def _finite(columns, table, name, where, rows=None) -> None:
    _bounded(columns, table, name, None, None, where, rows)


def _bounded(columns, table, name, low, high, where, rows=None) -> None:
    values = columns[name]
    bad = ~np.isfinite(values)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    if rows is not None:
        bad &= rows
    found = np.flatnonzero(bad)
    if len(found):
        want = "finite" if low is None and high is None else (
            f"in [{low:g}, {high:g}]" if high is not None else f"a finite value >= {low:g}")
        raise FormatError(f"{where}: table {table!r}, column {name!r}, row {found[0]}: "
                          f"{_show(values[found[0]])} is not {want}")


def _sections_of_cells(data, cell_types, table, table_name, gid_column, where) -> None:
    """Each row's section is one of its cell's: -1 only on an artificial cell."""
    names = list(data["sectionNames"])
    allowed = [_section_codes(t, names) for t in data["cellTypes"]]
    types = cell_types[table[gid_column]]
    secs = table["sec"]
    for code in np.unique(types).tolist():
        mine = np.flatnonzero(types == code)
        codes = allowed[code]
        if codes is None:  # sections unknown here (a template made elsewhere)
            continue
        bad = mine[~np.isin(secs[mine], sorted(codes))]
        if len(bad):
            row, sec = int(bad[0]), int(secs[bad[0]])
            label = _label(data["cellTypes"][code])
            shown = "no section (-1)" if sec < 0 else f"section {names[sec]!r}"
            raise FormatError(f"{where}: table {table_name!r}, column 'sec', row {row}: "
                              f"{shown} is not a section of cell "
                              f"{int(table[gid_column][row])} ({label!r})")


def _section_codes(cell_type, names: list):
    """The section codes a cell type's rows may use; None when they cannot be told."""
    if not isinstance(cell_type, dict):
        raise FormatError("a cell type of the saved network is not a dict")
    if cell_type.get("artificial") is not None:
        return {-1}
    sections = [s.get("name") for s in cell_type.get("sections") or () if isinstance(s, dict)]
    template = cell_type.get("template")
    if not sections and isinstance(template, dict):
        sections = list(template.get("section_names") or ())
    if not sections:
        return None
    return {names.index(s) for s in sections if s in names}


def _label(cell_type) -> str:
    return str(cell_type.get("label", "?")) if isinstance(cell_type, dict) else "?"


def _trains(trains, name: str, n: int, where: str) -> None:
    if not isinstance(trains, dict):
        raise FormatError(f"{where}: {name!r} is a {type(trains).__name__}, not its columns")
    for key in ("gids", "bounds", "times"):
        if key not in trains:
            raise FormatError(f"{where}: {name!r} has no column {key!r}")
    gids = _array(trains["gids"], name, "gids", where, True)
    bounds = _array(trains["bounds"], name, "bounds", where, True)
    times = _array(trains["times"], name, "times", where, False)
    _codes({"gids": gids}, name, "gids", 0, n - 1, where, f"a gid of the {n} cells")
    _finite({"times": times}, name, "times", where)
    if len(bounds) != len(gids) + 1:
        raise FormatError(f"{where}: {name!r}, column 'bounds' has {len(bounds)} rows for "
                          f"{len(gids)} gids (one more is needed)")
    steps = np.flatnonzero(np.diff(bounds) < 0)
    if bounds[0] != 0 or bounds[-1] != len(times) or len(steps):
        row = int(steps[0]) + 1 if len(steps) else (0 if bounds[0] != 0 else len(bounds) - 1)
        raise FormatError(f"{where}: {name!r}, column 'bounds', row {row}: {int(bounds[row])}"
                          f" does not bound the {len(times)} times")
