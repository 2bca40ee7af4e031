"""NetParams -> NetSpec: checks every rule, fills in defaults, resolves references."""
from __future__ import annotations

import warnings
from dataclasses import replace
from numbers import Real

from ..model.catalog import CellType
from ..suggest import hint
from . import rules, stims
from .cells import cell_rule
from .checker import Checker, attr_path, item_path
from .conds import CATALOG_TAGS, FRACTION, Tags, conds
from .options import NETPARAMS_OPTIONS, NETPARAMS_PENDING, RULE_DICTS
from .pops import pop_spec
from .rxd import validate_rxd
from .types import Cond, NetSpec
from .values import Contexts

SHAPES = ("cuboid", "cylinder", "ellipsoid")
SCALARS = ("defaultWeight", "defaultDelay", "defaultThreshold", "scaleConnWeight",
           "scaleConnWeightNetStims", "propVelocity")


def validate_net_params(net_params, check: Checker) -> NetSpec:
    options = NETPARAMS_OPTIONS
    check.top_level(net_params, "NetParams", options, NETPARAMS_PENDING)
    rule_dicts = {name: check.mapping(net_params[name], name) or {} for name in RULE_DICTS}

    size = tuple(check.number(net_params[a], a, positive=True, default=100.0)
                 for a in ("sizeX", "sizeY", "sizeZ"))
    shape = net_params.shape
    if shape not in SHAPES:
        check.reference(shape, "shape", "shape", SHAPES)
        shape = "cuboid"
    scale = check.number(net_params.scale, "scale", positive=True, default=1.0)
    defaults = {name: check.number(net_params[name], name, default=options[name])
                for name in SCALARS}
    # every number the user can see on netParams is a string-function variable
    variables = tuple((name, float(v)) for name, v in net_params.items()
                      if isinstance(v, Real) and name not in RULE_DICTS)
    contexts = Contexts(variables)

    cell_rules = rule_dicts["cellParams"]
    elsewhere = {name for rule in cell_rules.values() if isinstance(rule, dict)
                 and isinstance(rule.get("secs"), dict) for name in rule["secs"]}
    rule_specs, cell_types = {}, {}
    for label, rule in cell_rules.items():
        spec, alone = cell_rule(label, rule, item_path("cellParams", label),
                                defaults["defaultThreshold"], contexts.net, check, elsewhere)
        if spec is not None and alone is not None:
            rule_specs[label], cell_types[label] = spec, alone
    pops = _each(rule_dicts, "popParams", lambda label, rule, path: pop_spec(
        label, rule, path, cell_rules, cell_types, size, contexts, check))
    for pop in pops:  # artificial populations bring their own cell type
        if pop.artificial is None:
            continue
        made = CellType(label=pop.cell_type, sections=(), spike_sec="", spike_loc=0.5,
                        threshold=defaults["defaultThreshold"], artificial=pop.artificial)
        if cell_types.setdefault(pop.cell_type, made) != made:
            check.add(item_path("popParams", pop.label), f"cellType '{pop.cell_type}' names "
                                                         "another model already")
    syn_mechs = _each(rule_dicts, "synMechParams", lambda label, rule, path: rules.syn_mech(
        label, rule, path, check))
    sources = _each(rule_dicts, "stimSourceParams", lambda label, rule, path: stims.stim_source(
        label, rule, path, contexts, check))
    tags = Tags(pops, [label for label, rule in cell_rules.items()
                       if not (isinstance(rule, dict) and rule.get("conds"))])
    defined_pops = [str(label) for label in rule_dicts["popParams"]]
    tags.broken_pops = frozenset(defined_pops) - {p.label for p in pops}
    rule_specs = _rule_conds(rule_specs, cell_rules, tags, check)
    tags.pop_types = _pop_types(pops, rule_specs, size, check)
    mech_labels = [m.label for m in syn_mechs]
    valid_sources = [s.source.label for s in sources]
    source_types = {label: rule.get("type") if isinstance(rule, dict) else None
                    for label, rule in rule_dicts["stimSourceParams"].items()}
    stim_targets = _each(rule_dicts, "stimTargetParams", lambda label, rule, path:
                         stims.stim_target(label, rule, path, source_types, valid_sources,
                                           mech_labels, tags, cell_types, contexts, defaults,
                                           check))
    conn_rules = _each(rule_dicts, "connParams", lambda label, rule, path: rules.conn_rule(
        label, rule, path, mech_labels, tags, cell_types, contexts, defaults, check))
    syn_mechs = _gap_junction_mechs(syn_mechs, conn_rules, check)
    unused = rules.unused_factors(conn_rules, rule_dicts["connParams"])
    if unused:
        shown = ", ".join(f"'{label}'" for label in unused[:5])
        warnings.warn(f"synMechWeightFactor/synMechDelayFactor have no effect on connParams "
                      f"with one synMech (as in NetPyNE): {shown}"
                      + (f" and {len(unused) - 5} more" if len(unused) > 5 else ""),
                      stacklevel=3)
    sub_conn_rules = _each(rule_dicts, "subConnParams", lambda label, rule, path:
                           rules.sub_conn_rule(label, rule, path, mech_labels, tags, cell_types,
                                               check))
    return NetSpec(cell_types=tuple(cell_types.values()), pops=pops, syn_mechs=syn_mechs,
                   stim_sources=sources, stim_targets=stim_targets, conn_rules=conn_rules,
                   sub_conn_rules=sub_conn_rules, size=size, shape=shape, scale=scale,
                   variables=variables,
                   rxd=validate_rxd(rule_dicts["rxdParams"], defined_pops,
                                    tuple(cell_types.values()), check),
                   cell_rules=tuple(rule_specs.values()))


def _rule_conds(rule_specs, raw_rules, tags, check) -> dict:
    """The cellParams rules with their conds parsed, and a 'fraction' range added to
    those with a diversityFraction: consecutive ranges of [0, 1) for the rules that
    share their cellType, cellModel and pop conds, in order (NetPyNE's ranges, with its
    1e-12 offsets)."""
    out, taken = {}, {}
    for label, spec in rule_specs.items():
        raw = raw_rules[label].get("conds") or {}
        if not raw:
            out[label] = spec
            continue
        path = attr_path(item_path("cellParams", label), "conds")
        parsed, _ = conds(raw, path, tags, check, cell_rule=True)
        if spec.diversity_fraction is not None:
            key = repr(tuple(raw.get(tag) for tag in CATALOG_TAGS))
            start = taken.get(key)
            end = (start or 0.0) + spec.diversity_fraction
            low = 0.0 if start is None else start - 1e-12
            taken[key] = end
            parsed = tuple(c for c in parsed if c.tag != FRACTION) + (
                Cond(tag=FRACTION, range=(low, end - 1e-12), closed=True),)
        out[label] = replace(spec, conds=parsed)
    return out


def _pop_types(pops, rule_specs, size, check) -> dict:
    """For every population, the cellParams rules that may apply to its cells (by its
    label, cellType, cellModel and position ranges); a compartmental population none can
    apply to is an error of its cellType."""
    out = {}
    for pop in pops:
        if pop.artificial is not None:
            out[pop.label] = (pop.cell_type,)
            continue
        out[pop.label] = tuple(label for label, spec in rule_specs.items()
                               if _may_apply(spec, pop, size))
        if not out[pop.label]:
            known = [label for label, spec in rule_specs.items() if spec.conds is None] + [
                v for spec in rule_specs.values() for c in spec.conds or ()
                if c.tag == "cellType" for v in c.values]
            check.add(attr_path(item_path("popParams", pop.label), "cellType"),
                      f"unknown cellType '{pop.cell_type}'; "
                      + hint(pop.cell_type, dict.fromkeys(known)))
    return out


def _may_apply(spec, pop, size) -> bool:
    if spec.conds is None:
        return spec.label == pop.cell_type
    labels = {"pop": pop.label, "cellType": pop.cell_type, "cellModel": pop.cell_model}
    for cond in spec.conds:
        if cond.tag in labels and labels[cond.tag] not in cond.values:
            return False
        axis = cond.tag[0] if cond.tag in ("x", "y", "z", "xnorm", "ynorm", "znorm") else None
        if axis is not None and cond.range is not None and pop.method != "list":
            extent = 1.0 if cond.tag.endswith("norm") else size["xyz".index(axis)]
            low, high = (extent * v for v in pop.norm_ranges["xyz".index(axis)])
            if cond.range[0] > high or cond.range[1] < low:
                return False
    return True


def _each(rule_dicts, name, make):
    """Validate every rule of one rule dict; invalid rules are left out (and reported)."""
    out = (make(label, rule, item_path(name, label)) for label, rule in rule_dicts[name].items())
    return tuple(r for r in out if r is not None)


def _gap_junction_mechs(syn_mechs, conn_rules, check):
    """connParams' gapJunction: True makes its synMechs read the other cell's v through
    'vpeer', both ways (NetPyNE's convention), unless they give pointerParams."""
    gap = {m for r in conn_rules if r.gap_junction for m in r.syn_mechs}
    spiking = {m for r in conn_rules if not r.gap_junction for m in r.syn_mechs}
    for label in sorted(gap & spiking):
        check.add(item_path("synMechParams", label), "is used both by gap-junction rules and "
                                                     "by spiking connections")
    syn_mechs = tuple(replace(m, pointer=rules.GAP_JUNCTION)
                      if m.label in gap and m.pointer is None else m for m in syn_mechs)
    driven = {m.label for m in syn_mechs if m.pointer is not None}
    for rule in conn_rules:
        kinds = {m in driven for m in rule.syn_mechs}
        path = item_path("connParams", rule.label)
        if len(kinds) > 1:
            check.add(f"{path}.synMech", "mixes voltage-driven (pointerParams) and spiking "
                                         "synMechs")
        elif kinds == {True} and rule.syns_per_conn != 1:
            check.add(f"{path}.synsPerConn", "a gap junction or graded synapse is one contact")
    return syn_mechs
