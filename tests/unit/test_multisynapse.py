"""Several synapses per connection (synsPerConn > 1), placed as NetPyNE 1.1.1 places them
(CompartCell._secsAndLocsForMultisynapse): on one section evenly spaced or at listed
locations; over a list of sections spread evenly along it (distributeSynsUniformly, the
default), else on random sections at random locations (connRandomSecFromList) or on the
listed sections in order. distributeSynsUniformly is read from the connParams rule, else
from simConfig (stimulation rules: simConfig's only, as in NetPyNE)."""
import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import build_network, network_from_specs
from neuroloom.errors import SpecError
from neuroloom.model import ConnTable
from neuroloom.validate import validate

SECS = ['soma', 'Adend1', 'Adend2', 'Adend3', 'Bdend']


def five_sec_net(n_pre=30, n_post=20, stim=None, **rules):
    """A cell type with five sections (as NetPyNE's sandbox example) receiving rules."""
    net = specs.NetParams()
    secs = {'soma': {'geom': {'diam': 20, 'L': 20}}}
    for name, length in zip(SECS[1:], (100, 150, 200, 250)):
        secs[name] = {'geom': {'diam': 2, 'L': length},
                      'topol': {'parentSec': 'soma', 'parentX': 1.0, 'childX': 0}}
    net.cellParams['PYR'] = {'secs': secs, 'secLists': {'dends': SECS[1:]}}
    net.popParams['S'] = {'cellType': 'PYR', 'numCells': n_pre}
    net.popParams['M'] = {'cellType': 'PYR', 'numCells': n_post}
    net.synMechParams['AMPA'] = {'mod': 'Exp2Syn', 'tau1': 0.05, 'tau2': 5.3, 'e': 0}
    net.synMechParams['NMDA'] = {'mod': 'Exp2Syn', 'tau1': 0.15, 'tau2': 15, 'e': 0}
    for label, rule in rules.items():
        net.connParams[label] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                                 'probability': 0.5, 'weight': 0.01, 'delay': 2,
                                 'synMech': 'AMPA', **rule}
    if stim is not None:
        net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.0}
        net.stimTargetParams['bg1'] = {'source': 'bkg', 'conds': {'pop': 'M'},
                                       'weight': 0.1, 'delay': 5, **stim}
    return net


def config(**options):
    cfg = specs.SimConfig()
    for name, value in options.items():
        setattr(cfg, name, value)
    return cfg


def connections(network, table=None, per=3):
    """Each connection's (section names, locations), in table order (``per`` rows each)."""
    t = network.conns if table is None else table
    names = np.asarray(network.section_names)[t.sec]
    return [(tuple(names[i:i + per]), tuple(t.loc[i:i + per])) for i in range(0, len(t), per)]


def spread_evenly_places():
    # NetPyNE 1.1.1 (its venv), synsPerConn 3 over SECS (20, 100, 150, 200, 250 um: 720
    # in all): at 120, 360 and 600 um, locations counted from each section's far end
    return (('Adend1', 'Adend3', 'Bdend'), (0.0, 0.55, 0.48))


def test_by_default_several_synapses_spread_evenly_over_the_list():
    network = network_from_specs(five_sec_net(r={'sec': SECS, 'synsPerConn': 3}))
    secs, locs = spread_evenly_places()
    placed = connections(network)
    assert len(placed) > 100
    assert {p[0] for p in placed} == {secs}
    assert np.allclose(np.array([p[1] for p in placed]), locs)


def test_simconfig_false_puts_each_connections_synapses_on_distinct_random_sections():
    network = network_from_specs(five_sec_net(r={'sec': SECS, 'synsPerConn': 3}),
                                 config(distributeSynsUniformly=False))
    placed = connections(network)
    assert len(placed) > 100
    # three distinct sections of the list per connection (NetPyNE: unique when possible)
    assert all(len(set(names)) == 3 and set(names) <= set(SECS) for names, _ in placed)
    # every section is used, about equally (3/5 of the connections each)
    shares = [np.mean([name in names for names, _ in placed]) for name in SECS]
    assert all(0.45 < s < 0.75 for s in shares), shares
    # the order is random too, and the locations are uniform in [0, 1)
    assert len({names for names, _ in placed}) > 30
    locs = network.conns.loc
    assert locs.min() >= 0 and locs.max() < 1 and len(np.unique(locs)) == len(locs)
    assert 0.4 < locs.mean() < 0.6


def test_the_rule_key_overrides_simconfig_both_ways():
    rules = {'random': {'sec': SECS, 'synsPerConn': 3, 'distributeSynsUniformly': False},
             'even': {'sec': SECS, 'synsPerConn': 3, 'distributeSynsUniformly': True}}
    for cfg in (config(), config(distributeSynsUniformly=False)):
        network = network_from_specs(five_sec_net(**rules), cfg)
        c = network.conns
        even = c.take(np.flatnonzero(c.rule == network.conn_rules.index('even')))
        random = c.take(np.flatnonzero(c.rule == network.conn_rules.index('random')))
        secs, locs = spread_evenly_places()
        assert {names for names, _ in connections(network, even)} == {secs}
        assert np.allclose([p[1] for p in connections(network, even)], locs)
        assert len({names for names, _ in connections(network, random)}) > 10


def test_synmechs_of_a_synapse_share_its_random_place():
    network = network_from_specs(
        five_sec_net(r={'sec': 'dends', 'synsPerConn': 2, 'synMech': ['AMPA', 'NMDA']}),
        config(distributeSynsUniformly=False))
    c = network.conns
    # rows of a connection: synapse 0 (AMPA, NMDA), synapse 1 (AMPA, NMDA)
    assert np.array_equal(c.sec[0::2], c.sec[1::2]) and np.array_equal(c.loc[0::2], c.loc[1::2])
    assert np.all(c.sec[0::4] != c.sec[2::4])  # distinct sections per connection


def test_more_synapses_than_sections_repeat_sections():
    network = network_from_specs(five_sec_net(r={'sec': ['Adend1', 'Bdend'],
                                                 'synsPerConn': 5}),
                                 config(distributeSynsUniformly=False))
    placed = connections(network, per=5)
    assert all(set(names) <= {'Adend1', 'Bdend'} for names, _ in placed)
    assert any(len(set(names)) == 1 for names, _ in placed)  # 2/32 of them


def test_random_locations_come_from_a_listed_pool_distinct_when_possible():
    pool = (0.1, 0.3, 0.7)
    network = network_from_specs(five_sec_net(r={'sec': SECS, 'synsPerConn': 3,
                                                 'loc': list(pool)}),
                                 config(distributeSynsUniformly=False))
    placed = connections(network)
    assert all(sorted(locs) == list(pool) for _, locs in placed)
    assert len({locs for _, locs in placed}) == 6  # every order of the three


def test_a_single_explicit_location_on_random_sections_is_refused_as_in_netpyne():
    net = five_sec_net(r={'sec': SECS, 'synsPerConn': 3, 'loc': 0.5})
    with pytest.raises(SpecError, match=r"connParams\['r'\]\.loc: a single location"):
        network_from_specs(net, config(distributeSynsUniformly=False))


def test_connrandomsecfromlist_false_places_synapses_as_listed():
    net = five_sec_net(r={'sec': ['Bdend', 'soma', 'Adend2'], 'synsPerConn': 3,
                          'loc': [0.9, 0.2, 0.4]})
    network = network_from_specs(net, config(distributeSynsUniformly=False,
                                             connRandomSecFromList=False))
    assert set(connections(network)) == {(('Bdend', 'soma', 'Adend2'), (0.9, 0.2, 0.4))}
    # a location for all of them
    net.connParams['r']['loc'] = 0.3
    network = network_from_specs(net, config(distributeSynsUniformly=False,
                                             connRandomSecFromList=False))
    assert set(connections(network)) == {(('Bdend', 'soma', 'Adend2'), (0.3, 0.3, 0.3))}
    # per rule too
    net.connParams['r'].update(connRandomSecFromList=False, distributeSynsUniformly=False)
    assert set(connections(network_from_specs(net))) == set(connections(network))


def test_connrandomsecfromlist_false_needs_a_section_per_synapse():
    net = five_sec_net(r={'sec': SECS, 'synsPerConn': 3})
    with pytest.raises(SpecError, match=r"connParams\['r'\]\.sec: lists 5 sections on cell "
                                        r"type 'PYR' .* for synsPerConn 3"):
        network_from_specs(net, config(distributeSynsUniformly=False,
                                       connRandomSecFromList=False))


def test_one_section_spaces_synapses_evenly_or_at_listed_locations():
    # NetPyNE: locations i/n + 1/(2n) on a single section, or the list's (one per synapse)
    for cfg in (config(), config(distributeSynsUniformly=False)):
        network = network_from_specs(five_sec_net(r={'sec': 'Bdend', 'synsPerConn': 4}), cfg)
        assert set(connections(network, per=4)) == {(('Bdend',) * 4,
                                                     (0.125, 0.375, 0.625, 0.875))}
        network = network_from_specs(five_sec_net(r={'sec': 'Bdend', 'synsPerConn': 3,
                                                     'loc': [0.2, 0.1, 0.9]}), cfg)
        assert set(connections(network)) == {(('Bdend',) * 3, (0.2, 0.1, 0.9))}


def test_a_single_explicit_location_for_several_synapses_is_refused_as_in_netpyne():
    with pytest.raises(SpecError, match=r"connParams\['r'\]\.loc: a single location for "
                                        r"several synapses per connection on one section"):
        network_from_specs(five_sec_net(r={'sec': 'Bdend', 'synsPerConn': 3, 'loc': 0.5}))
    with pytest.raises(SpecError, match=r"connParams\['r'\]\.loc: synapses spread evenly "
                                        r"over a list of sections"):
        network_from_specs(five_sec_net(r={'sec': SECS, 'synsPerConn': 3,
                                           'loc': [0.1, 0.2, 0.3]}))


def test_stimulation_rules_follow_simconfig_as_netpyne_sandbox():
    # NetPyNE's sandbox example: a NetStim onto 5 sections, 3 synapses per target,
    # distributeSynsUniformly False in simConfig
    net = five_sec_net(stim={'sec': SECS, 'synsPerConn': 3})
    s = network_from_specs(net, config(distributeSynsUniformly=False)).stims
    assert len(s) == 20 * 3
    per_target = s.sec.reshape(20, 3)
    assert all(len(set(row)) == 3 for row in per_target.tolist())
    assert len({tuple(row) for row in per_target.tolist()}) > 5
    assert len(np.unique(s.loc)) == 60 and s.loc.max() < 1
    even = network_from_specs(net).stims
    assert len({tuple(row) for row in even.sec.reshape(20, 3).tolist()}) == 1


def test_random_places_do_not_depend_on_how_cells_are_split_between_ranks():
    net = five_sec_net(n_post=40, r={'sec': SECS, 'synsPerConn': 'max(1, 2 + uniform(-2, 3))',
                                     'synMech': ['AMPA', 'NMDA']},
                       stim={'sec': SECS, 'synsPerConn': 2})
    spec, run, _ = validate(net, config(distributeSynsUniformly=False))
    whole = build_network(spec, dict(run.seeds))
    n = np.bincount(np.unique(np.column_stack([whole.conns.pre_gid, whole.conns.post_gid]),
                              axis=0, return_counts=True)[1] // 2)
    assert len(n) > 3  # connections of 1, 2, 3... synapses
    for parts in (2, 3):
        built = [build_network(spec, dict(run.seeds), owned=np.arange(30 + r, 70, parts))
                 for r in range(parts)]
        conns = ConnTable.concat(b.conns for b in built)
        order = np.lexsort((np.arange(len(conns)), conns.pre_gid, conns.post_gid))
        conns = conns.take(order)
        for name, column in whole.conns.columns().items():
            assert getattr(conns, name).tobytes() == column.tobytes(), name
    other = build_network(spec, {**dict(run.seeds), "conn": 99})
    assert not np.array_equal(other.conns.loc, whole.conns.loc)


def test_distribute_syns_uniformly_is_a_connparams_key_and_a_boolean():
    net = five_sec_net(r={'sec': SECS, 'synsPerConn': 3, 'distributeSynsUniformly': 'no'})
    with pytest.raises(SpecError, match=r"connParams\['r'\]\.distributeSynsUniformly"):
        validate(net, config())
    with pytest.raises(SpecError, match=r"distributeSynsUniformly"):
        validate(five_sec_net(), config(distributeSynsUniformly='no'))
