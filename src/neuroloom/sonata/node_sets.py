"""SONATA node sets -> gids.

A node set is a dict of conditions (attribute: value or list of values; the special keys
'population' and 'node_id'), a list of other node sets (their union), or, as BMTK and
libsonata accept, the name of a node population. Attributes come from the nodes file and
the node types CSV alike. A condition on an attribute no node has selects nothing and
says so: it is an error, never a silent empty set.
"""
from __future__ import annotations

import numpy as np

from ..errors import FormatError


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
            known = sorted(set(self.definitions) | set(self._pops))
            raise FormatError(f"{where}: unknown node set '{node_set}' (known: "
                              f"{', '.join(known)})")
        if isinstance(node_set, list):
            parts = [self._resolve(item, where, seen) for item in node_set]
            return np.concatenate(parts) if parts else np.empty(0, np.int64)
        if not isinstance(node_set, dict):
            raise FormatError(f"{where}: a node set is a name, a list or a dict, not "
                              f"{node_set!r}")
        conditions = dict(node_set)
        populations = _as_list(conditions.pop("population", list(self._pops)))
        for name in populations:
            if name not in self._pops:
                raise FormatError(f"{where}: unknown population '{name}'")
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
                mask &= _matches(values, _as_list(wanted))
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


def _matches(values: np.ndarray, wanted: list) -> np.ndarray:
    if values.dtype != object:
        numbers = [w for w in wanted if isinstance(w, (int, float))]
        return np.isin(values, numbers)
    return np.array([v in wanted for v in values], dtype=bool)
