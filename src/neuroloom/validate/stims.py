"""stimSourceParams and stimTargetParams -> stimulus specs.

The stimulus types, their parameters and bounds are model/stim_types.py's table: spike
sources (NetStim, VecStim) drive a synapse through a NetCon, the others (IClamp, VClamp,
SEClamp, AlphaSynapse) are point processes placed on the target itself. Any numeric
parameter may be a string function of the target's post_ variables.
"""
from __future__ import annotations

import math
import warnings
from numbers import Real

from ..model.catalog import StimSource
from ..model.stim_types import LIST3, PULSES, SPIKE_SOURCES, STIM_TYPES, TIMES
from .checker import attr_path
from .conds import conds
from .pops import pulses
from .rules import default_syn_mech, secs
from .types import StimSourceSpec, StimTargetSpec
from .values import is_expression, value

TARGET_KEYS = ("source", "conds", "sec", "loc", "weight", "delay", "synMech", "synsPerConn",
               "synMechWeightFactor", "synMechDelayFactor", "synMechLocFactor")
SYNAPTIC_KEYS = ("weight", "delay", "synMech", "synsPerConn", "synMechWeightFactor",
                 "synMechDelayFactor", "synMechLocFactor")


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
    word = next((w for w in kind.words if rule.get(w.param) == w.word), None)
    if word is not None:  # e.g. a NetStim of rate 'variable': an NSLOC
        for name in word.unset:
            if name in rule:
                warnings.warn(f"{attr_path(path, name)}: not set on the {word.neuron_class} "
                              f"that {word.param} '{word.word}' makes (as in NetPyNE)",
                              stacklevel=2)
            given.pop(name, None)
        given.pop(word.param)
        params.extend(word.params)
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
            other, converted = kind.to_neuron(name, v)
            if isinstance(converted, float) and not math.isfinite(converted):  # 1e-320 Hz
                check.add(where, f"{v:g} makes NEURON's {other} {converted:g}")
                failed = True
            params.append((other, converted))
    if failed:
        return None
    source = StimSource(label=str(label), type=stim_type, params=tuple(params),
                        param_functions=tuple((n, e.text) for n, e in functions),
                        neuron_class=word.neuron_class if word else "")
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
    sec = secs(rule, path, conditions, tags, cell_types, check)
    fields = {"weight": 0.0, "delay": 0.0, "syn_mechs": (), "syns_per_conn": 1}
    if sources.get(source) in SPIKE_SOURCES:
        mechs = default_syn_mech(rule, path, syn_mechs, check)
        syns = check.integer(rule.get("synsPerConn", 1), attr_path(path, "synsPerConn"),
                             minimum=1, default=1)
        # NetPyNE: lists run over the synMechs, else (synsPerConn given) over the synapses
        axis = (("mech", len(mechs)) if mechs and len(mechs) > 1 else
                ("syn", syns) if "synsPerConn" in rule else None)
        fields.update(syn_mechs=mechs or (), syns_per_conn=syns)
        fields["weight"] = _listed(rule, "weight", defaults["defaultWeight"], path, post,
                                   axis, check)
        fields["delay"] = _listed(rule, "delay", defaults["defaultDelay"], path, post, axis,
                                  check, minimum=0)
        loc = _listed(rule, "loc", 0.5, path, post, axis, check, minimum=0, maximum=1)
        fields.update(_factors(rule, path, mechs, fields, loc, check))
        fields["list_axis"] = axis[0] if axis else None
        valid = mechs is not None
    else:
        loc = value(check, rule.get("loc", 0.5), attr_path(path, "loc"), post, minimum=0,
                    maximum=1, default=0.5)
        if source in sources:
            for key in SYNAPTIC_KEYS:
                if key in rule:
                    check.add(attr_path(path, key), f"is not used by {sources[source]} "
                                                    "stimuli, which act on the target directly")
            if sec is not None and len(sec) > 1:
                check.add(attr_path(path, "sec"), "a stimulus of this type goes on one section")
        valid = True
    if source not in valid_sources or not valid:
        return None
    return StimTargetSpec(label=str(label), source=source, conds=conditions,
                          cell_list=cell_list, sec=sec, loc=loc,
                          weight_scale=defaults["scaleConnWeightNetStims"],
                          loc_given=rule.get("loc") is not None, **fields)


def _listed(rule, key, default, path, variables, axis, check, **bounds):
    """A spike-source target's weight, delay or loc: a number, a string function or a list
    with one value per synMech or per synapse (``axis``: (what, how many) or None)."""
    where, raw = attr_path(path, key), rule.get(key, default)
    if isinstance(raw, (list, tuple)):
        if axis is None:
            check.add(where, "a list is only allowed with a list of synMechs (one value "
                             "each) or with synsPerConn (one value per synapse)")
            return default
        what, n = axis
        if len(raw) != n:
            check.add(where, f"has {len(raw)} values for {n} "
                             f"{'synMechs' if what == 'mech' else 'synapses'}")
            return default
    return value(check, raw, where, variables, allow_list=True, default=default, **bounds)


def _factors(rule, path, mechs, fields, loc, check) -> dict:
    """synMechWeightFactor, synMechDelayFactor and synMechLocFactor: with several synMechs,
    synMech i takes the value times factor i, unless the value is a list (which NetPyNE
    takes instead); with one synMech NetPyNE ignores them (a warning here)."""
    out, unused = {}, []
    if mechs is None:  # already a problem
        return out
    for key, name, current in (("synMechWeightFactor", "weight", fields["weight"]),
                               ("synMechDelayFactor", "delay", fields["delay"]),
                               ("synMechLocFactor", "loc", loc)):
        if key not in rule:
            continue
        where, raw = attr_path(path, key), rule[key]
        if not isinstance(raw, (list, tuple)) or len(raw) != len(mechs):
            check.add(where, f"must be a list with one number per synMech ({len(mechs)}), "
                             f"not {raw!r}")
            continue
        factors = [check.number(v, f"{where}[{i}]") for i, v in enumerate(raw)]
        if None in factors:
            continue
        if len(mechs) == 1 or isinstance(current, tuple):
            unused.append(key)
            continue
        if name == "loc" and rule.get("loc") is None:
            check.add(where, "scales 'loc', which is not given (NetPyNE fails too)")
            continue
        if name == "loc" and not is_expression(loc) and not all(
                0 <= loc * f <= 1 for f in factors):
            check.add(where, f"puts synapses outside their section: loc {loc:g} times "
                             f"{raw!r} must stay within [0, 1]")
            continue
        out[f"{name}_factors"] = tuple(float(f) for f in factors)
    if unused:
        why = ("one synMech" if len(mechs) == 1 else
               "a list of values, which NetPyNE takes instead")
        warnings.warn(f"{path}: {', '.join(unused)} has no effect with {why} (as in "
                      "NetPyNE)", stacklevel=2)
    return out
