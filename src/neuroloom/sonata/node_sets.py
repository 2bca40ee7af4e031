"""SONATA node sets -> gids.

Every kind of node set the SONATA specification lists: a basic node set, a dict of
conditions that all hold (``population``: a population name or a list of them;
``node_id``: a node id or a list of them, within each population; an attribute: a value, a
list of values (any of them), or an operator dict ``{"$regex": "L6_.*"}`` (the whole string
matches), ``{"$gt": 0}``, ``$gte``, ``$lt``, ``$lte``); a compound node set, a list of node
set names or inline node sets, their union (a list of integers is, as BMTK reads it, the
node ids of every population). As BMTK and libsonata accept, the name of a
node population is the node set of its nodes, and, as BMTK defines it, ``all`` (unless the
file defines it) is every node of every population. Attributes come from the nodes file
and the node types CSV alike.

A condition on an attribute no node of the populations has selects nothing and says so:
it is an error, never a silent empty set; so is an unknown node set name (with the closest
known name).
"""
from __future__ import annotations

import re
import warnings

import numpy as np

from ..errors import FormatError
from ..suggest import hint

ALL = "all"  # BMTK's implicit node set of every node
#: operator of an attribute condition -> the test of a numeric value against its operand
COMPARISONS = {"$gt": np.greater, "$gte": np.greater_equal, "$lt": np.less,
               "$lte": np.less_equal}
REGEX = "$regex"
#: keys of old node sets BMTK 1.2.0 ignores (it then selects every node of the
#: populations): 300_cells' "recorded_cells" is {"gids": [...]}, and BMTK records all 300
#: cells. neuroloom does the same, and warns.
BMTK_IGNORED = ("gids",)


class NodeSets:
    def __init__(self, definitions: dict, node_pops, layout):
        """``node_pops``: the populations as read (their attributes); ``layout``: the
        NodeLayout that gives each node's gid."""
        self.definitions = definitions
        self._pops = {p.name: p for p in node_pops}
        self._layout = layout

    def gids(self, node_set, where: str = "node set") -> np.ndarray:
        """Ascending gids of a node set given by name or inline."""
        return np.unique(self._resolve(node_set, where, ()))

    def _resolve(self, node_set, where, seen) -> np.ndarray:
        if isinstance(node_set, str):
            if node_set in seen:
                raise FormatError(f"{where}: node set '{node_set}' refers to itself")
            if node_set in self.definitions:
                return self._resolve(self.definitions[node_set], f"node set '{node_set}'",
                                     seen + (node_set,))
            if node_set in self._pops:
                return self._population(node_set, None)
            if node_set == ALL:
                parts = [self._population(name, None) for name in self._pops]
                return np.concatenate(parts) if parts else np.empty(0, np.int64)
            known = sorted(set(self.definitions) | set(self._pops) | {ALL})
            raise FormatError(f"{where}: unknown node set '{node_set}' ("
                              f"{hint(node_set, known)}; known: {', '.join(known)})")
        if isinstance(node_set, list) and node_set and all(
                isinstance(i, int) and not isinstance(i, bool) for i in node_set):
            return self._resolve({"node_id": node_set}, where, seen)  # BMTK: node ids
        if isinstance(node_set, list):
            parts = [self._resolve(item, where, seen) for item in node_set]
            return np.concatenate(parts) if parts else np.empty(0, np.int64)
        if not isinstance(node_set, dict):
            raise FormatError(f"{where}: a node set is a name, a list or a dict, not "
                              f"{node_set!r}")
        conditions = dict(node_set)
        for key in BMTK_IGNORED:
            if key in conditions:
                del conditions[key]
                warnings.warn(f"{where}: node set key {key!r} is not SONATA's; as BMTK 1.2.0 "
                              "does, it is ignored (every node of the populations is in the "
                              "node set)", stacklevel=2)
        if "population" not in conditions and "populations" in conditions:  # BMTK's
            conditions["population"] = conditions.pop("populations")
        populations = _as_list(conditions.pop("population", list(self._pops)))
        for name in populations:
            if name not in self._pops:
                raise FormatError(f"{where}: unknown population '{name}' "
                                  f"({hint(str(name), self._pops)})")
        node_ids = conditions.pop("node_id", conditions.pop("node_ids", None))
        parts = []
        for name in populations:
            pop = self._pops[name]
            mask = np.ones(len(pop), dtype=bool)
            if node_ids is not None:
                mask &= np.isin(np.arange(len(pop)), _as_list(node_ids))
            for attribute, wanted in conditions.items():
                values = pop.attributes.get(attribute)
                if values is None:
                    mask[:] = False
                    continue
                mask &= _matches(values, wanted, f"{where}: {attribute}")
            parts.append(self._population(name, mask))
        if conditions and not any(any(a in self._pops[n].attributes for n in populations)
                                  for a in conditions):
            raise FormatError(f"{where}: no node has the attribute(s) "
                              f"{', '.join(sorted(conditions))}")
        return np.concatenate(parts) if parts else np.empty(0, np.int64)

    def _population(self, name, mask) -> np.ndarray:
        gids = self._layout[name].gids
        return gids if mask is None else gids[mask]

    def population(self, node_set, where: str = "node set") -> str:
        """The one population a node set lies in (spike inputs need one)."""
        codes, _ = self._layout.locate(self.gids(node_set, where))
        names = {self._layout.populations[c].name for c in np.unique(codes).tolist()}
        if len(names) == 1:
            return names.pop()
        raise FormatError(f"{where}: node set {node_set!r} must lie in one population, not "
                          f"{sorted(names) or 'none'}")


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _matches(values: np.ndarray, wanted, where: str) -> np.ndarray:
    """Which ``values`` meet a condition: a value, a list of values, or an operator dict."""
    if isinstance(wanted, dict):
        mask = np.ones(len(values), dtype=bool)
        for operator, operand in wanted.items():
            mask &= _operator(values, operator, operand, where)
        return mask
    wanted = _as_list(wanted)
    if values.dtype != object:
        numbers = [w for w in wanted if isinstance(w, (int, float))]
        return np.isin(values, numbers)
    return np.array([v in wanted for v in values], dtype=bool)


def _operator(values, operator, operand, where) -> np.ndarray:
    if operator == REGEX:
        if not isinstance(operand, str):
            raise FormatError(f"{where}: $regex needs a string, not {operand!r}")
        try:
            pattern = re.compile(operand)
        except re.error as err:
            raise FormatError(f"{where}: $regex {operand!r} is not a regular expression "
                              f"({err})") from None
        return np.array([isinstance(v, str) and pattern.fullmatch(v) is not None
                         for v in values], dtype=bool)
    compare = COMPARISONS.get(operator)
    if compare is None:
        raise FormatError(f"{where}: unknown operator {operator!r} "
                          f"({hint(str(operator), [*COMPARISONS, REGEX])})")
    if isinstance(operand, bool) or not isinstance(operand, (int, float)):
        raise FormatError(f"{where}: {operator} needs a number, not {operand!r}")
    numbers = np.array([v if isinstance(v, (int, float)) and not isinstance(v, bool)
                        else np.nan for v in values], dtype=float) \
        if values.dtype == object else values.astype(float)
    with np.errstate(invalid="ignore"):
        return compare(numbers, operand) & ~np.isnan(numbers)
