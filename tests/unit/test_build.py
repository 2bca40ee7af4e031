"""build: spec -> canonical Network with numpy only."""
import math

import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import specs
from neuroloom.builder import build_network, network_from_specs
from neuroloom.model import ConnTable, StimTable
from neuroloom.validate import validate


def tut2_network(**seeds):
    net, cfg = tutorial_specs("tut2")
    cfg.seeds.update(seeds)
    return network_from_specs(net, cfg)


def binomial_interval(n, p, mass):
    """Smallest and largest k with P(X < k) and P(X > k) each below (1 - mass) / 2."""
    tail = (1 - mass) / 2
    pmf = [math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(n + 1)]
    cdf = np.cumsum(pmf)
    return int(np.searchsorted(cdf, tail)), int(np.searchsorted(cdf, 1 - tail))


def test_tutorial2_network():
    network = tut2_network()
    assert network.num_cells == 40
    assert [(p.label, p.gid_start, p.size) for p in network.pops] == [("S", 0, 20), ("M", 20, 20)]
    c = network.conns
    assert np.all(c.pre_gid < 20) and np.all(c.post_gid >= 20)
    low, high = binomial_interval(400, 0.5, 0.999)
    assert low <= len(c) <= high, (low, len(c), high)
    assert np.all(c.weight == 0.01) and np.all(c.delay == 5) and np.all(c.loc == 0.5)
    assert {network.section_names[s] for s in c.sec} == {"soma"}
    assert len(network.stims) == 40 and np.array_equal(network.stims.gid, np.arange(40))
    # positions uniform in the default 100 um cube, norms consistent
    for axis in "xyz":
        pos, norm = getattr(network.cells, axis), getattr(network.cells, axis + "norm")
        assert np.all((0 <= pos) & (pos <= 100)) and np.allclose(pos, norm * 100)
    assert network.tags(21)["pop"] == "M" and network.tags(21)["cellType"] == "PYR"


def test_connection_counts_follow_the_binomial_over_many_seeds():
    counts = [len(tut2_network(conn=seed).conns) for seed in range(1, 41)]
    assert 195 < np.mean(counts) < 205  # mean 200, standard error 1.6
    assert 6 < np.std(counts) < 14  # binomial sd 10


def test_same_seed_same_network_other_seed_other_network():
    a, b = tut2_network(), tut2_network()
    assert a == b
    c = tut2_network(conn=2)
    assert c.cells == a.cells and c.conns != a.conns
    d = tut2_network(loc=2)
    assert d.conns == a.conns and not np.array_equal(d.cells.x, a.cells.x)


@pytest.mark.parametrize("connector, amount", [("probability", 0.3), ("convergence", 7),
                                               ("divergence", 5), (None, None)])
def test_tables_are_identical_for_1_2_and_4_partitions(connector, amount):
    net, cfg = recurrent_spec(connector, amount, n=60)
    spec, run, _ = validate(net, cfg)
    whole = build_network(spec, dict(run.seeds))
    for parts in (2, 4):
        built = [build_network(spec, dict(run.seeds), owned=np.arange(r, 60, parts))
                 for r in range(parts)]
        conns = ConnTable.concat(b.conns for b in built)
        conns = conns.take(np.lexsort((conns.pre_gid, conns.post_gid, conns.rule)))
        stims = StimTable.concat(b.stims for b in built)
        stims = stims.take(np.lexsort((stims.gid, stims.rule)))
        for name, column in whole.conns.columns().items():
            assert getattr(conns, name).tobytes() == column.tobytes(), name
        assert stims == whole.stims
        assert all(b.cells == whole.cells for b in built)


def recurrent_spec(connector, amount, n):
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10},
                                             'mechs': {'hh': {}}}}}
    net.popParams['A'] = {'cellType': 'C', 'numCells': n // 2}
    net.popParams['B'] = {'cellType': 'C', 'numCells': n - n // 2}
    net.synMechParams['exc'] = {'mod': 'ExpSyn'}
    net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 5}
    net.stimTargetParams['bkg->B'] = {'source': 'bkg', 'conds': {'pop': 'B'}}
    rule = {'preConds': {'cellType': 'C'}, 'postConds': {'cellType': 'C'}}
    if connector:
        rule[connector] = amount
    net.connParams['all->all'] = rule
    return net, specs.SimConfig()


def test_convergence_divergence_and_all_to_all_counts_without_self_connections():
    n = 30
    for connector, amount in (("convergence", 6), ("divergence", 4), (None, None)):
        network = network_from_specs(*recurrent_spec(connector, amount, n))
        c = network.conns
        assert not np.any(c.pre_gid == c.post_gid)
        pairs = set(zip(c.pre_gid.tolist(), c.post_gid.tolist()))
        assert len(pairs) == len(c)  # no duplicate pairs
        if connector == "convergence":
            assert np.all(np.bincount(c.post_gid, minlength=n) == 6)
        elif connector == "divergence":
            assert np.all(np.bincount(c.pre_gid, minlength=n) == 4)
        else:
            assert len(c) == n * (n - 1)


def test_convergence_larger_than_the_candidates_connects_to_all_others():
    network = network_from_specs(*recurrent_spec("convergence", 100, 10))
    assert np.all(np.bincount(network.conns.post_gid, minlength=10) == 9)


def test_rule_defaults_sections_and_list_conditions():
    net, cfg = tutorial_specs("tut3")
    net.connParams['S->M']['postConds'] = {'pop': ['S', 'M']}
    del net.connParams['S->M']['synMech']  # the first synMech is the default
    network = network_from_specs(net, cfg)
    c = network.conns
    assert set(np.unique(c.post_gid)) <= set(range(40)) and np.any(c.post_gid < 20)
    assert {network.section_names[s] for s in c.sec} == {"dend"}
    assert np.all(c.loc == 1.0)
    assert {network.syn_mechs[m].label for m in c.syn_mech} == {"exc"}
    assert {network.section_names[s] for s in network.stims.sec} == {"soma"}


def test_cell_type_geometry_defaults_are_neurons():
    net, cfg = tutorial_specs("tut3")
    network = network_from_specs(net, cfg)
    soma, dend = network.cell_types[0].sections
    assert (soma.cm, soma.nseg, soma.parent) == (1.0, 1, None)
    assert (dend.parent, dend.parent_x, dend.child_x, dend.Ra) == ("soma", 1.0, 0.0, 150.0)
    assert dend.mechs == (("pas", (("g", 3.57e-05), ("e", -70.0))),)
