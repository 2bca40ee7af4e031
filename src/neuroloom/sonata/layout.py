"""Which SONATA node population each cell is in, and its node id there.

By default every neuroloom population is a SONATA node population of the same name, node
id = index in the population. ``simConfig.sonataPopulations = {'cortex': ['E2', 'I2']}``
groups populations: 'cortex' holds E2's cells (node ids 0..) then I2's. The same layout
names the nodes of an exported circuit and the populations of spike and report files, so
a run's outputs line up with the circuit it came from.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import FormatError
from ..validate.grouping import grouping_problems


@dataclass(frozen=True)
class NodePopulation:
    name: str
    members: tuple  # the neuroloom Populations in it, in node id order
    gids: np.ndarray  # gid of each node id

    __hash__ = None

    def __len__(self) -> int:
        return len(self.gids)

    @property
    def offsets(self) -> dict:
        """Node id of each member's first cell."""
        out, start = {}, 0
        for pop in self.members:
            out[pop.label] = start
            start += pop.size
        return out


class NodeLayout:
    """The node populations of a network's cells (gids not in any are located at -1)."""

    def __init__(self, pops, grouping=None, where: str = "sonataPopulations"):
        grouping = dict(grouping or {})
        check_grouping(grouping, [p.label for p in pops], where)
        by_label = {p.label: p for p in pops}
        grouped = {label: name for name, labels in grouping.items() for label in labels}
        self.populations: list[NodePopulation] = []
        for pop in pops:  # a group takes the place of its first member
            name = grouped.get(pop.label, pop.label)
            if any(p.name == name for p in self.populations):
                continue
            members = tuple(by_label[label] for label in grouping.get(name, [pop.label]))
            gids = np.concatenate([np.arange(p.gid_start, p.gid_start + p.size)
                                   for p in members] or [np.empty(0, np.int64)])
            self.populations.append(NodePopulation(name, members, gids.astype(np.int64)))
        n = max((p.gid_start + p.size for p in pops), default=0)
        self._pop_of = np.full(n, -1, dtype=np.int64)
        self._node_of = np.full(n, -1, dtype=np.int64)
        for code, node_pop in enumerate(self.populations):
            self._pop_of[node_pop.gids] = code
            self._node_of[node_pop.gids] = np.arange(len(node_pop))

    def __iter__(self):
        return iter(self.populations)

    def __getitem__(self, name: str) -> NodePopulation:
        for node_pop in self.populations:
            if node_pop.name == name:
                return node_pop
        raise KeyError(name)

    def locate(self, gids) -> tuple[np.ndarray, np.ndarray]:
        """(node population index, node id) of each gid."""
        gids = np.asarray(gids, dtype=np.int64)
        return self._pop_of[gids], self._node_of[gids]

    @classmethod
    def of(cls, populations) -> "NodeLayout":
        """A layout as is, or the default layout of a sequence of Populations."""
        return populations if isinstance(populations, cls) else cls(list(populations))


def check_grouping(grouping: dict, labels, where: str = "sonataPopulations") -> None:
    problems = grouping_problems(grouping, labels)
    if problems:
        key, message = problems[0]
        raise FormatError(f"{where}{key}: {message}")
