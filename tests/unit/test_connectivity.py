"""Connectivity: string functions, distributions, lists, sections, subConnParams."""
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import specs
from neuroloom.builder import build_network, network_from_specs
from neuroloom.errors import ExpressionError, SpecError
from neuroloom.model import ConnTable, StimTable
from neuroloom.validate import validate


def spatial_net(n_e=400, n_i=100, **rules):
    net = specs.NetParams()
    net.sizeX, net.sizeY, net.sizeZ = 300, 1000, 300
    net.propVelocity, net.probLengthConst = 100.0, 150.0
    net.cellParams['E'] = {'secs': {
        'soma': {'geom': {'diam': 15, 'L': 14}, 'mechs': {'hh': {}}},
        'dend': {'geom': {'diam': 2, 'L': 200, 'nseg': 5}, 'topol': {'parentSec': 'soma'}},
        'apic': {'geom': {'diam': 2, 'L': 600, 'nseg': 5}, 'topol': {'parentSec': 'soma',
                                                                      'parentX': 0.5}}},
        'secLists': {'dendrites': ['dend', 'apic']}}
    net.cellParams['I'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 9}, 'mechs': {'hh': {}}}}}
    net.popParams['E'] = {'cellType': 'E', 'numCells': n_e}
    net.popParams['I'] = {'cellType': 'I', 'numCells': n_i}
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.8, 'tau2': 5.3, 'e': 0}
    net.synMechParams['inh'] = {'mod': 'Exp2Syn', 'tau1': 0.6, 'tau2': 8.5, 'e': -75}
    net.synMechParams['nmda'] = {'mod': 'ExpSyn', 'tau': 50, 'e': 0}
    net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 20, 'noise': 0.3}
    net.stimTargetParams['bkg->all'] = {'source': 'bkg', 'conds': {'cellType': ['E', 'I']},
                                        'weight': 0.01, 'delay': 'max(1, normal(5,2))'}
    for label, rule in rules.items():
        net.connParams[label] = rule
    return net


def distances(network, pre, post):
    c = network.cells
    return np.sqrt((c.x[pre] - c.x[post]) ** 2 + (c.y[pre] - c.y[post]) ** 2
                   + (c.z[pre] - c.z[post]) ** 2)


def test_delays_are_distance_over_velocity_exactly_and_weights_follow_depth():
    network = network_from_specs(spatial_net(**{'E->all': {
        'preConds': {'cellType': 'E'}, 'postConds': {'y': [100, 1000]}, 'probability': 0.1,
        'weight': '0.005*post_ynorm', 'delay': 'dist_3D/propVelocity'}}))
    c = network.conns
    assert len(c) > 1000
    assert np.array_equal(c.delay, distances(network, c.pre_gid, c.post_gid) / 100.0)
    assert np.array_equal(c.weight, 0.005 * network.cells.ynorm[c.post_gid])
    assert network.cells.y[c.post_gid].min() >= 100


def test_distance_dependent_probability_decays_as_specified():
    network = network_from_specs(spatial_net(n_e=1200, n_i=300, **{'I->E': {
        'preConds': {'cellType': 'I'}, 'postConds': {'pop': 'E'},
        'probability': '0.4*exp(-dist_3D/probLengthConst)', 'synMech': 'inh'}}))
    pre, post = np.arange(1200, 1500), np.arange(1200)
    d_all = distances(network, pre[None, :], post[:, None]).ravel()
    d_conn = distances(network, network.conns.pre_gid, network.conns.post_gid)
    bins = np.arange(0, 700, 50)
    candidates, _ = np.histogram(d_all, bins)
    made, _ = np.histogram(d_conn, bins)
    centre = (bins[:-1] + bins[1:]) / 2
    expected_p = 0.4 * np.exp(-centre / 150)
    ok = candidates > 2000
    observed = made[ok] / candidates[ok]
    sd = np.sqrt(expected_p[ok] * (1 - expected_p[ok]) / candidates[ok])
    # within the bin's spread of distances plus 4 standard errors
    spread = 0.4 * np.abs(np.exp(-bins[:-1] / 150) - np.exp(-bins[1:] / 150))[ok] / 2
    assert np.all(np.abs(observed - expected_p[ok]) < spread + 4 * sd)
    fit = np.polyfit(centre[ok], np.log(observed), 1)  # log p = log 0.4 - d / 150
    assert -1 / fit[0] == pytest.approx(150, rel=0.1)
    assert np.exp(fit[1]) == pytest.approx(0.4, rel=0.1)


def test_convergence_and_divergence_as_string_functions():
    network = network_from_specs(spatial_net(**{
        'conv': {'preConds': {'pop': 'E'}, 'postConds': {'pop': 'I'},
                 'convergence': '5 + 10*post_ynorm', 'synMech': 'exc'},
        'div': {'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'},
                'divergence': 'uniform(1, 15)', 'synMech': 'inh'}}))
    c, cells = network.conns, network.cells
    conv = c.rule == 0
    per_post = np.bincount(c.post_gid[conv], minlength=500)[400:]
    assert np.array_equal(per_post, np.floor(5 + 10 * cells.ynorm[400:] + 0.5))
    per_pre = np.bincount(c.pre_gid[~conv], minlength=500)[400:]
    assert per_pre.min() >= 1 and per_pre.max() <= 15 and 6 < per_pre.mean() < 10


@pytest.mark.parametrize("rules", [
    {'E->all': {'preConds': {'cellType': 'E'}, 'postConds': {'y': [100, 1000]},
                'probability': 0.1, 'weight': '0.005*post_ynorm',
                'delay': 'dist_3D/propVelocity'},
     'I->E': {'preConds': {'cellType': 'I'}, 'postConds': {'pop': 'E'},
              'probability': '0.4*exp(-dist_3D/probLengthConst)', 'weight': 'uniform(0, 1)',
              'delay': '0.2+normal(13.0,1.4)', 'synMech': 'inh'}},
    {'rec': {'preConds': {'pop': 'E'}, 'postConds': {'pop': 'E'},
             'convergence': 'uniform(1,15)', 'weight': 'lognormal(1, 0.5)',
             'sec': 'dendrites', 'synsPerConn': 3, 'synMech': ['exc', 'nmda']},
     'div': {'preConds': {'pop': 'I'}, 'postConds': {'cellType': 'E'}, 'divergence': 7,
             'sec': ['dend', 'apic'], 'loc': [0.2, 0.8]}},
])
def test_tables_are_byte_identical_for_1_2_and_4_partitions(rules):
    spec, run, _ = validate(spatial_net(**rules), specs.SimConfig())
    whole = build_network(spec, dict(run.seeds))
    assert len(whole.conns) > 1000
    for parts in (2, 4):
        built = [build_network(spec, dict(run.seeds), owned=np.arange(r, 500, parts))
                 for r in range(parts)]
        conns = ConnTable.concat(b.conns for b in built)
        order = np.lexsort((np.arange(len(conns)), conns.pre_gid, conns.post_gid, conns.rule))
        conns = conns.take(order)
        for name, column in whole.conns.columns().items():
            assert getattr(conns, name).tobytes() == column.tobytes(), name
        stims = StimTable.concat(b.stims for b in built)
        assert stims.take(np.lexsort((stims.gid, stims.rule))) == whole.stims
    other_seed = build_network(spec, {**dict(run.seeds), "conn": 2})
    assert other_seed.conns != whole.conns
    assert other_seed.stims == whole.stims
    assert build_network(spec, {**dict(run.seeds), "stim": 2}).stims != whole.stims


def test_stimulus_string_values_and_cell_list():
    net = spatial_net()
    net.stimSourceParams['input'] = {'type': 'NetStim', 'interval': 'uniform(20,100)',
                                     'number': 1000, 'start': 600, 'noise': 0.1}
    net.stimTargetParams['input->E'] = {'source': 'input', 'conds': {
        'pop': 'E', 'ynorm': [0.6, 1.0], 'cellList': [0, 2, 4]},
        'weight': '0.1+normal(0.2,0.05)', 'delay': 1, 'synMech': 'exc', 'sec': 'apic',
        'loc': 'post_ynorm'}
    network = network_from_specs(net)
    s = network.stims
    rows = s.rule == 1
    deep = np.flatnonzero(network.cells.ynorm[:400] >= 0.6)
    assert s.gid[rows].tolist() == deep[[0, 2, 4]].tolist()
    interval = s.extra["interval"][rows]
    assert np.all((interval >= 20) & (interval <= 100)) and len(set(interval)) == 3
    assert np.all(np.isnan(s.extra["interval"][~rows]))
    assert np.array_equal(s.loc[rows], network.cells.ynorm[s.gid[rows]])
    assert {network.section_names[i] for i in s.sec[rows]} == {"apic"}
    delays = s.delay[~rows]
    assert delays.min() >= 1 and 4.5 < delays.mean() < 5.5


def test_conn_list_with_per_connection_values():
    network = network_from_specs(spatial_net(**{'list': {
        'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'},
        'connList': [[0, 5], [3, 1], [0, 2]], 'weight': [0.1, 0.2, 0.3],
        'delay': [1, 2, 3], 'loc': [0.1, 0.5, 0.9]}}))
    c = network.conns
    assert list(zip(c.pre_gid.tolist(), c.post_gid.tolist(), c.weight.tolist(),
                    c.delay.tolist(), c.loc.tolist())) == [
        (403, 1, 0.2, 2.0, 0.5), (400, 2, 0.3, 3.0, 0.9), (400, 5, 0.1, 1.0, 0.1)]
    with pytest.raises(SpecError, match=r"connParams\['list'\]: refers to presynaptic cell 200"):
        network_from_specs(spatial_net(**{'list': {
            'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'}, 'connList': [[200, 0]]}}))


def test_syns_per_conn_mechanism_lists_and_sections():
    network = network_from_specs(spatial_net(**{'multi': {
        'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'}, 'convergence': 2,
        'synsPerConn': 4, 'sec': 'dendrites', 'synMech': ['exc', 'nmda'],
        'weight': 0.5, 'synMechWeightFactor': [1.0, 0.25]}}))
    c = network.conns
    assert len(c) == 400 * 2 * 4 * 2
    first = slice(0, 8)  # one connection: 4 synapses x 2 mechanisms
    names = [network.section_names[s] for s in c.sec[first]]
    # 4 synapses spread evenly over dend (200 um) + apic (600 um): at 100, 300, 500, 700 um;
    # as NetPyNE's distributeSynsUniformly, locations count from each section's far end
    assert names == ['dend', 'dend', 'apic', 'apic', 'apic', 'apic', 'apic', 'apic']
    assert np.allclose(c.loc[first], [0.5, 0.5, 5 / 6, 5 / 6, 0.5, 0.5, 1 / 6, 1 / 6])
    assert c.weight[first].tolist() == [0.5, 0.125] * 4
    assert [network.syn_mechs[m].label for m in c.syn_mech[first]] == ['exc', 'nmda'] * 4


def test_single_synapses_pick_a_random_section_of_a_list():
    network = network_from_specs(spatial_net(**{'r': {
        'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'}, 'convergence': 10,
        'sec': ['dend', 'apic'], 'loc': [0.25, 0.75]}}))
    c = network.conns
    names = np.asarray(network.section_names)[c.sec]
    share = np.mean(names == 'dend')
    assert 0.45 < share < 0.55
    assert np.all(c.loc[names == 'dend'] == 0.25) and np.all(c.loc[names == 'apic'] == 0.75)


def test_sub_conn_params_uniform_and_distance():
    net = spatial_net(**{'I->E': {'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'},
                                  'convergence': 8, 'synMech': 'inh'}})
    net.subConnParams['spread'] = {'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'},
                                   'sec': 'dendrites', 'density': 'uniform'}
    c = network_from_specs(net).conns
    names = np.asarray(['soma', 'dend', 'apic'])[c.sec[:8]]
    positions = np.where(names == 'dend', c.loc[:8] * 200, 200 + c.loc[:8] * 600)
    assert np.allclose(np.sort(positions), (np.arange(8) + 0.5) * 100)
    net.subConnParams['spread'] = {'preConds': {'pop': 'I'}, 'postConds': {'pop': 'E'},
                                   'sec': 'apic', 'density': {'type': 'distance',
                                                              'ref_sec': 'soma',
                                                              'target_distance': 230}}
    c = network_from_specs(net).conns
    # apic hangs from soma(0.5), the reference: its 5 segment centres lie 60, 180, 300, 420
    # and 540 um away, and 180 um (x = 0.3) is the closest to 230 um
    assert set(c.sec.tolist()) == {2} and np.allclose(c.loc, 0.3)


def test_malicious_or_mistaken_strings_create_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for text in ("__import__('os').system('touch X')", "().__class__", "dist3D",
                 "normal(5,2"):
        net, cfg = tutorial_specs("tut2")
        net.connParams['S->M']['weight'] = text
        with pytest.raises(ExpressionError, match=r"connParams\['S->M'\]\.weight"):
            network_from_specs(net, cfg)
    assert list(tmp_path.iterdir()) == []


def test_expression_problems_alongside_other_problems_are_a_spec_error():
    net, cfg = tutorial_specs("tut2")
    net.connParams['S->M']['weight'] = "dist3D"
    net.connParams['S->M']['probabilty'] = 0.5
    with pytest.raises(SpecError) as info:
        network_from_specs(net, cfg)
    assert not isinstance(info.value, ExpressionError) and len(info.value.problems) == 2


def test_connection_table_costs_under_40_bytes_a_connection():
    network = network_from_specs(spatial_net(**{'E->all': {
        'preConds': {'cellType': 'E'}, 'postConds': {}, 'probability': 0.1}}))
    assert network.conns.nbytes() / len(network.conns) <= 40
