"""String values are checked like the same values given as numbers (issue 19, items 1-2):
finite and within the option's bounds for every evaluated element, the error naming the
rule path, the text and one connection or cell; any failure while evaluating is an
ExpressionError with the path; nesting and number sizes are bounded at compile time."""
import re
import warnings

import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import network_from_specs
from neuroloom.errors import ExpressionError, SpecError
from neuroloom.expr import compile_expression
from neuroloom.expr.compile import MAX_DEPTH

CONN = "connParams['E->all']"


def small_net(conn=None, pop=None, source=None, target=None, soma=None):
    """Five HH cells connected all to all with probability 0.5, one value replaced."""
    net = specs.NetParams()
    net.cellParams['PYR'] = {'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8},
                                               'mechs': {'hh': {}}}}}
    net.popParams['E'] = {'cellType': 'PYR', 'numCells': 5}
    net.popParams['E'].update(pop or {})
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5, 'e': 0}
    net.connParams['E->all'] = {'preConds': {'pop': 'E'}, 'postConds': {'pop': 'E'},
                                'probability': 0.5, 'weight': 0.01, 'delay': 5}
    for key in ('convergence', 'divergence'):
        if key in (conn or {}):
            del net.connParams['E->all']['probability']
    net.connParams['E->all'].update(conn or {})
    if pop and 'density' in pop:
        del net.popParams['E']['numCells']
    if source is not None:
        net.stimSourceParams['bg'] = source
        net.stimTargetParams['bg->E'] = {'source': 'bg', 'conds': {'pop': 'E'}, **(target or {})}
    net.cellParams['PYR']['secs']['soma'].update(soma or {})
    return net


NETSTIM = {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
ICLAMP = {'type': 'IClamp', 'del': 1, 'dur': 5, 'amp': 0.1}

#: (what, net kwargs, path, message): each value the issue names, and their neighbours
CASES = [
    ("weight 0/0", dict(conn={'weight': '0/0'}), f"{CONN}.weight",
     r"'0/0' gives NaN for the connection \d+ -> \d+"),
    ("weight 1e999", dict(conn={'weight': '1e999'}), f"{CONN}.weight", "number too large"),
    ("weight exp(1000)", dict(conn={'weight': 'exp(1000)'}), f"{CONN}.weight",
     "'exp\\(1000\\)' gives inf for the connection"),
    ("weight 9**9**9", dict(conn={'weight': '9**9**9'}), f"{CONN}.weight", "gives inf"),
    ("weight normal(0,-1)", dict(conn={'weight': 'normal(0,-1)'}), f"{CONN}.weight",
     r"draws normal\(0, -1\): the variance must be >= 0 \(for the connection"),
    ("numeric weight inf", dict(conn={'weight': float('inf')}), f"{CONN}.weight",
     "must be finite, not inf"),
    ("probability -1", dict(conn={'probability': '-1'}), f"{CONN}.probability",
     "gives -1 for the candidate pair 0 -> 0.*must be >= 0"),
    ("probability 0/0", dict(conn={'probability': '0/0'}), f"{CONN}.probability",
     "gives NaN"),
    ("convergence inf", dict(conn={'convergence': 'inf'}), f"{CONN}.convergence",
     "gives inf for cell"),
    ("convergence -5", dict(conn={'convergence': '-5'}), f"{CONN}.convergence",
     "gives -5 for cell.*must be >= 0"),
    ("divergence -5", dict(conn={'divergence': 'pre_x - 1e9'}), f"{CONN}.divergence",
     "must be >= 0"),
    ("density -1", dict(pop={'density': '-1'}), "popParams['E'].density", "must be >= 0"),
    ("density xnorm*1e30", dict(pop={'density': 'xnorm*1e30'}), "popParams['E'].density",
     "cells, more than a network can hold"),
    ("density 1e15", dict(pop={'density': '1e15'}), "popParams['E'].density",
     "more than a network can hold"),
    ("numeric density 1e15", dict(pop={'density': 1e15}), "popParams['E'].density",
     "more than a network can hold"),
    ("delay -1", dict(conn={'delay': '-1'}), f"{CONN}.delay", "gives -1.*must be >= 0"),
    ("loc 2", dict(conn={'loc': '2'}), f"{CONN}.loc", "gives 2.*must be <= 1"),
    ("synsPerConn 0", dict(conn={'synsPerConn': '0*post_x'}), f"{CONN}.synsPerConn",
     "must be >= 1"),
    ("NetStim rate -20", dict(source={**NETSTIM, 'rate': '-20'}, target={'delay': 1}),
     "stimSourceParams['bg'].rate", "gives -20 for the target cell 0.*must be > 0"),
    ("stim delay -5", dict(source=NETSTIM, target={'delay': '-5'}),
     "stimTargetParams['bg->E'].delay", "gives -5 for the target cell"),
    ("stim weight 0/0", dict(source=NETSTIM, target={'weight': '0/0'}),
     "stimTargetParams['bg->E'].weight", "gives NaN"),
    ("stim loc 2", dict(source=ICLAMP, target={'loc': '2'}),
     "stimTargetParams['bg->E'].loc", "must be <= 1"),
    ("IClamp del -5", dict(source={**ICLAMP, 'del': '-5'}), "stimSourceParams['bg'].del",
     "must be >= 0"),
    ("IClamp amp log(0)", dict(source={**ICLAMP, 'amp': 'log(0)'}),
     "stimSourceParams['bg'].amp", "gives -inf"),
    ("deep unary minus", dict(conn={'weight': '-' * 1990 + '1'}), f"{CONN}.weight",
     f"nests deeper than {MAX_DEPTH} levels"),
    ("deep sum", dict(conn={'weight': '1+' * 990 + '1'}), f"{CONN}.weight",
     f"nests deeper than {MAX_DEPTH} levels"),
    ("poisson(-1)", dict(conn={'weight': 'poisson(-1)'}), f"{CONN}.weight",
     r"poisson\(-1\): the mean must be >= 0"),
    ("discunif(5,1)", dict(conn={'weight': 'discunif(5,1)'}), f"{CONN}.weight",
     "low must be <= high"),
    ("binomial(1e30,0.5)", dict(conn={'weight': 'binomial(1e30,0.5)'}), f"{CONN}.weight",
     "the number of trials must be at most"),
    ("uniform(0, inf)", dict(conn={'weight': 'uniform(0, inf)'}), f"{CONN}.weight",
     "its arguments must be finite"),
    ("1999 nines", dict(conn={'weight': '9' * 1999}), f"{CONN}.weight", "number too large"),
    ("geometry diam 0/0", dict(soma={'geom': {'diam': '0/0', 'L': 10}}),
     "cellParams['PYR'].secs['soma'].geom.diam", r"gives NaN for cell 0 \(section 'soma'\)"),
    ("mechanism log(0)", dict(soma={'mechs': {'hh': {'gnabar': 'log(0)'}}}),
     "cellParams['PYR'].secs['soma'].mechs['hh'].gnabar", "gives -inf for cell 0"),
]


@pytest.mark.parametrize("what, kwargs, path, message", CASES, ids=[c[0] for c in CASES])
def test_a_bad_string_value_is_a_named_error(what, kwargs, path, message):
    with pytest.raises(SpecError) as info:
        network_from_specs(small_net(**kwargs))
    text = str(info.value)
    assert text.startswith(f"{path}: "), text
    assert re.search(message, text), text


def test_the_error_names_one_offending_connection():
    """Only the connections onto cell 3 are NaN, and the message names one of them."""
    x3 = network_from_specs(small_net()).cells.x[3]
    net = small_net(conn={'probability': 1, 'weight': f'0/0 if post_x == {float(x3)!r} else 0.01'})
    with pytest.raises(ExpressionError, match=r"'0/0 if .*' gives NaN for the connection "
                                              r"0 -> 3 \(must be a number, not NaN\)"):
        network_from_specs(net)


def test_probability_above_one_warns_as_a_number_above_one_does():
    for value in (2, '2', '1 + post_xnorm'):
        with pytest.warns(UserWarning, match="every .*pair connects"):
            network = network_from_specs(small_net(conn={'probability': value}))
        assert len(network.conns) == 20  # every pair but the 5 self-connections


def test_probability_above_one_warns_in_any_block_of_pairs(monkeypatch):
    # pairs are evaluated in blocks of posts: here one post a block, and every post but
    # the first block's (gid 0, told apart by its x) is given a probability above 1
    from neuroloom.builder import connectors
    first_x = float(network_from_specs(small_net()).cells.x[0])
    monkeypatch.setattr(connectors, "BLOCK_PAIRS", 1)
    with pytest.warns(UserWarning, match=r"gives 2 \(above 1\) for the pair \d+ -> 1"):
        network_from_specs(small_net(conn={'probability': f'2 if post_x != {first_x!r} else 0'}))


def test_valid_string_values_still_build():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        network = network_from_specs(small_net(
            conn={'weight': 'uniform(0.01, 0.02)', 'delay': '1 + dist_3D/100',
                  'loc': 'random()', 'probability': '0.5*exp(-dist_3D/1e3)'},
            source=NETSTIM, target={'weight': 'normal(0.01, 1e-6)', 'delay': '2'}))
    c = network.conns
    assert np.all((c.weight >= 0.01) & (c.weight <= 0.02))
    assert np.all(c.delay >= 1) and np.all((c.loc >= 0) & (c.loc <= 1))
    assert np.all(network.stims.delay == 2)


def test_an_evaluation_failure_of_any_kind_names_the_path():
    """Whatever numpy or Python raise while evaluating becomes an ExpressionError."""
    e = compile_expression("x + y", {"x", "y"}, where="connParams['a'].weight")
    with pytest.raises(ExpressionError, match=r"^connParams\['a'\].weight: 'x \+ y' cannot "
                                              r"be evaluated: ValueError"):
        e.evaluate({"x": np.ones(3), "y": np.ones(4)})


def test_intermediate_infinities_are_judged_by_the_result():
    """numpy's warnings are not errors: both branches of a conditional are evaluated."""
    e = compile_expression("1/x if x > 0 else 0", {"x"}, where="w")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert e.evaluate({"x": np.array([0.0, 2.0])}, shape=(2,)).tolist() == [0, 0.5]
