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
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import SpecError
from ..suggest import hint


@dataclass(frozen=True)
class Param:
    label: str | tuple  # a cfg variable, or a path into one
    values: tuple
    group: bool = False

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
    """A deep copy of ``cfg`` (a SimConfig) with ``values`` ((label, value) pairs) set. A
    label must name a variable the cfg already has: a batch that explores a misspelt name
    would otherwise run the same model again and again."""
    cfg = copy.deepcopy(cfg)
    for label, value in values:
        path = label if isinstance(label, tuple) else (label,)
        holder = cfg
        for depth, key in enumerate(path):
            keys = list(holder.keys())
            if key not in holder:
                at = _name(path[:depth + 1])
                raise SpecError(f"{where}[{_name(label)!r}]: cfg has no {at!r}; "
                                f"{hint(str(key), keys)}")
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
