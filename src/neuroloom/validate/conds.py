"""Conditions (preConds, postConds, stim conds) -> Cond tuples."""
from __future__ import annotations

from numbers import Real

from .checker import attr_path
from .types import Cond
from .values import AXES

CATALOG_TAGS = ("pop", "cellType", "cellModel")


class Tags:
    """What cells can be selected by: catalog labels, positions and cellsList tags."""

    def __init__(self, pops, cell_rules):
        self.known = {"pop": [p.label for p in pops], "cellType": list(cell_rules),
                      "cellModel": sorted({p.cell_model for p in pops})}
        self.extra = sorted({tag for p in pops for cell in p.cells_list for tag, _ in cell
                             if tag not in AXES})
        self.pops = {p.label: p for p in pops}

    def all(self):
        return list(CATALOG_TAGS) + list(AXES) + self.extra

    @classmethod
    def of_network(cls, network) -> "Tags":
        """The tags of a built (or imported) network's cells."""
        class PopLike:  # what the conditions need to know about a population
            def __init__(self, pop):
                self.label, self.cell_type = pop.label, pop.cell_type
                self.cell_model, self.cells_list = pop.cell_model, ()
        tags = cls([PopLike(p) for p in network.pops],
                   {t.user_label: t for t in network.cell_types})
        tags.extra = sorted(network.cells.extra)  # the cells' own tags
        return tags


def conds(raw, path, tags: Tags, check, *, stims=False):
    """Returns (conds, cell_list); cell_list (stims only) is None when not given."""
    raw = check.mapping(raw, path)
    if raw is None:
        return (), None
    allowed = tags.all() + (["cellList"] if stims else [])
    check.known_keys(raw, path, allowed)
    out, cell_list = [], None
    for tag, v in raw.items():
        where = attr_path(path, tag)
        if tag == "cellList" and stims:
            cell_list = _cell_list(v, where, check)
        elif tag in CATALOG_TAGS:
            values = list(v) if isinstance(v, (list, tuple)) else [v]
            for item in values:
                check.reference(item, where, tag, tags.known[tag])
            out.append(Cond(tag=tag, values=tuple(values)))
        elif tag in AXES:
            out.append(_position(v, tag, where, check))
        elif tag in tags.extra:
            values = list(v) if isinstance(v, (list, tuple)) else [v]
            out.append(Cond(tag=tag, values=tuple(float(x) if isinstance(x, Real) else x
                                                  for x in values)))
    return tuple(out), cell_list


def _position(v, tag, where, check) -> Cond:
    """[min, max] is a range (min <= value < max, as NetPyNE); a number is an exact value."""
    if isinstance(v, (list, tuple)):
        if len(v) == 2 and all(isinstance(x, Real) and not isinstance(x, bool) for x in v) \
                and v[0] <= v[1]:
            return Cond(tag=tag, range=(float(v[0]), float(v[1])))
        check.add(where, f"a position condition is [min, max] with min <= max, not {v!r}")
        return Cond(tag=tag, range=(0.0, 0.0))
    number = check.number(v, where, default=0.0)
    return Cond(tag=tag, values=(number,))


def _cell_list(v, where, check):
    items = list(v) if isinstance(v, (list, tuple, range)) else None
    if items is None or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0
                                for i in items):
        check.add(where, f"must be a list of cell indices (whole numbers >= 0), not {v!r}")
        return None
    return tuple(items)


def matching_cell_types(conditions, tags: Tags) -> set[str]:
    """The cell types a set of conditions can select (to check section names against)."""
    types = set()
    for pop in tags.pops.values():
        labels = {"pop": pop.label, "cellType": pop.cell_type, "cellModel": pop.cell_model}
        if all(c.tag not in labels or labels[c.tag] in c.values for c in conditions):
            types.add(pop.cell_type)
    return types
