"""Which mechanisms NEURON has, and what their parameters are called."""
from __future__ import annotations

from functools import lru_cache

from ..errors import MechanismError
from ..suggest import hint
from .neuron_env import neuron_h

DENSITY, POINT = 0, 1
_INTERNAL = {"morphology", "capacitance"}


@lru_cache(maxsize=None)
def _names(kind: int) -> frozenset[str]:
    h = neuron_h()
    mt = h.MechanismType(kind)
    name = h.ref("")
    out = set()
    for i in range(int(mt.count())):
        mt.select(i)
        mt.selected(name)
        out.add(name[0])
    return frozenset(out - _INTERNAL)


def density_mechanisms() -> frozenset[str]:
    return _names(DENSITY)


def point_processes() -> frozenset[str]:
    return _names(POINT)


def exists(name: str) -> bool:
    return name in density_mechanisms() or name in point_processes()


def forget() -> None:
    """Drop what is known about NEURON's mechanisms (after loading new ones)."""
    _names.cache_clear()
    range_variables.cache_clear()
    parameters.cache_clear()


@lru_cache(maxsize=None)
def range_variables(mech: str) -> frozenset[str]:
    """Settable variables (PARAMETER, ASSIGNED, STATE) of a mechanism, without suffix."""
    h = neuron_h()
    name = h.ref("")
    suffix = "" if mech in point_processes() else f"_{mech}"
    out = set()
    for vartype in (1, 2, 3):
        ms = h.MechanismStandard(mech, vartype)
        for i in range(int(ms.count())):
            ms.name(name, i)
            var = name[0]
            out.add(var[: -len(suffix)] if suffix and var.endswith(suffix) else var)
    return frozenset(out)


def global_variables(mech: str, hoc_names=None) -> frozenset[str]:
    """GLOBAL variables of a density mechanism, with their suffix: NEURON's numeric
    ``<name>_<mech>`` names that are not range variables (e.g. ``tadj_na``).
    ``hoc_names``: ``dir(h)``, when the caller asks for many mechanisms (it is long)."""
    h = neuron_h()
    suffix = f"_{mech}"
    ranges = {f"{var}{suffix}" for var in range_variables(mech)}
    return frozenset(n for n in (dir(h) if hoc_names is None else hoc_names)
                     if n.endswith(suffix) and n not in ranges
                     and isinstance(getattr(h, n, None), float))


@lru_cache(maxsize=None)
def parameters(mech: str) -> frozenset[str]:
    """PARAMETER variables of a mechanism (what a cell description sets), no suffix."""
    h = neuron_h()
    name = h.ref("")
    suffix = "" if mech in point_processes() else f"_{mech}"
    ms = h.MechanismStandard(mech, 1)
    out = set()
    for i in range(int(ms.count())):
        ms.name(name, i)
        var = name[0]
        out.add(var[: -len(suffix)] if suffix and var.endswith(suffix) else var)
    return frozenset(out)


#: what a mechanism is, in the catalog handed to validation (validate/mechanisms.py)
KINDS = {DENSITY: "density mechanism", POINT: "point process"}
ARTIFICIAL_CELL = "artificial cell"


def catalog() -> dict[str, dict]:
    """What NEURON knows of its mechanisms now, as plain data for validation: name ->
    {'kind': 'density mechanism' | 'point process' | 'artificial cell', 'params': sorted
    settable variables (without suffix)}."""
    h = neuron_h()
    name = h.ref("")
    out = {}
    for kind in (DENSITY, POINT):
        mt = h.MechanismType(kind)
        for i in range(int(mt.count())):
            mt.select(i)
            mt.selected(name)
            if name[0] in _INTERNAL:
                continue
            artificial = kind == POINT and bool(mt.is_artificial(i))
            out[name[0]] = {"kind": ARTIFICIAL_CELL if artificial else KINDS[kind],
                            "params": tuple(sorted(range_variables(name[0])))}
    return out


def used_mechanisms(network) -> set[str]:
    """Names of every NEURON mechanism the network's cells, synapses and stimuli use."""
    used = {m.mod for m in network.syn_mechs} | {s.type for s in network.stim_sources}
    used |= {s.neuron_class for s in network.stim_sources if s.neuron_class}
    for cell_type in network.cell_types:
        if cell_type.is_artificial:
            used.add(cell_type.artificial.mod)
        for sec in cell_type.sections:
            used.update(mech for mech, _ in sec.mechs)
            used.update(p.mod for p in sec.pointps)
    return used


def check_mechanisms(network, extra_problems=()) -> None:
    """Every mechanism and parameter the network uses must exist in NEURON.

    Raises one MechanismError listing all problems, each naming where it was used.
    """
    problems = list(extra_problems)
    density, point = density_mechanisms(), point_processes()
    for cell_type in network.cell_types:
        if cell_type.is_artificial and cell_type.artificial.mod != "VecStim":
            model = cell_type.artificial  # (VecStim trains are replayed: see replay.py)
            problems += _check(model.mod, model.params, point, "artificial cell",
                               f"cellType '{cell_type.label}'")
        for sec in cell_type.sections:
            where = f"cellType '{cell_type.label}', section '{sec.name}'"
            for mech, params in sec.mechs:
                problems += _check(mech, params, density, "density mechanism", where,
                                   f"{where}, mechanism '{mech}'")
            problems += [f"{where}: NEURON has no ion '{ion}' (no mechanism declares it)"
                         for ion, _ in sec.ions if f"{ion}_ion" not in density]
            for pointp in sec.pointps:
                pwhere = f"{where}, pointp '{pointp.label}'"
                problems += _check(pointp.mod, pointp.params, point, "point process", pwhere)
                if (pointp.vref and pointp.mod in point
                        and pointp.vref not in range_variables(pointp.mod)):
                    problems.append(f"{pwhere}: '{pointp.mod}' has no variable vref "
                                    f"'{pointp.vref}'")
    for syn in network.syn_mechs:
        problems += _check(syn.mod, syn.params, point, "point process",
                           f"synMechParams['{syn.label}']")
    for source in network.stim_sources:
        if source.neuron_class:  # made instead of its type's class (a NetStim's NSLOC)
            problems += _check(source.neuron_class, source.params, point, "point process",
                               f"stimSourceParams['{source.label}'] (a {source.type} made as "
                               f"{source.neuron_class}; its mod file, e.g. NetPyNE "
                               "examples' nsloc.mod, must be in modFolders)")
    if problems:
        raise MechanismError("\n".join(problems) if len(problems) == 1 else
                             f"{len(problems)} mechanism problems:\n"
                             + "\n".join(f"  - {p}" for p in problems))


def _check(mod, params, known, kind, where, params_where=None) -> list[str]:
    """The problems of one use of a mechanism: missing, or unknown parameters."""
    if mod not in known:
        return [f"{where}: NEURON has no {kind} '{mod}'; {hint(mod, known)}"]
    return _unknown_params(params, mod, params_where or where)


def _unknown_params(params, mech, where) -> list[str]:
    known = range_variables(mech)
    return [f"{where}: '{mech}' has no parameter '{p}'; {hint(p, known)}"
            for p, _ in params if p not in known]
