"""What a batch explores: its parameters, the runs a grid or a list makes of them, and how a
run's values are written into a copy of the cfg.

A parameter is a cfg variable (``'connWeight'``) or a path into one (``('IClamp1', 'amp')``,
NetPyNE's tuple form). A grid runs every combination of the values; parameters named in
``groupedParams`` move together (the same index) instead of adding a dimension. A list runs
the i-th value of every parameter in run i. Runs are named ``<batchLabel>_<i>_<j>...``, one
index per parameter in the order given.
"""
from __future__ import annotations

import copy
import csv
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SpecError
from ..specs.dicts import Dict
from ..suggest import hint
from ..validate.checker import looks_like_typo


@dataclass(frozen=True)
class Param:
    label: str | tuple  # a cfg variable, or a path into one
    values: tuple  # a grid's values, or an optimisation's (min, max)
    group: bool = False
    starts: tuple = ()  # ASD: the starting value of each candidate ([min, max, [starts]])

    @property
    def name(self) -> str:
        """The label as one string ('IClamp1.amp' for a path)."""
        return ".".join(map(str, self.label)) if isinstance(self.label, tuple) else self.label


@dataclass(frozen=True)
class Run:
    label: str  # the simLabel: <batchLabel>_<indices>
    indices: tuple
    values: tuple  # (Param.label, value) pairs, in the order of the params

    def as_dict(self) -> dict:
        return {_name(label): value for label, value in self.values}


def parse_params(params, grouped=()) -> list[Param]:
    """``params``: {label: values} (specs.ODict) or NetPyNE's list of {'label', 'values',
    'group'}; ``grouped``: labels that vary together."""
    if isinstance(params, Mapping):
        items = [{"label": label, "values": values} for label, values in params.items()]
    elif isinstance(params, Sequence) and not isinstance(params, str):
        items = list(params)
    else:
        raise SpecError("Batch.params: give {parameter: [values]} (specs.ODict), not "
                        f"{type(params).__name__}")
    grouped = {_key(g) for g in (grouped or ())}
    out = []
    for i, item in enumerate(items):
        where = f"Batch.params[{i}]"
        if not isinstance(item, Mapping) or "label" not in item or "values" not in item:
            raise SpecError(f"{where}: each parameter needs 'label' and 'values'")
        unknown = set(item) - {"label", "values", "group"}
        if unknown:
            name = sorted(unknown)[0]
            raise SpecError(f"{where}.{name}: unknown key; "
                            f"{hint(name, ['label', 'values', 'group'])}")
        label = _key(item["label"])
        values = item["values"]
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise SpecError(f"Batch.params[{_name(label)!r}]: values must be a non-empty "
                            "list")
        out.append(Param(label, tuple(values), bool(item.get("group")) or label in grouped))
    known = {p.label for p in out}
    for g in grouped - known:
        raise SpecError(f"Batch.groupedParams: {_name(g)!r} is not a parameter; "
                        f"{hint(_name(g), [p.name for p in out])}")
    if len({p.label for p in out}) != len(out):
        raise SpecError("Batch.params: a parameter is given twice")
    return out


def params_from_csv(filename) -> list[Param]:
    """NetPyNE's ``runCfg['paramListFile']`` for method 'list': a CSV file whose header names
    the parameters (``IClamp1.amp`` is a path) and whose row i holds run i's values.

    Parameters
    ----------
    filename : str or pathlib.Path
        The CSV file.

    Returns
    -------
    list of Param
        One per column, its values down the rows (numbers where they parse as numbers).

    Raises
    ------
    SpecError
        The file is missing, empty or has rows of another length than its header.
    """
    path = Path(filename)
    if not path.is_file():
        raise SpecError(f"Batch.runCfg.paramListFile: {str(filename)!r} does not exist")
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        raise SpecError(f"Batch.runCfg.paramListFile: {str(filename)!r} needs a header and "
                        "a row per run")
    header, rows = rows[0], rows[1:]
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise SpecError(f"Batch.runCfg.paramListFile: row {i + 1} has {len(row)} values, "
                            f"the header {len(header)}")
    return [Param(tuple(name.split(".")) if "." in name else name,
                  tuple(_number(row[j]) for row in rows)) for j, name in enumerate(header)]


def _number(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def grid_runs(batch_label: str, params: list[Param]) -> list[Run]:
    """Every combination; grouped parameters share one index (one dimension)."""
    group = [p for p in params if p.group]
    if len({len(p.values) for p in group}) > 1:
        sizes = ", ".join(f"{p.name}: {len(p.values)}" for p in group)
        raise SpecError(f"Batch.groupedParams: grouped parameters need as many values each "
                        f"({sizes})")
    # one axis per ungrouped parameter, one for the group, where the group first appears
    axes, seen_group = [], False
    for p in params:
        if not p.group:
            axes.append([p])
        elif not seen_group:
            axes.append(group)
            seen_group = True
    runs = []
    for combo in itertools.product(*(range(len(axis[0].values)) for axis in axes)):
        index = {p.label: i for axis, i in zip(axes, combo) for p in axis}
        runs.append(_run(batch_label, params, [index[p.label] for p in params]))
    return runs


def list_runs(batch_label: str, params: list[Param]) -> list[Run]:
    """Run i takes the i-th value of every parameter (all lists as long)."""
    sizes = {len(p.values) for p in params}
    if len(sizes) != 1:
        detail = ", ".join(f"{p.name}: {len(p.values)}" for p in params)
        raise SpecError(f"Batch.params: method 'list' needs as many values for every "
                        f"parameter ({detail})")
    return [Run(f"{batch_label}_{i}", (i,), tuple((p.label, p.values[i]) for p in params))
            for i in range(sizes.pop())]


def _run(batch_label, params, indices) -> Run:
    return Run(batch_label + "".join(f"_{i}" for i in indices), tuple(indices),
               tuple((p.label, p.values[i]) for p, i in zip(params, indices)))


def apply(cfg, values, where: str = "Batch.params"):
    """A deep copy of ``cfg`` (a SimConfig) with ``values`` ((label, value) pairs) set.

    A label's first name must be a variable the cfg already has: a batch that explores a
    misspelt name would otherwise run the same model again and again. Below it, a path may
    name keys the cfg lacks, which are created as NetPyNE's Dict creates them (evolCell fills
    an empty ``cfg.tune`` this way), unless the key is one or two letters from a key beside it
    (``('IClamp1', 'amps')`` where IClamp1 has 'amp'): that is taken as a typo, an error.

    Parameters
    ----------
    cfg : specs.SimConfig
        The cfg to copy.
    values : iterable of (label, value)
        A label is a cfg variable or a tuple path into one.
    where : str
        The option the values come from, for error messages.

    Returns
    -------
    specs.SimConfig
        The copy with the values set.

    Raises
    ------
    SpecError
        A label that names no cfg variable, a misspelt key, or a path through a value that
        is not a dict.
    """
    cfg = copy.deepcopy(cfg)
    created = set()  # (id of the dict, key) made here: no typos of the cfg's own keys
    for label, value in values:
        path = label if isinstance(label, tuple) else (label,)
        holder = cfg
        for depth, key in enumerate(path):
            if key not in holder:
                keys = [str(k) for k in holder.keys()]
                own = [k for k in holder.keys() if (id(holder), k) not in created]
                if depth == 0 or looks_like_typo(str(key), map(str, own)) is not None:
                    at = _name(path[:depth + 1])
                    raise SpecError(f"{where}[{_name(label)!r}]: cfg has no {at!r}; "
                                    f"{hint(str(key), keys)}")
                created.add((id(holder), key))
                if depth < len(path) - 1:
                    holder[key] = Dict()
            if depth < len(path) - 1:
                holder = holder[key]
                if not isinstance(holder, Mapping) and not hasattr(holder, "keys"):
                    raise SpecError(f"{where}[{_name(label)!r}]: cfg {_name(path[:depth + 1])!r} "
                                    "is not a dict")
        holder[path[-1]] = copy.deepcopy(value)
    return cfg


def _key(label):
    return tuple(label) if isinstance(label, (list, tuple)) else label


def _name(label) -> str:
    return ".".join(map(str, label)) if isinstance(label, tuple) else str(label)
