"""RxD strings (issue 19, item 3): an initial value that cannot be evaluated, is not
finite or is a negative concentration, and a rate that is not finite at the initial
state, are ExpressionErrors naming the path before the run (not NEURON's "Python Callback
failed", not a run with RxD frozen); a negative numeric initial concentration is refused
by validation."""
import pytest

from neuroloom import specs
from neuroloom.errors import ExpressionError, SpecError


def rxd_net(initial=1.0, rate=None):
    net = specs.NetParams()
    net.cellParams['c'] = {'secs': {'soma': {'geom': {'L': 10.0, 'diam': 10.0, 'nseg': 3}}}}
    net.popParams['p'] = {'cellType': 'c', 'numCells': 1}
    net.rxdParams['regions'] = {'cyt': {'cells': 'all', 'secs': 'all'}}
    net.rxdParams['species'] = {'ca': {'regions': ['cyt'], 'd': 1.0, 'initial': initial}}
    if rate is not None:
        net.rxdParams['rates'] = {'r': {'species': 'ca', 'rate': rate}}
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.saveSpikesSonata = 5.0, False, False
    return net, cfg


@pytest.mark.parametrize("initial, message", [
    ("1/0", "cannot be evaluated at the node at c\\[0\\].soma\\(0.167\\): float division"),
    ("log(0)", "cannot be evaluated at the node .*math domain error"),
    ("sqrt(-1)", "cannot be evaluated at the node .*math domain error"),
    ("-1 if node.x > 0.5 else 1", "gives -1 at the node at c\\[0\\].soma\\(0.833\\) "
                                  "\\(must be >= 0, not -1\\)"),
    ("1e308*10", "gives inf at the node"),
])
def test_a_bad_initial_value_names_the_path(run_session, initial, message):
    with pytest.raises(ExpressionError, match=r"^rxdParams.species\['ca'\].initial: "
                                              + f"'{initial[:3]}.*{message}"):
        run_session(*rxd_net(initial=initial))


def test_a_rate_that_is_not_finite_at_the_initial_state_is_refused(run_session):
    with pytest.raises(ExpressionError, match=r"^rxdParams.rates\['r'\].rate: 'ca/0' cannot "
                                              r"be evaluated at the initial state"):
        run_session(*rxd_net(rate='ca/0'))
    with pytest.raises(ExpressionError, match="'log\\(ca - 1\\)' .* at the initial state"):
        run_session(*rxd_net(rate='log(ca - 1)'))
    session = run_session(*rxd_net(initial='0.5 + node.x', rate='-0.1*ca'))  # valid: runs
    assert session.sim_data is not None


def test_a_negative_initial_concentration_is_refused(run_session):
    with pytest.raises(SpecError, match=r"rxdParams.species\['ca'\].initial: must be >= 0, "
                                        "not -1"):
        run_session(*rxd_net(initial=-1))
