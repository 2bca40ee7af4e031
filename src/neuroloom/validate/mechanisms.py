"""The NEURON mechanisms a spec names, checked against what NEURON knows.

What NEURON knows comes from the engine as plain data (this layer does not import it): a
catalog ``{name: {'kind': 'density mechanism' | 'point process' | 'artificial cell',
'params': sorted settable variables, or None when not known before loading}}``
(engine/mechanisms.py ``catalog``, engine/modfiles.py ``mechanism_catalog``), made after
the user's modFolders are loaded. The facade (sim/) and the CLI hand it to ``validate``.
Every name is checked with its spec path: cellParams' density mechanisms, their
parameters, ions and point processes, synMechParams' mods and parameters, the point
process a stimulus source is made as, and artificial cell models.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..suggest import closest
from .cells import POINTP_RESERVED
from .checker import attr_path, item_path

DENSITY, POINT, ARTIFICIAL = "density mechanism", "point process", "artificial cell"
#: cellModels the engine never makes in NEURON (their spike trains are replayed)
REPLAYED = ("VecStim",)


def check_mechanisms(net, net_params, catalog: Mapping, check) -> None:
    """Record a problem for every mechanism name or parameter of the validated ``net``
    (NetSpec) and the user's ``net_params`` that NEURON (``catalog``) does not have."""
    cell_rules = net_params["cellParams"]
    if isinstance(cell_rules, Mapping):
        for label, rule in cell_rules.items():
            if isinstance(rule, Mapping) and isinstance(rule.get("secs"), Mapping):
                _cell_rule(rule["secs"], attr_path(item_path("cellParams", label), "secs"),
                           catalog, check)
    for pop in net.pops:
        model = pop.artificial
        if model is not None and model.mod not in REPLAYED:
            path = item_path("popParams", pop.label)
            if _known(model.mod, ARTIFICIAL, attr_path(path, "cellModel"), catalog, check):
                _params(model.mod, [name for name, _ in model.params], path, catalog, check)
    for syn in net.syn_mechs:
        path = item_path("synMechParams", syn.label)
        if _known(syn.mod, POINT, attr_path(path, "mod"), catalog, check):
            _params(syn.mod, [name for name, _ in syn.params], path, catalog, check)
    for spec in net.stim_sources:
        source = spec.source
        if source.neuron_class:  # a NetStim of rate 'variable' is made as an NSLOC
            _known(source.neuron_class, (POINT, ARTIFICIAL),
                   item_path("stimSourceParams", source.label), catalog, check,
                   f" (a {source.type} made as {source.neuron_class}: its mod file, e.g. "
                   "NetPyNE examples' nsloc.mod, must be in modFolders)")


def named_mechanisms(net, net_params) -> set[str]:
    """Every mechanism name the spec uses (for the engine to load neuroloom's own ones
    among them before it says what NEURON knows)."""
    names = {m.mod for m in net.syn_mechs} | {p.artificial.mod for p in net.pops
                                              if p.artificial is not None}
    names |= {s.source.neuron_class for s in net.stim_sources if s.source.neuron_class}
    cell_rules = net_params["cellParams"]
    for rule in (cell_rules.values() if isinstance(cell_rules, Mapping) else ()):
        secs = rule.get("secs") if isinstance(rule, Mapping) else None
        for sec in (secs.values() if isinstance(secs, Mapping) else ()):
            if not isinstance(sec, Mapping):
                continue
            for key in ("mechs", "pointps"):
                given = sec.get(key)
                for name, value in (given.items() if isinstance(given, Mapping) else ()):
                    names.add(str(value.get("mod")) if key == "pointps"
                              and isinstance(value, Mapping) else str(name))
    return names


def _cell_rule(secs, path, catalog, check) -> None:
    for name, sec in secs.items():
        if not isinstance(sec, Mapping):
            continue
        where = item_path(path, name)
        mechs = sec.get("mechs")
        for mech, params in (mechs.items() if isinstance(mechs, Mapping) else ()):
            at = item_path(attr_path(where, "mechs"), mech)
            if _known(mech, DENSITY, at, catalog, check) and isinstance(params, Mapping):
                # (None leaves a parameter at its default, as in NetPyNE: never set)
                _params(mech, [k for k, v in params.items() if v is not None], at, catalog,
                        check)
        ions = sec.get("ions")
        for ion in (ions if isinstance(ions, Mapping) else ()):
            if f"{ion}_ion" not in catalog:
                known = [n[:-4] for n in catalog if n.endswith("_ion")]
                check.add(item_path(attr_path(where, "ions"), ion),
                          f"NEURON has no ion '{ion}' (no mechanism declares it); "
                          f"{_hint(str(ion), known)}")
        pointps = sec.get("pointps")
        for label, pointp in (pointps.items() if isinstance(pointps, Mapping) else ()):
            if not isinstance(pointp, Mapping) or not isinstance(pointp.get("mod"), str):
                continue
            at = item_path(attr_path(where, "pointps"), label)
            mod = pointp["mod"]
            if not _known(mod, POINT, attr_path(at, "mod"), catalog, check):
                continue
            _params(mod, [k for k in pointp if k not in POINTP_RESERVED
                          and not str(k).startswith("_")], at, catalog, check)
            vref = pointp.get("vref")
            if isinstance(vref, str):
                _params(mod, [vref], at, catalog, check, key="vref")


def _known(name, kinds, path, catalog, check, note="") -> bool:
    """Whether NEURON has ``name`` as one of ``kinds``; a problem at ``path`` if not."""
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    entry = catalog.get(name)
    if entry is not None and entry["kind"] in kinds:
        return True
    what = " or ".join(kinds)
    if entry is not None:
        check.add(path, f"'{name}' is a NEURON {entry['kind']}, not a {what}{note}")
    else:
        candidates = [n for n, e in catalog.items() if e["kind"] in kinds
                      and not n.endswith("_ion")]
        suggestion = _hint(str(name), candidates)
        if note and not suggestion.startswith("did you mean"):
            suggestion = ""  # the note says what to do; a list of names would not help
        check.add(path, f"NEURON has no {what} '{name}'{note}"
                        + (f"; {suggestion}" if suggestion else ""))
    return False


def _params(mech, names, path, catalog, check, key=None) -> None:
    """Every name of ``names`` must be a settable variable of ``mech`` (not checked when
    the catalog does not know them: a mechanism neuroloom loads only when used)."""
    known = catalog[mech]["params"]
    if known is None:
        return
    for name in names:
        if name not in known:
            at = attr_path(path, key or name)
            what = "variable" if key else "parameter"
            check.add(at, f"'{mech}' has no {what} '{name}'; {_hint(str(name), known)}")


def _hint(name: str, candidates) -> str:
    """'did you mean ...?' naming every candidate as few edits from ``name`` as the
    closest (Exp3Syn: both Exp2Syn and ExpSyn), or the valid names."""
    candidates = sorted(set(candidates))
    best = closest(name, candidates)
    if best is None:
        if not candidates:
            return "NEURON has none"
        shown = ", ".join(f"'{c}'" for c in candidates[:12])
        return f"valid names are {shown}" + (", ..." if len(candidates) > 12 else "")
    fewest = _edits(name, best)
    ties = [c for c in candidates if c != best and _edits(name, c) == fewest]
    names = [best, *ties[:3]]
    return "did you mean " + " or ".join(f"'{n}'" for n in names) + "?"


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                           previous + (char != other))
    return row[-1]


def check_trace_vars(traces, net, catalog: Mapping, check) -> None:
    """The variable a recordTraces entry reads from a mechanism, synMech or point process
    must be one of that mechanism's (``traces``: the RunSpec's TraceSpecs)."""
    syn_mods = {m.label: m.mod for m in net.syn_mechs}
    pointp_mods = {p.label: p.mod for t in net.cell_types for s in t.sections
                   for p in s.pointps}
    for trace in traces:
        path = item_path("recordTraces", trace.label)
        mod, what = None, ""
        if trace.mech is not None:
            mod, what = trace.mech, f"mechanism '{trace.mech}'"
        elif trace.syn_mech is not None:
            mod = syn_mods.get(trace.syn_mech)
            what = f"synMech '{trace.syn_mech}' ({mod})"
        elif trace.pointp is not None:
            mod = pointp_mods.get(trace.pointp)
            what = f"pointp '{trace.pointp}' ({mod})"
        entry = catalog.get(mod) if mod is not None else None
        if entry is None or entry["params"] is None or trace.var in entry["params"]:
            continue  # an unknown mechanism is reported where it is defined
        check.add(attr_path(path, "var"), f"'{trace.var}' is not a variable of {what}; "
                                          f"{_hint(trace.var, entry['params'])}")
