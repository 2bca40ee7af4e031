"""Property-based tests of string functions (issue 19): generated expressions, from sane
to hostile (huge, zero and negative numbers, unknown and dunder names, disallowed calls,
attribute, subscript, lambda and import injections, deep nesting), and specs with a
generated string for each option. Whatever the string: no code runs, every failure is a
named neuroloom error (ExpressionError/SpecError) with the rule's path in its message, and
a network that builds has only finite, in-range values in its tables (nothing non-finite
reaches NEURON)."""
from __future__ import annotations

import builtins
import warnings

import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import network_from_specs
from neuroloom.builder.draws import KeyedDraws, describe_cells
from neuroloom.errors import NeuroloomError, SpecError
from neuroloom.expr import MATH, RANDOM, Bounds, compile_expression

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pytest.skip("hypothesis is not installed", allow_module_level=True)

SENTINEL = "_neuroloom_injected"
VARIABLES = ("post_x", "post_ynorm", "dist_3D")

#: texts that would run code if they were ever evaluated by Python
INJECTIONS = (
    f"__import__('builtins').setattr(__import__('builtins'), '{SENTINEL}', 1)",
    f"setattr(__builtins__, '{SENTINEL}', 1)",
    f"(lambda: __import__('builtins').__setattr__('{SENTINEL}', 1))()",
    "().__class__.__base__.__subclasses__()[0]",
    f"[__import__('builtins').setattr(__import__('builtins'), '{SENTINEL}', 1) for _ in '1']",
    f"globals().update({{'{SENTINEL}': 1}})",
    "(x := __import__('os'))",
    f"exec('import builtins; builtins.{SENTINEL} = 1')",
    "eval('1')", "post_x.__class__", "post_x[0]", "f'{post_x}'", "{1: 2}", "(1, 2)",
    "import os", "exp(x=1)", "*post_x", "__builtins__", "__import__", "post_x.real",
)

NUMBERS = st.one_of(
    st.sampled_from(["0", "0.0", "-0.0", "1", "-1", "1e308", "1e-320", "1e999", "inf",
                     "9" * 400, "2**1023", "10**400", "0.5", "-2.5e-3", "e", "pi"]),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str))
NAMES = st.sampled_from(VARIABLES + ("post_z", "unknown", "__class__", "__builtins__", "x_",
                                     "inf", "nan", "True", "None"))
FUNCTIONS = st.sampled_from(sorted(MATH) + sorted(RANDOM)
                            + ["eval", "open", "getattr", "__import__", "print", "len"])
BINARY = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<", ">=", "==", " and ",
                          " or ", "@", "<<", "&", " is ", " in "])


def _trees(children):
    calls = st.tuples(FUNCTIONS, st.lists(children, max_size=3)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})")
    return st.one_of(
        st.tuples(children, BINARY, children).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        children.map(lambda c: f"-{c}"), children.map(lambda c: f"not {c}"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} "
                                                              f"else {t[2]})"),
        calls)


EXPRESSIONS = st.one_of(
    st.recursive(st.one_of(NUMBERS, NAMES), _trees, max_leaves=12),
    st.sampled_from(INJECTIONS),
    st.integers(min_value=1, max_value=1500).map(lambda n: "-" * n + "1"),
    st.integers(min_value=1, max_value=1000).map(lambda n: "1+" * n + "1"),
    st.integers(min_value=1, max_value=600).map(lambda n: "(" * n + "1" + ")" * n),
    st.integers(min_value=1, max_value=300).map(lambda n: "exp(" * n + "0" + ")" * n))
BOUNDS = st.sampled_from([Bounds(), Bounds(minimum=0), Bounds(minimum=0, maximum=1),
                          Bounds(positive=True)])
WHERE = "connParams['gen'].weight"


def _no_code_ran():
    assert not hasattr(builtins, SENTINEL)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=EXPRESSIONS, bounds=BOUNDS)
def test_any_expression_is_a_value_in_bounds_or_a_named_error(text, bounds):
    gids = np.array([0, 0, 1, 2, 2, 2])
    env = {"post_x": np.linspace(-5, 5, 6), "post_ynorm": np.linspace(0, 1, 6),
           "dist_3D": np.array([0.0, 1.0, 2.0, 1e300, 3.0, 4.0])}
    try:
        compiled = compile_expression(text, VARIABLES, where=WHERE).with_bounds(bounds)
        draws = KeyedDraws(12345, gids, (6,)) if compiled.is_random else None
        values = compiled.evaluate(env, draws, (6,), describe_cells(gids))
    except SpecError as err:  # ExpressionError is one
        assert str(err).startswith(f"{WHERE}: "), str(err)
    else:
        assert values.shape == (6,) and np.all(np.isfinite(values))
        assert bounds.first_violation(values) is None
    _no_code_ran()


#: option -> (a function making the spec with ``text`` there, its path)
def _net(conn=None, pop=None, source=None, target=None, soma=None):
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 10.0, 'L': 10.0},
                                             'mechs': {'hh': {}}}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 4, **(pop or {})}
    if pop and 'density' in pop:
        del net.popParams['P']['numCells']
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5, 'e': 0}
    rule = {'preConds': {'pop': 'P'}, 'postConds': {'pop': 'P'}, 'probability': 0.5,
            'weight': 0.01, 'delay': 2}
    if conn and ('convergence' in conn or 'divergence' in conn):
        del rule['probability']
    net.connParams['gen'] = {**rule, **(conn or {})}
    net.stimSourceParams['src'] = source or {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
    synaptic = {'weight': 0.01, 'delay': 1} if net.stimSourceParams['src']['type'] == \
        'NetStim' else {}
    net.stimTargetParams['tgt'] = {'source': 'src', 'conds': {'pop': 'P'}, **synaptic,
                                   **(target or {})}
    net.cellParams['C']['secs']['soma'].update(soma or {})
    return net


ICLAMP = {'type': 'IClamp', 'del': 1, 'dur': 5, 'amp': 0.1}
OPTIONS = {
    "weight": (lambda t: _net(conn={'weight': t}), "connParams['gen'].weight"),
    "delay": (lambda t: _net(conn={'delay': t}), "connParams['gen'].delay"),
    "loc": (lambda t: _net(conn={'loc': t}), "connParams['gen'].loc"),
    "probability": (lambda t: _net(conn={'probability': t}), "connParams['gen'].probability"),
    "convergence": (lambda t: _net(conn={'convergence': t}), "connParams['gen'].convergence"),
    "divergence": (lambda t: _net(conn={'divergence': t}), "connParams['gen'].divergence"),
    "synsPerConn": (lambda t: _net(conn={'synsPerConn': t}), "connParams['gen'].synsPerConn"),
    "density": (lambda t: _net(pop={'density': t}), "popParams['P'].density"),
    "rate": (lambda t: _net(source={'type': 'NetStim', 'rate': t}),
             "stimSourceParams['src'].rate"),
    "noise": (lambda t: _net(source={'type': 'NetStim', 'rate': 5, 'noise': t}),
              "stimSourceParams['src'].noise"),
    "stim weight": (lambda t: _net(target={'weight': t}), "stimTargetParams['tgt'].weight"),
    "stim delay": (lambda t: _net(target={'delay': t}), "stimTargetParams['tgt'].delay"),
    "IClamp del": (lambda t: _net(source={**ICLAMP, 'del': t}, target={}),
                   "stimSourceParams['src'].del"),
    "IClamp amp": (lambda t: _net(source={**ICLAMP, 'amp': t}, target={}),
                   "stimSourceParams['src'].amp"),
    "diam": (lambda t: _net(soma={'geom': {'diam': t, 'L': 10.0}}),
             "cellParams['C'].secs['soma'].geom.diam"),
    "gnabar": (lambda t: _net(soma={'mechs': {'hh': {'gnabar': t}}}),
               "cellParams['C'].secs['soma'].mechs['hh'].gnabar"),
}
#: strings a spec value may be: sane, out of range, non-finite, random, hostile
SPEC_STRINGS = st.one_of(
    st.sampled_from(["0.5", "1", "0", "-1", "2", "0/0", "1/0", "-1/0", "1e999", "exp(1000)",
                     "9**9**9", "log(0)", "sqrt(-1)", "normal(0,-1)", "poisson(-1)",
                     "discunif(5,1)", "binomial(1e30,0.5)", "uniform(0, inf)", "inf",
                     "uniform(0, 1)", "random()", "0.5*exp(-dist_3D/100)", "post_xnorm",
                     "1 - post_ynorm", "-post_x", "xnorm*1e30", "1e15", "9" * 1999,
                     "-" * 1990 + "1", "1+" * 990 + "1", *INJECTIONS[:3]]),
    st.recursive(st.one_of(NUMBERS, st.sampled_from(["post_x", "post_ynorm", "dist_3D",
                                                      "xnorm"])), _trees, max_leaves=6))
#: NEURON sections need L and diam > 0 and the hh conductances may be anything finite
IN_RANGE = {
    "weight": lambda n: np.isfinite(n.conns.weight).all() and np.isfinite(n.stims.weight).all(),
    "delay": lambda n: (n.conns.delay >= 0).all() and (n.stims.delay >= 0).all(),
    "loc": lambda n: ((n.conns.loc >= 0) & (n.conns.loc <= 1)).all()
    and ((n.stims.loc >= 0) & (n.stims.loc <= 1)).all(),
}


def _tables_in_range(network):
    for name, ok in IN_RANGE.items():
        assert ok(network), name
    for column in (network.conns.weight, network.conns.delay, network.stims.weight,
                   network.stims.delay, network.cells.x, *network.stims.extra.values()):
        assert np.all(np.isfinite(np.asarray(column, dtype=float)))
    for cell_type in network.cell_types:
        for sec in cell_type.sections:
            assert np.isfinite(sec.L) and sec.diam > 0
            for params in dict(sec.mechs).values():
                for v in dict(params).values():
                    assert np.all(np.isfinite(v))


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(option=st.sampled_from(sorted(OPTIONS)), text=SPEC_STRINGS)
def test_any_spec_string_builds_in_range_or_is_a_named_error(option, text):
    make, path = OPTIONS[option]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. a probability above 1, as a number does
        try:
            network = network_from_specs(make(text))
        except NeuroloomError as err:
            assert isinstance(err, SpecError), repr(err)
            assert path in str(err), (path, str(err))
        else:
            _tables_in_range(network)
    _no_code_ran()
