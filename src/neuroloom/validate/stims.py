"""stimSourceParams and stimTargetParams -> stimulus specs.

The stimulus types, their parameters and bounds are model/stim_types.py's table: spike
sources (NetStim, VecStim) drive a synapse through a NetCon, the others (IClamp, VClamp,
SEClamp, AlphaSynapse) are point processes placed on the target itself. Any numeric
parameter may be a string function of the target's post_ variables.
"""
from __future__ import annotations

from numbers import Real

from ..model.catalog import StimSource
from ..model.stim_types import LIST3, PULSES, SPIKE_SOURCES, STIM_TYPES, TIMES
from .checker import attr_path
from .conds import conds
from .pops import pulses
from .rules import default_syn_mech, secs
from .types import StimSourceSpec, StimTargetSpec
from .values import is_expression, value

TARGET_KEYS = ("source", "conds", "sec", "loc", "weight", "delay", "synMech", "synsPerConn")
SYNAPTIC_KEYS = ("weight", "delay", "synMech", "synsPerConn")


def stim_source(label, rule, path, contexts, check) -> StimSourceSpec | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    stim_type = check.required(rule, "type", path)
    if stim_type not in STIM_TYPES:
        if "type" in rule:
            check.reference(stim_type, attr_path(path, "type"), "stimulus type", STIM_TYPES)
        return None
    kind = STIM_TYPES[stim_type]
    allowed = kind.params
    rule = _unaliased(rule, kind, path, check)
    check.known_keys(rule, path, ("type", *allowed))
    given = {k: v for k, v in rule.items() if k in allowed}
    if kind.one_of:
        if sum(name in rule for name in kind.one_of) != 1:
            names = " and ".join(f"'{n}' ({allowed[n].unit})" for n in kind.one_of)
            check.add(path, f"a {stim_type} needs exactly one of {names}")
            return None
    given = {**dict(kind.defaults), **given}
    params, functions, failed = [], [], False
    for name, raw in given.items():
        where, param = attr_path(path, name), allowed[name]
        if param.shape == TIMES:
            v = _times(raw, where, check)
        elif param.shape == PULSES:
            v = pulses(raw, where, check)
        elif param.shape == LIST3:
            v = _list3(raw, where, check)
        else:
            v = value(check, raw, where, contexts.post(), default=None, **param.bounds())
        if v is None:
            failed = True
        elif is_expression(v):
            functions.append((name, v))
        else:  # as NEURON's object takes it (a NetStim's rate is its interval)
            params.append(kind.to_neuron(name, v))
    if failed:
        return None
    source = StimSource(label=str(label), type=stim_type, params=tuple(params),
                        param_functions=tuple((n, e.text) for n, e in functions))
    return StimSourceSpec(source=source, expressions=tuple(functions))


def _unaliased(rule, kind, path, check):
    """The rule with a parameter's other name (NEURON's Python name: an IClamp's 'delay'
    for 'del', as NetPyNE sets it) read as the parameter; both names at once is an error."""
    for alias, name in kind.aliases:
        if alias in rule:
            if name in rule:
                check.add(attr_path(path, alias), f"'{alias}' is another name of '{name}': "
                                                  "give one of them")
            rule = {**{k: v for k, v in rule.items() if k != alias}, name: rule[alias]}
    return rule


def _times(raw, where, check):
    if not isinstance(raw, (list, tuple)) or not all(
            isinstance(t, Real) and not isinstance(t, bool) for t in raw):
        check.add(where, f"must be a list of spike times (ms), not {raw!r}")
        return None
    return tuple(sorted(float(t) for t in raw))


def _list3(raw, where, check):
    values = raw if isinstance(raw, (list, tuple)) else [raw]
    if not 1 <= len(values) <= 3:
        check.add(where, f"must be one to three numbers, not {raw!r}")
        return None
    items = [check.number(v, f"{where}[{i}]") for i, v in enumerate(values)]
    return None if None in items else tuple(items)


def stim_target(label, rule, path, sources, valid_sources, syn_mechs, tags, cell_types,
                contexts, defaults, check) -> StimTargetSpec | None:
    """``sources``: every stim source label -> type; ``valid_sources``: those without
    problems."""
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, TARGET_KEYS)
    source = check.required(rule, "source", path)
    if "source" in rule:
        source = check.reference(source, attr_path(path, "source"), "stim source", sources)
    conditions, cell_list = conds(rule.get("conds", {}), attr_path(path, "conds"), tags, check,
                                  stims=True)
    post = contexts.post()
    loc = value(check, rule.get("loc", 0.5), attr_path(path, "loc"), post, minimum=0,
                maximum=1, allow_list="synsPerConn" in rule, default=0.5)
    sec = secs(rule, path, conditions, tags, cell_types, check)
    fields = {"weight": 0.0, "delay": 0.0, "syn_mech": None, "syns_per_conn": 1}
    if sources.get(source) in SPIKE_SOURCES:
        mechs = default_syn_mech(rule, path, syn_mechs, check)
        if mechs is not None and len(mechs) != 1:
            check.add(attr_path(path, "synMech"), "a stimulus drives one synMech")
        fields["syn_mech"] = mechs[0] if mechs else None
        fields["weight"] = value(check, rule.get("weight", defaults["defaultWeight"]),
                                 attr_path(path, "weight"), post)
        fields["delay"] = value(check, rule.get("delay", defaults["defaultDelay"]),
                                attr_path(path, "delay"), post, minimum=0, default=1.0)
        fields["syns_per_conn"] = check.integer(rule.get("synsPerConn", 1),
                                                attr_path(path, "synsPerConn"), minimum=1,
                                                default=1)
        if isinstance(loc, tuple) and len(loc) != fields["syns_per_conn"]:
            check.add(attr_path(path, "loc"), f"has {len(loc)} values for "
                                              f"{fields['syns_per_conn']} synapses")
    elif source in sources:
        for key in SYNAPTIC_KEYS:
            if key in rule:
                check.add(attr_path(path, key), f"is not used by {sources[source]} stimuli, "
                                                "which act on the target directly")
        if sec is not None and len(sec) > 1:
            check.add(attr_path(path, "sec"), "a stimulus of this type goes on one section")
    if source not in valid_sources or (sources.get(source) in SPIKE_SOURCES
                                       and fields["syn_mech"] is None):
        return None
    return StimTargetSpec(label=str(label), source=source, conds=conditions,
                          cell_list=cell_list, sec=sec, loc=loc,
                          weight_scale=defaults["scaleConnWeightNetStims"],
                          list_axis="syn" if isinstance(loc, tuple) else None, **fields)


