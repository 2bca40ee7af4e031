"""Conditions (preConds, postConds, stim conds) -> Cond tuples."""
from __future__ import annotations

import warnings
from numbers import Real

import numpy as np

from ..suggest import hint
from .checker import attr_path, outside_neuroloom
from .types import Cond
from .values import AXES

CATALOG_TAGS = ("pop", "cellType", "cellModel")
# models conditions may name though no population has them (they then select no cells,
# as in NetPyNE, where e.g. preConds {'cellModel': 'NetStim'} is common)
KNOWN_MODELS = ("NetStim", "VecStim", "IntFire1", "IntFire2", "IntFire4")
FRACTION = "fraction"  # the tag of cells of populations with diversity (popParams)


class Tags:
    """What cells can be selected by: the populations' labels, cellTypes and cellModels
    (and cellParams labels, which are cellTypes by default), positions, cellsList tags
    and the 'fraction' of populations with diversity.

    ``pop_types``: for each population, the cell types (labels in NetSpec.cell_types)
    its cells may get: its cellParams rules, or its artificial type."""

    def __init__(self, pops, cell_rules, pop_types=None):
        self.known = {"pop": [p.label for p in pops],
                      "cellType": list(dict.fromkeys([*(p.cell_type for p in pops),
                                                      *cell_rules])),
                      "cellModel": sorted({p.cell_model for p in pops} | set(KNOWN_MODELS))}
        self.extra = sorted({tag for p in pops for cell in p.cells_list for tag, _ in cell
                             if tag not in AXES}
                            | ({FRACTION} if any(getattr(p, "diversity", False)
                                                 for p in pops) else set()))
        self.pops = {p.label: p for p in pops}
        # populations popParams defines whose definition is wrong (reported there): naming
        # one elsewhere is no second problem
        self.broken_pops: frozenset = frozenset()
        self.pop_types = pop_types or {p.label: (p.cell_type,) for p in pops}

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
        codes = network.cells.cell_type
        tags.pop_types = {p.label: tuple(dict.fromkeys(
            network.cell_types[t].label for t in np.unique(codes[p.gid_start:p.gid_start
                                                                 + p.size]).tolist()))
            for p in network.pops}
        return tags


def conds(raw, path, tags: Tags, check, *, stims=False, cell_rule=False):
    """Returns (conds, cell_list); cell_list (stims only) is None when not given.
    ``cell_rule``: the conds of a cellParams rule, where NetPyNE reads [min, max] of
    numbers (positions or other tags) as min <= value <= max, and other lists as the
    values allowed; elsewhere a position range is min <= value < max."""
    raw = check.mapping(raw, path)
    if raw is None:
        return (), None
    allowed = tags.all() + (["cellList"] if stims else []) + (
        [FRACTION] if cell_rule and FRACTION not in tags.extra else [])
    check.known_keys(raw, path, allowed)
    out, cell_list = [], None
    for tag, v in raw.items():
        where = attr_path(path, tag)
        if tag == "cellList" and stims:
            cell_list = _cell_list(v, where, check)
        elif tag in CATALOG_TAGS:
            values = list(v) if isinstance(v, (list, tuple)) else [v]
            for item in values:
                if cell_rule:  # a rule may be for cells this network does not have
                    check.string(item, where)
                elif tag == "pop" and item in tags.broken_pops:
                    continue
                elif stims and isinstance(item, str) and item not in tags.known[tag]:
                    # NetPyNE stimulates no cells there (its evolCell example aims an
                    # IClamp at a population its netParams lacks): run, but never silently
                    warnings.warn(f"{where}: the network has no {tag} '{item}' "
                                  f"({hint(item, tags.known[tag])}): the stimulus targets no "
                                  f"cells there, as in NetPyNE", UserWarning,
                                  stacklevel=outside_neuroloom())
                else:
                    check.reference(item, where, tag, tags.known[tag] + sorted(
                        tags.broken_pops if tag == "pop" else ()))
            out.append(Cond(tag=tag, values=tuple(values)))
        elif cell_rule and (tag in AXES or tag == FRACTION or tag in tags.extra) and \
                isinstance(v, (list, tuple)) and v and isinstance(v[0], Real):
            cond = _position(v, tag, where, check)
            out.append(Cond(tag=tag, range=cond.range, closed=True))
        elif tag in AXES:
            out.append(_position(v, tag, where, check))
        elif tag in tags.extra or (cell_rule and tag == FRACTION):
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


def matching_pops(conditions, tags: Tags) -> list:
    """The populations whose cells the conditions can select (by their labels, cellTypes
    and cellModels; positions and other tags are not known before cells are placed)."""
    out = []
    for pop in tags.pops.values():
        labels = {"pop": pop.label, "cellType": pop.cell_type, "cellModel": pop.cell_model}
        if all(c.tag not in labels or labels[c.tag] in c.values for c in conditions):
            out.append(pop)
    return out


def matching_cell_types(conditions, tags: Tags) -> set[str]:
    """The cell types a set of conditions can select (to check section names against)."""
    return {label for pop in matching_pops(conditions, tags)
            for label in tags.pop_types.get(pop.label, (pop.cell_type,))}
