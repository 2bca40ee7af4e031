"""synMechParams, stimSourceParams, stimTargetParams, connParams, subConnParams."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Real
from types import MappingProxyType

from ..model.catalog import Plasticity, Pointer, SynMech
from ..suggest import hint
from .checker import attr_path, outside_neuroloom
from .conds import conds, matching_cell_types, matching_pops
from .types import ConnRuleSpec, SubConnSpec
from .values import is_expression, value

SYNMECH_PENDING = dict.fromkeys(("selfNetCon", "loc"), "not supported")
#: the time constants (ms) of NEURON's built-in synapses: NEURON divides by them, so a value
#: <= 0 gives an infinite or growing conductance (NEURON itself does not refuse it)
SYN_TIME_CONSTANTS = {"ExpSyn": ("tau",), "Exp2Syn": ("tau1", "tau2"),
                      "AlphaSynapse": ("tau",)}
POINTER_KEYS = ("target_var", "source_var", "bidirectional")
GAP_JUNCTION = Pointer(target_var="vpeer", source_var="v", bidirectional=True)


# -- connectors ------------------------------------------------------------------------------
#: what a connector's amount is
NO_AMOUNT = None  # nothing: all-to-all
PROBABILITY = "probability"  # a probability in [0, 1], or a string function of the pair
COUNT = "count"  # a number of connections >= 0 per cell, or a string function of that cell
PAIRS = "pairs"  # a list of [pre index, post index] (ConnRuleSpec.conn_list)


@dataclass(frozen=True)
class Connector:
    """How a connectivity rule picks its (pre, post) pairs. ``key``: the connParams key
    that selects it and holds its amount (None: the connector of a rule without one);
    ``variables``: the Contexts method giving what its string functions may use ('pair':
    pre_, post_ and dist_ variables, 'post' or 'pre': that cell's), None without them.
    The builder makes the pairs (builder/connectors.py BUILDERS, keyed by these names)."""

    name: str
    key: str | None
    amount: str | None
    variables: str | None = None


#: connector name (ConnRuleSpec.connector) -> Connector
CONNECTORS = MappingProxyType({c.name: c for c in (
    Connector("probability", "probability", PROBABILITY, "pair"),
    Connector("convergence", "convergence", COUNT, "post"),
    Connector("divergence", "divergence", COUNT, "pre"),
    Connector("connList", "connList", PAIRS),
    Connector("full", None, NO_AMOUNT),
)})
CONNECTOR_KEYS = tuple(c.key for c in CONNECTORS.values() if c.key is not None)
_BY_KEY = {c.key: c for c in CONNECTORS.values()}  # None: a rule without a connector key

CONN_KEYS = ("preConds", "postConds", *CONNECTOR_KEYS, "weight", "delay", "loc", "synMech",
             "synsPerConn", "sec", "synMechWeightFactor", "synMechDelayFactor",
             "gapJunction", "preSec", "preLoc", "threshold", "disynapticBias",
             "connRandomSecFromList", "distributeSynsUniformly", "plast")
CONN_PENDING = {**dict.fromkeys(("weightIndex", "shape"), "time-varying weights (not yet)"),
                **dict.fromkeys(("connFunc", "synMechLocs", "synMechLocFactor"),
                                "not supported")}
PLAST_KEYS = ("mech", "params")
#: the plasticity mechanism NetPyNE 1.1.1 wires to spikes and to the connection's weight;
#: any other 'mech' it only makes, with its params, on the postsynaptic cell
WIRED_PLASTICITY = "STDP"
SUBCONN_KEYS = ("preConds", "postConds", "sec", "density", "groupSynMechs")
DISTANCE_KEYS = ("type", "ref_sec", "ref_seg", "target_distance", "coord")
MAP_KEYS = ("type", "gridX", "gridY", "gridValues", "fixedSomaY")
#: 'coord' of a distance density: NetPyNE takes 'cartesian' as straight 3D distances and
#: anything else as path distances along the sections
COORDS = ("topological", "topol", "cartesian")


def syn_mech(label, rule, path, check) -> SynMech | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    mod = check.required(rule, "mod", path)
    for key in rule:
        if key in SYNMECH_PENDING:
            check.add(attr_path(path, key), f"'{key}' is not supported yet "
                                            f"({SYNMECH_PENDING[key]})")
    positive = SYN_TIME_CONSTANTS.get(mod, ()) if isinstance(mod, str) else ()
    params = tuple((str(k), _syn_param(v, attr_path(path, k), k in positive, check))
                   for k, v in rule.items()
                   if k not in ("mod", "pointerParams") and k not in SYNMECH_PENDING)
    given = dict(params)
    if mod == "Exp2Syn" and given.get("tau1", 0.0) > 0 and \
            given.get("tau1", 0.0) >= given.get("tau2", 1.0) > 0:
        # NEURON's Exp2Syn sets tau1 to 0.9999*tau2 then: never silently
        warnings.warn(f"{attr_path(path, 'tau1')}: {given['tau1']:g} >= tau2 "
                      f"{given['tau2']:g}: NEURON's Exp2Syn then uses tau1 = 0.9999*tau2",
                      stacklevel=outside_neuroloom())
    pointer = None
    if "pointerParams" in rule:
        pointer = _pointer(rule["pointerParams"], attr_path(path, "pointerParams"), check)
    if not isinstance(mod, str):
        if "mod" in rule:
            check.add(attr_path(path, "mod"), f"must name a NEURON point process, not {mod!r}")
        return None
    return SynMech(label=str(label), mod=mod, params=params, pointer=pointer)


def _syn_param(v, where, time_constant, check) -> float:
    """A synMech parameter: a finite number (NEURON would carry inf or NaN through the run),
    > 0 for a time constant of a built-in synapse."""
    return check.number(v, where, positive=time_constant, default=0.0)


def _pointer(raw, path, check) -> Pointer | None:
    """How a gap junction or graded synapse reads the other cell's voltage."""
    raw = check.mapping(raw, path)
    if raw is None:
        return None
    check.known_keys(raw, path, POINTER_KEYS)
    target = check.required(raw, "target_var", path)
    if "target_var" in raw:
        target = check.string(target, attr_path(path, "target_var"))
    source = check.string(raw.get("source_var", "v"), attr_path(path, "source_var"),
                          default="v")
    both = check.boolean(raw.get("bidirectional", True), attr_path(path, "bidirectional"))
    return Pointer(target_var=target, source_var=source, bidirectional=both) if target else None


def secs(rule, path, conditions, tags, cell_types, check):
    """A rule's 'sec' as a tuple of section/secList names, checked against the cell types
    the rule's conditions can select."""
    sec = rule.get("sec")
    if sec is None:
        return None
    names = list(sec) if isinstance(sec, (list, tuple)) else [sec]
    if not names or not all(isinstance(n, str) for n in names):
        check.add(attr_path(path, "sec"), f"must be a section or secList name, or a list of "
                                          f"them, not {sec!r}")
        return None
    reported = set()
    for pop in matching_pops(conditions, tags):
        # artificial cells receive events themselves: no sections
        labels = [t for t in tags.pop_types.get(pop.label, (pop.cell_type,))
                  if t in cell_types and not cell_types[t].is_artificial]
        if not labels:
            continue
        known = list(dict.fromkeys(n for t in labels for n in (
            *cell_types[t].section_names, *(n for n, _ in cell_types[t].sec_lists))))
        for name in names:
            if name in known or (tuple(labels), name) in reported:
                continue
            reported.add((tuple(labels), name))
            whose = (f"cell type '{labels[0]}'" if len(labels) == 1 else
                     f"no cellParams rule of population '{pop.label}' "
                     f"({', '.join(labels)})")
            check.add(attr_path(path, "sec"), f"{whose} has no section or secList "
                                              f"'{name}'; {hint(name, known)}")
    return tuple(names)


def default_syn_mech(rule, path, syn_mechs, check, optional=False):
    """The rule's synMech(s), by default the first defined; ``optional`` when the targets
    are artificial cells, which receive events themselves (then () without synMechs)."""
    mech = rule.get("synMech", syn_mechs[0] if syn_mechs else None)
    if mech is None:
        if optional:
            return ()
        check.add(attr_path(path, "synMech"), "no synMechParams are defined to default to")
        return None
    mechs = list(mech) if isinstance(mech, (list, tuple)) else [mech]
    out = [check.reference(m, attr_path(path, "synMech"), "synMech", syn_mechs) for m in mechs]
    return None if None in out else tuple(out)


def conn_rule(label, rule, path, syn_mechs, tags, cell_types, contexts, defaults,
              check) -> ConnRuleSpec | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, CONN_KEYS, CONN_PENDING)
    pre, _ = conds(rule.get("preConds", {}), attr_path(path, "preConds"), tags, check)
    post, _ = conds(rule.get("postConds", {}), attr_path(path, "postConds"), tags, check)
    given = [k for k in CONNECTOR_KEYS if k in rule]
    if len(given) > 1:
        check.add(path, f"give at most one of {', '.join(CONNECTOR_KEYS)} "
                        f"(found {', '.join(given)})")
        return None
    connector = _BY_KEY[given[0] if given else None]
    fields = {}
    if connector.amount in (PROBABILITY, COUNT):
        fields["amount"] = value(check, rule[connector.key], attr_path(path, connector.key),
                                 getattr(contexts, connector.variables)(), minimum=0)
        if connector.amount == PROBABILITY and not is_expression(fields["amount"]) \
                and fields["amount"] > 1:
            # NetPyNE connects a pair when its probability reaches a uniform draw in [0, 1)
            warnings.warn(f"{attr_path(path, connector.key)} = {fields['amount']:g} is above "
                          "1: every candidate pair connects (as in NetPyNE)", stacklevel=2)
    elif connector.amount == PAIRS:
        fields["conn_list"] = _conn_list(rule[connector.key], attr_path(path, connector.key),
                                         check)
    artificial_only = all(cell_types[t].is_artificial
                          for t in matching_cell_types(post, tags) if t in cell_types)
    mechs = default_syn_mech(rule, path, syn_mechs, check, optional=artificial_only)
    syns = value(check, rule.get("synsPerConn", 1), attr_path(path, "synsPerConn"),
                 contexts.pair(), minimum=1, default=1)
    if not is_expression(syns):
        syns = check.integer(syns, attr_path(path, "synsPerConn"), minimum=1, default=1)
    sec = secs(rule, path, post, tags, cell_types, check)
    axis = _list_axis(connector, fields.get("conn_list", ()), mechs or (), syns)
    pair = contexts.pair()
    weight = _listed(check, rule, "weight", defaults["defaultWeight"], path, pair, axis, {})
    delay = _listed(check, rule, "delay", defaults["defaultDelay"], path, pair, axis,
                    dict(minimum=0))
    loc_axis = axis or ("sec" if sec is not None and len(sec) > 1 else None)
    loc = _listed(check, rule, "loc", 0.5, path, pair, loc_axis, dict(minimum=0, maximum=1))
    factors = {}
    for key, name in (("synMechWeightFactor", "weight_factors"),
                      ("synMechDelayFactor", "delay_factors")):
        if key in rule and mechs is not None and len(mechs) == 1:
            # NetPyNE reads the factors only for several synMechs (see unused_factors)
            _numbers(rule[key], attr_path(path, key), check)
        elif key in rule:
            factors[name] = _factors(rule[key], attr_path(path, key), mechs, check)
    pointer = _pointer_fields(rule, path, pre, tags, cell_types, check)
    _threshold(label, rule, path, pre, tags, cell_types, check)
    if rule.get("disynapticBias") is not None:
        check.add(attr_path(path, "disynapticBias"), "'disynapticBias' is not supported yet "
                                                     "(None, its default, is)")
    # a single synapse on a random section of the list, or on its first (simConfig's
    # connRandomSecFromList when the rule does not say)
    random_sec = check.boolean(rule["connRandomSecFromList"], attr_path(
        path, "connRandomSecFromList")) if "connRandomSecFromList" in rule else None
    # several synapses of a connection over a list of sections: spread evenly, else
    # random or as listed (simConfig's distributeSynsUniformly when the rule does not say)
    uniformly = check.boolean(rule["distributeSynsUniformly"], attr_path(
        path, "distributeSynsUniformly")) if "distributeSynsUniformly" in rule else None
    plast = _plasticity(label, rule["plast"], attr_path(path, "plast"), check) \
        if rule.get("plast") else None
    if mechs is None:
        return None
    return ConnRuleSpec(label=str(label), pre_conds=pre, post_conds=post,
                        connector=connector.name,
                        syn_mechs=mechs, weight=weight, delay=delay, loc=loc,
                        syns_per_conn=syns, sec=sec, weight_scale=defaults["scaleConnWeight"],
                        list_axis=axis[0] if axis else None, random_sec_from_list=random_sec,
                        distribute_syns_uniformly=uniformly,
                        loc_given=rule.get("loc") is not None, plast=plast,
                        **fields, **factors, **pointer)


def _plasticity(label, raw, path, check) -> Plasticity | None:
    """connParams' 'plast': {'mech': a point process, 'params': {name: number}}. Whether
    NEURON has the mechanism and its parameters is checked when the model is instantiated
    (engine/plasticity.py)."""
    raw = check.mapping(raw, path)
    if raw is None:
        return None
    check.known_keys(raw, path, PLAST_KEYS)
    mech = params = None
    for key in PLAST_KEYS:
        check.required(raw, key, path)  # records the missing ones
    if "mech" in raw:
        mech = check.string(raw["mech"], attr_path(path, "mech"))
    if "params" in raw:
        params = check.mapping(raw["params"], attr_path(path, "params"))
    items = tuple((str(k), check.number(v, attr_path(attr_path(path, "params"), k),
                                        default=0.0))
                  for k, v in (params or {}).items())
    if not mech or params is None:
        return None
    if mech != WIRED_PLASTICITY:
        warnings.warn(f"connParams['{label}'].plast.mech = '{mech}': as NetPyNE 1.1.1 does, "
                      f"it is made with its params on each connection's postsynaptic cell, "
                      f"but only '{WIRED_PLASTICITY}' is wired to the spikes and the weight "
                      f"of the connection", stacklevel=2)
    return Plasticity(mech=mech, params=items)


def _threshold(label, rule, path, pre, tags, cell_types, check) -> None:
    """connParams' threshold: NetPyNE 1.1.1 reads it no more (spikes are detected at each
    presynaptic cell's own threshold: its cellParams section's 'threshold', else
    netParams.defaultThreshold). Accepted; a warning when it differs from that."""
    if "threshold" not in rule:
        return
    value = check.number(rule["threshold"], attr_path(path, "threshold"))
    own = sorted({cell_types[t].threshold for t in matching_cell_types(pre, tags)
                  if t in cell_types})
    if value is not None and own and own != [value]:
        warnings.warn(f"connParams['{label}'].threshold = {value:g} has no effect (as in "
                      f"NetPyNE 1.1.1): spikes of the presynaptic cells are detected at "
                      f"{', '.join(f'{v:g}' for v in own)} mV, their cellParams section's "
                      "'threshold' or netParams.defaultThreshold", stacklevel=2)


def _pointer_fields(rule, path, pre, tags, cell_types, check) -> dict:
    """gapJunction, and where on the presynaptic cell a gap junction or graded synapse
    reads (preSec, preLoc)."""
    out = {"gap_junction": check.boolean(rule.get("gapJunction", False),
                                         attr_path(path, "gapJunction"))}
    if "preSec" in rule:
        names = secs({"sec": rule["preSec"]}, path, pre, tags, cell_types, check)
        if names is not None and len(names) != 1:
            check.add(attr_path(path, "preSec"), "must name one section")
        out["pre_sec"] = names[0] if names else None
    out["pre_loc"] = check.number(rule.get("preLoc", 0.5), attr_path(path, "preLoc"),
                                  minimum=0, maximum=1, default=0.5)
    return out


def _list_axis(connector, conn_list, mechs, syns):
    """What a list of weights/delays/locs runs over: the connList entries, the synMechs, or
    the synapses of a connection (synsPerConn); None when a list is not meaningful."""
    if connector.amount == PAIRS:
        return ("conn", len(conn_list))
    if len(mechs) > 1:
        return ("mech", len(mechs))
    if isinstance(syns, int) and syns > 1:
        return ("syn", syns)
    return None


def _listed(check, rule, key, default, path, variables, axis, bounds):
    where = attr_path(path, key)
    raw = rule.get(key, default)
    if isinstance(raw, (list, tuple)):
        if axis is None:
            check.add(where, "a list is only allowed with connList, a list of synMechs, "
                             "synsPerConn > 1 or (for loc) a list of sections")
            return default
        kind, n = axis if isinstance(axis, tuple) else (axis, None)
        if n is not None and len(raw) != n:
            check.add(where, f"has {len(raw)} values but the rule has {n} {_AXIS_NAMES[kind]}")
            return default
    return value(check, raw, where, variables, allow_list=True, default=default, **bounds)


_AXIS_NAMES = {"conn": "connList entries", "mech": "synMechs", "syn": "synapses per "
               "connection", "sec": "sections"}


def unused_factors(conn_rules, raw_rules) -> list[str]:
    """Labels of the connParams rules whose synMechWeightFactor or synMechDelayFactor has
    no effect: they have one synMech, and NetPyNE applies the factors only to several."""
    return [r.label for r in conn_rules if len(r.syn_mechs) == 1 and isinstance(
        raw_rules.get(r.label), dict) and ({"synMechWeightFactor", "synMechDelayFactor"}
                                           & set(raw_rules[r.label]))]


def _factors(raw, where, mechs, check):
    if not isinstance(raw, (list, tuple)) or mechs is None or len(raw) != len(mechs):
        check.add(where, f"must be a list with one number per synMech, not {raw!r}")
        return None
    items = [check.number(v, f"{where}[{i}]") for i, v in enumerate(raw)]
    return None if None in items else tuple(items)


def _conn_list(raw, where, check):
    pairs = []
    if isinstance(raw, (list, tuple)):
        for i, pair in enumerate(raw):
            if (isinstance(pair, (list, tuple)) and len(pair) == 2
                    and all(isinstance(v, Real) and not isinstance(v, bool)
                            and float(v).is_integer() and v >= 0 for v in pair)):
                pairs.append((int(pair[0]), int(pair[1])))
            else:
                check.add(f"{where}[{i}]", f"must be [pre index, post index], not {pair!r}")
                return ()
    if not pairs:
        check.add(where, f"must be a non-empty list of [pre index, post index], not {raw!r}")
    return tuple(pairs)


def sub_conn_rule(label, rule, path, syn_mechs, tags, cell_types, check) -> SubConnSpec | None:
    rule = check.mapping(rule, path)
    if rule is None:
        return None
    check.known_keys(rule, path, SUBCONN_KEYS)
    pre, _ = conds(rule.get("preConds", {}), attr_path(path, "preConds"), tags, check)
    post, _ = conds(rule.get("postConds", {}), attr_path(path, "postConds"), tags, check)
    sec = secs(rule, path, post, tags, cell_types, check)
    group = rule.get("groupSynMechs", [])
    if not isinstance(group, (list, tuple)) or len(group) == 1:
        check.add(attr_path(path, "groupSynMechs"), f"must list two or more synMechs, "
                                                    f"not {group!r}")
        group = []
    for mech in group:
        check.reference(mech, attr_path(path, "groupSynMechs"), "synMech", syn_mechs)
    density = rule.get("density", "uniform")
    where = attr_path(path, "density")
    fields = {}
    if isinstance(density, dict):
        kind = density.get("type")
        if kind in ("1Dmap", "2Dmap"):
            fields = _density_map(kind, density, where, check)
            if fields is None:
                return None
        elif kind == "distance":
            fields = _density_distance(density, where, check)
        else:
            check.add(attr_path(where, "type"), f"must be 'distance', '1Dmap' or '2Dmap', "
                                                f"not {kind!r}")
            return None
        density = kind
    elif density != "uniform":
        check.add(where, f"must be 'uniform' or {{'type': 'distance' | '1Dmap' | '2Dmap', "
                         f"...}}, not {density!r}")
        return None
    return SubConnSpec(label=str(label), pre_conds=pre, post_conds=post, sec=sec,
                       density=density, group_syn_mechs=tuple(group), **fields)


def _density_distance(density, where, check) -> dict:
    """Every synapse to the segment whose distance from a reference point is closest to
    a target: along the sections, or straight between 3D points ('cartesian')."""
    check.known_keys(density, where, DISTANCE_KEYS)
    coord = density.get("coord", "topological")
    if coord not in COORDS:
        check.reference(coord, attr_path(where, "coord"), "coord", COORDS)
    return dict(ref_sec=density.get("ref_sec", "soma"),
                ref_seg=check.number(density.get("ref_seg", 0.5), attr_path(where, "ref_seg"),
                                     minimum=0, maximum=1, default=0.5),
                target_distance=check.number(density.get("target_distance", 0.0),
                                             attr_path(where, "target_distance"), minimum=0,
                                             default=0.0),
                coord="cartesian" if coord == "cartesian" else "topological")


def _density_map(kind, density, where, check) -> dict | None:
    """Synapses spread over the segments by a density map of depth (1Dmap: gridValues
    over gridY) or of x and depth (2Dmap: gridValues[i][j] at gridX[i], gridY[j]), in um
    relative to the soma (shifted so the soma sits at fixedSomaY when given)."""
    check.known_keys(density, where, MAP_KEYS)
    grid_y = _numbers(density.get("gridY"), attr_path(where, "gridY"), check)
    values = density.get("gridValues")
    fields = dict(grid_y=grid_y)
    if kind == "1Dmap":
        fields["grid_values"] = _numbers(values, attr_path(where, "gridValues"), check)
        if len(fields["grid_values"]) != len(grid_y):
            check.add(attr_path(where, "gridValues"), f"has {len(fields['grid_values'])} "
                                                      f"values for {len(grid_y)} gridY points")
    else:
        grid_x = _numbers(density.get("gridX"), attr_path(where, "gridX"), check)
        rows = values if isinstance(values, (list, tuple)) else []
        fields.update(grid_x=grid_x, grid_values=tuple(
            _numbers(row, f"{attr_path(where, 'gridValues')}[{i}]", check)
            for i, row in enumerate(rows)))
        if len(rows) != len(grid_x) or any(len(r) != len(grid_y)
                                           for r in fields["grid_values"]):
            check.add(attr_path(where, "gridValues"), f"must be {len(grid_x)} rows (gridX) "
                                                      f"of {len(grid_y)} values (gridY)")
    if density.get("fixedSomaY") is not None:
        fields["fixed_soma_y"] = check.number(density["fixedSomaY"],
                                              attr_path(where, "fixedSomaY"))
    if len(grid_y) < 2:
        check.add(attr_path(where, "gridY"), "needs at least two points")
        return None
    return fields


def _numbers(raw, where, check) -> tuple:
    if not isinstance(raw, (list, tuple)):
        check.add(where, f"must be a list of numbers, not {raw!r}")
        return ()
    items = [check.number(v, f"{where}[{i}]", default=0.0) for i, v in enumerate(raw)]
    return tuple(items)
