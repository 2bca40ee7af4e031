"""expr: string functions are parsed against a whitelist and evaluated with numpy."""
import os

import numpy as np
import pytest

from neuroloom.errors import ExpressionError, SpecError
from neuroloom.expr import RANDOM, compile_expression

PAIR = {"dist_3D", "post_ynorm", "propVelocity", "probLengthConst"}


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('touch X')", "only the known functions can be called"),
    ("().__class__", r"attribute access \('\.__class__'\) is not allowed"),
    ("dist3D/propVelocity", "unknown name 'dist3D'; did you mean 'dist_3D'\\?"),
    ("normal(5,2", r"invalid string function: '\(' was never closed"),
    ("__builtins__", "unknown name '__builtins__'"),
    ("open('X', 'w')", "unknown function 'open'"),
    ("[x for x in (1,)]", "a comprehension is not allowed"),
    ("lambda: 0", "lambda is not allowed"),
    ("exp(x=1)", "keyword arguments are not allowed"),
    ("'abc'", "only numbers are allowed as constants"),
    ("exp", "'exp' is a function: call it"),
    ("exp(1, 2)", r"exp\(\) takes 1 arguments, not 2"),
    ("normall(0, 1)", "unknown function 'normall'; did you mean 'normal'\\?"),
    ("post_ynorm[0]", "indexing is not allowed"),
])
def test_refused_strings_raise_and_run_nothing(text, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExpressionError, match=message) as info:
        compile_expression(text, PAIR, where="connParams['E->all'].delay")
    assert isinstance(info.value, SpecError)
    assert str(info.value).startswith("connParams['E->all'].delay: ")
    assert not os.path.exists("X")


def test_error_shows_the_position():
    with pytest.raises(ExpressionError) as info:
        compile_expression("0.4*exp(-dist3D/probLengthConst)", PAIR, where="p")
    lines = str(info.value).splitlines()
    assert lines[1].strip() == "0.4*exp(-dist3D/probLengthConst)"
    assert lines[2].index("^") == lines[1].index("dist3D")


def test_arithmetic_math_comparisons_and_conditionals():
    e = compile_expression("0.4*exp(-dist_3D/probLengthConst)", PAIR)
    d = np.array([0.0, 150.0, 300.0])
    assert np.allclose(e.evaluate({"dist_3D": d, "probLengthConst": 150.0}),
                       0.4 * np.exp(-d / 150))
    assert e.variables == {"dist_3D", "probLengthConst"} and not e.is_random
    e = compile_expression("max(1, min(2, dist_3D)) + (dist_3D > 1) * 10 + pi*0 "
                           "if dist_3D < 5 and not dist_3D == 3 else -1", {"dist_3D"})
    assert e.evaluate({"dist_3D": np.array([0.5, 1.5, 3.0, 7.0])}).tolist() == [1, 11.5, -1, -1]
    assert compile_expression("2**10 % 7 // 1", set()).evaluate({}) == 2 ** 10 % 7 // 1


def draws(name, *params, n=200_000):
    gen = np.random.default_rng(7)
    return RANDOM[name].apply(gen, n, *params)


@pytest.mark.parametrize("name, params, mean, var", [
    ("uniform", (2, 5), 3.5, 0.75),
    ("normal", (1.0, 4.0), 1.0, 4.0),  # NEURON: (mean, variance)
    ("lognormal", (2.0, 0.5), 2.0, 0.5),  # NEURON: mean and variance of the draws
    ("negexp", (2.0,), 2.0, 4.0),
    ("poisson", (3.0,), 3.0, 3.0),
    ("binomial", (10, 0.3), 3.0, 2.1),
    ("erlang", (4.0, 2.0), 4.0, 2.0),  # NEURON: (mean, variance)
    ("geometric", (0.25,), 4 / 3, 0.25 / 0.75 ** 2),  # NEURON: trials, P(success) = 0.75
    ("weibull", (2.0, 3.0), 1.5350, None),  # NEURON: (3*E)^(1/2); measured 1.534 there
    ("gauss", (1.0, 2.0), 1.0, 4.0),  # Python: (mu, sigma)
    ("expovariate", (0.5,), 2.0, 4.0),  # Python: rate
    ("gammavariate", (2.0, 3.0), 6.0, 18.0),
    ("betavariate", (2.0, 3.0), 0.4, 0.04),
    ("discunif", (1, 4), 2.5, 1.25),
])
def test_random_functions_follow_their_conventions(name, params, mean, var):
    x = draws(name, *params)
    assert x.mean() == pytest.approx(mean, rel=0.02)
    if var is not None:
        assert x.var() == pytest.approx(var, rel=0.05)


def test_vonmises_is_in_python_range():
    x = draws("vonmisesvariate", 0.0, 4.0)
    assert x.min() >= 0 and x.max() < 2 * np.pi


def test_random_calls_get_numbered_sites_and_need_a_source():
    e = compile_expression("max(1, normal(5, 2)) + uniform(0, 1)", set())
    assert e.random_sites == 2
    with pytest.raises(ValueError, match="draws random numbers"):
        e.evaluate({})
    seen = []

    def draw(site, function, params):
        seen.append((site, function.name, [float(p) for p in params]))
        return np.full(3, 7.0)
    assert e.evaluate({}, draw).tolist() == [14, 14, 14]
    assert seen == [(0, "normal", [5, 2]), (1, "uniform", [0, 1])]
