"""cellParams rules -> the cell types of the placed cells.

As NetPyNE does, every rule is checked against every compartmental cell: a rule without
conds applies to the cells whose cellType is its label, a rule with conds to the cells
whose tags satisfy them (pop, cellType and cellModel of the population, position, the
'fraction' of populations with diversity, cellsList tags). The rules that apply to a cell
are merged in order. Cells given the same rules share one cell type; when the rules hold
string functions every cell gets its own (values drawn per cell). A cell type keeps the
cells' cellType as its user label (variant_of), so conditions on cellType select by the
tag, as in NetPyNE.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .. import rng
from ..errors import Problem, SpecError
from ..naming import unique
from ..validate.cells import (
    assemble,
    has_functions,
    merge_lists,
    merge_secs,
    weight_norms,
)
from ..validate.checker import Checker
from .cell_values import AXES, CellValues
from .conds import matches


class CellTypes:
    """The cell type catalog of a network, with each type's weightNorm factors."""

    def __init__(self):
        self.types, self.norms = [], []
        self._labels, self._shared = set(), {}

    def add(self, cell_type, norms=None, shared_by=None) -> int:
        """The code of a new cell type; ``shared_by``: a key under which later calls get
        the same code (cells given the same rules share one type)."""
        if shared_by is not None and shared_by in self._shared:
            return self._shared[shared_by]
        self.types.append(replace(cell_type, label=unique(cell_type.label, self._labels)))
        self.norms.append(norms or {})
        if shared_by is not None:
            self._shared[shared_by] = len(self.types) - 1
        return len(self.types) - 1


def assign_cell_types(net_spec, pops, cells, seed: int, stim_seed: int = 1):
    """(CellTypes, the cells' cell type codes) for placed cells. ``seed``: of the
    cellParams string functions' draws; ``stim_seed``: of the rates artificial cells
    draw from a range."""
    catalog = CellTypes()
    codes = np.full(len(cells), -1, dtype=np.int32)
    artificial = {t.label: t for t in net_spec.cell_types if t.is_artificial}
    rules = net_spec.cell_rules
    variables = dict(net_spec.variables)
    for spec, pop in zip(net_spec.pops, pops):
        gids = np.arange(pop.gid_start, pop.gid_start + pop.size)
        if spec.artificial is not None and spec.rate_range is not None:
            codes[gids] = _drawn_rates(artificial[spec.cell_type], spec, gids, stim_seed,
                                       catalog)
            continue
        if spec.artificial is not None:
            codes[gids] = catalog.add(artificial[spec.cell_type], shared_by=spec.cell_type)
            continue
        applies = np.array([_applies(rule, pop, cells, pops, gids) for rule in rules],
                           dtype=bool).reshape(len(rules), len(gids))
        orphans = gids[~applies.any(axis=0)]
        if len(orphans):
            g = int(orphans[0])
            raise SpecError(Problem(
                f"popParams['{pop.label}']", f"{len(orphans)} of its {len(gids)} cells "
                f"match no cellParams rule (cellType '{pop.cell_type}'; e.g. gid {g} at "
                f"ynorm {cells.ynorm[g]:.4g})"))
        combos, which = np.unique(applies.T, axis=0, return_inverse=True)
        for k, combo in enumerate(combos):
            members = gids[np.asarray(which).ravel() == k]
            chosen = [rule for rule, on in zip(rules, combo) if on]
            codes[members] = _types_of(chosen, pop, members, cells, variables, seed,
                                       catalog)
    return catalog, codes


def _drawn_rates(cell_type, spec, gids, seed, catalog) -> np.ndarray:
    """A cell type per cell of an artificial population whose rate is a range: the rate
    drawn uniformly for each cell (NetPyNE's 'rate': [low, high]), from a stream keyed
    by the stimulation seed, the population and the gid."""
    low, high = spec.rate_range
    rates = low + (high - low) * rng.uniform(rng.stream_key(seed, "point_rate", spec.label),
                                             gids)
    out = np.empty(len(gids), dtype=np.int32)
    for i, (gid, rate) in enumerate(zip(gids.tolist(), rates.tolist())):
        model = cell_type.artificial
        own = replace(model, params=(*model.params, ("interval", 1000.0 / rate)))
        out[i] = catalog.add(replace(cell_type, label=f"{cell_type.label}@{gid}",
                                     variant_of=cell_type.user_label, artificial=own))
    return out


def _applies(rule, pop, cells, pops, gids) -> np.ndarray:
    if rule.conds is None:
        return np.full(len(gids), rule.label == pop.cell_type)
    mask = np.ones(len(gids), dtype=bool)
    tags = {"pop": pop.label, "cellType": pop.cell_type, "cellModel": pop.cell_model}
    for cond in rule.conds:
        if cond.tag in tags:
            mask &= tags[cond.tag] in cond.values
        else:
            mask &= matches(cond, cells, pops, ())[gids]
    return mask


def _types_of(rules, pop, members, cells, variables, seed, catalog) -> np.ndarray:
    """The codes of the cell type(s) the rules give ``members`` (cells of ``pop``)."""
    label = "+".join(r.label for r in rules)
    where = " + ".join(f"cellParams['{r.label}']" for r in rules)
    secs = merge_secs(rules)
    sec_lists, globals_ = merge_lists(rules)
    threshold = rules[-1].threshold
    tag = pop.cell_type
    if not has_functions(secs):
        made = _assemble(label, secs, sec_lists, globals_, threshold, where)
        return catalog.add(replace(made, variant_of="" if tag == label else tag),
                           weight_norms(secs), shared_by=(label, tag))
    values = CellValues(rules, variables, seed, where)
    out = np.empty(len(members), dtype=np.int32)
    for i, gid in enumerate(members.tolist()):
        position = {a: float(getattr(cells, a)[gid]) for a in AXES}
        concrete = values.evaluate(secs, sec_lists, globals_, threshold, gid, position)
        made = _assemble(f"{label}@{gid}", concrete, sec_lists, globals_, threshold, where)
        out[i] = catalog.add(replace(made, variant_of=tag), weight_norms(concrete))
    return out


def _assemble(label, secs, sec_lists, globals_, threshold, where):
    check = Checker()
    made = assemble(label, secs, sec_lists, globals_, threshold, where, check)
    if check.problems or made is None:
        raise SpecError(check.problems or Problem(where, "cannot be assembled"))
    return made
