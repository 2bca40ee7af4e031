"""simConfig.recordTraces against the cells they apply to: the section, point process or
mechanism a trace names must be on the cells its conds select (all cells without conds),
so that nothing is silently left unrecorded at run time."""
from __future__ import annotations

import warnings

from ..suggest import hint
from .checker import attr_path, outside_neuroloom
from .conds import matching_pops


def trace_cells(trace, path, conds_given: bool, names, check) -> None:
    """Problems of one TraceSpec on the cell types of the populations it applies to
    (``names.cell_types``: label -> CellType; ``names.pop_rules``, ``names.tags``). As in
    NetPyNE, a trace records the cells that have what it names; that no cell it applies
    to has its section (or its point process or mechanism there) is an error at
    ``path.sec`` (``.pointp``, ``.mech``) naming the closest, and so is, with conds, a
    population they select that lacks it. A trace whose conds select no population
    warns."""
    if not names.cell_types:
        return
    pops = matching_pops(trace.conds, names.tags)
    broken = {v for c in trace.conds if c.tag == "pop" for v in c.values
              if v in names.tags.broken_pops}
    if not pops and not broken:  # (a population defined wrongly is reported there)
        warnings.warn(f"{path}.conds: select no cells of the network: nothing is recorded",
                      UserWarning, stacklevel=outside_neuroloom())
    if not pops or trace.sec is None:
        return
    # a cell gets the sections of every cellParams rule that applies to it: per population
    by_pop = {pop.label: dict(_types_of(pop, names)) for pop in pops}
    by_pop = {label: types for label, types in by_pop.items() if types}
    if not by_pop:
        return
    missing = {label: _missing(trace, types) for label, types in by_pop.items()}
    if all(missing.values()):  # nothing would be recorded
        key, what, name, known = next(iter(missing.values()))
        types = list(dict.fromkeys(t for types in by_pop.values() for t in types))
        whose = (f"cell type '{types[0]}'" if len(types) == 1 else
                 f"none of the cell types it applies to ({', '.join(types)})")
        if key != "sec":
            whose = f"section '{trace.sec}' of {whose}"
        check.add(attr_path(path, key), f"{whose} has no {what} '{name}'; {hint(name, known)}")
        return
    lacking = [label for label, problem in missing.items() if problem]
    if lacking and conds_given:
        key, what, name, _ = missing[lacking[0]]
        check.add(attr_path(path, key), f"the cells of population"
                                        f"{'s' * (len(lacking) > 1)} {', '.join(lacking)} "
                                        f"its conds select have no {what} '{name}'")


def _missing(trace, types):
    """(key, what, name, the names there are) of what a population's cell types (label ->
    CellType) lack of what the trace names, or None when they have it all."""
    sections = [s for t in types.values() for s in t.sections if s.name == trace.sec]
    lists = {n for t in types.values() for n, _ in t.sec_lists}
    if not sections and trace.sec not in lists:
        every = sorted({n for t in types.values() for n in t.section_names} | lists)
        return "sec", "section or secList", trace.sec, every
    if not sections:  # a secList: its sections are checked by the engine
        return None
    if trace.pointp is not None:
        labels = sorted({p.label for s in sections for p in s.pointps})
        if trace.pointp not in labels:
            return "pointp", "point process", trace.pointp, labels
    if trace.mech is not None:
        mechs = sorted({m for s in sections for m, _ in s.mechs})
        if trace.mech not in mechs:
            return "mech", "mechanism", trace.mech, mechs
    return None


def _types_of(pop, names):
    """(label, CellType) of the compartmental cell types ``pop``'s cells may get, with
    sections known before the model is built (not those a program makes)."""
    labels = names.pop_rules.get(pop.label, names.tags.pop_types.get(pop.label,
                                                                      (pop.cell_type,)))
    for label in labels:
        cell_type = names.cell_types.get(label)
        if cell_type is not None and not cell_type.is_artificial and \
                cell_type.template is None:
            yield label, cell_type
