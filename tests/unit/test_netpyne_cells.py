"""cellParams as NetPyNE applies them: rules chosen by conds (merged when several apply),
cellType as a tag, diversity, cell vars and string functions, weightNorm, numbers of cells.
Expected values that come from NetPyNE 1.1.1 are marked so (computed with its venv)."""
import warnings

import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import network_from_specs
from neuroloom.errors import SpecError
from neuroloom.validate import validate

SOMA = {'geom': {'diam': 10, 'L': 10}, 'mechs': {'hh': {'gnabar': 0.12}}}


def two_layer_net(**extra):
    net = specs.NetParams()
    net.sizeY = 1000
    net.cellParams['upper'] = {'conds': {'cellType': 'E', 'ynorm': [0.0, 0.5]},
                               'secs': {'soma': SOMA}}
    net.cellParams['lower'] = {'conds': {'cellType': 'E', 'ynorm': [0.5, 1.0]},
                               'secs': {'soma': {'geom': {'diam': 20, 'L': 20}}}}
    net.popParams['E'] = {'cellType': 'E', 'numCells': 200}
    net.popParams['B'] = {'cellType': 'E', 'cellsList': [{'ynorm': 0.5}, {'ynorm': 0.2}]}
    for key, value in extra.items():
        setattr(net, key, value)
    return net


def type_of(network, gid):
    return network.cell_type_of(gid)


def test_rules_chosen_by_conds_and_position_give_one_population_several_types():
    network = network_from_specs(two_layer_net())
    e = network.pop('E')
    labels = {type_of(network, g).label for g in e.gids}
    assert labels == {'upper', 'lower'}
    for g in e.gids:
        deep = network.cells.ynorm[g] >= 0.5
        assert type_of(network, g).label == ('lower' if deep else 'upper')
        assert network.tags(g)['cellType'] == 'E'  # the tag, not the rule
    # NetPyNE checks cellParams ranges as min <= value <= max: ynorm 0.5 gets both rules,
    # merged in order (the soma of 'upper' with the geometry of 'lower')
    both = type_of(network, network.pop('B').gid_start)
    assert both.label == 'upper+lower'
    soma = both.section('soma')
    assert (soma.diam, soma.L) == (20, 20) and dict(soma.mechs)['hh'] == (('gnabar', 0.12),)
    assert type_of(network, network.pop('B').gid_start + 1).label == 'upper'


def test_connection_conds_on_cell_type_select_by_the_tag():
    net = two_layer_net()
    net.synMechParams['exc'] = {'mod': 'ExpSyn'}
    net.connParams['E->E'] = {'preConds': {'cellType': 'E'},
                              'postConds': {'cellType': 'E', 'pop': 'E'}, 'probability': 0.05}
    network = network_from_specs(net)
    posts = set(network.conns.post_gid.tolist())
    assert {type_of(network, g).label for g in posts} == {'upper', 'lower'}


def test_merged_rules_add_sections_and_replace_parameters_by_name():
    net = specs.NetParams()
    net.cellParams['base'] = {'conds': {'cellModel': 'HH'}, 'secs': {
        'soma': {'geom': {'diam': 12, 'L': 12, 'Ra': 100},
                 'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036}}}},
        'secLists': {'all': ['soma']}}
    net.cellParams['extra'] = {'conds': {'pop': 'P'}, 'secs': {
        'soma': {'geom': {'Ra': 150}, 'mechs': {'hh': {'gkbar': 0.05}, 'pas': {'g': 1e-4}}},
        'dend': {'geom': {'L': 200}, 'topol': {'parentSec': 'soma', 'parentX': 1,
                                               'childX': 0}}},
        'secLists': {'all': ['soma', 'dend']}}
    net.popParams['P'] = {'cellType': 'X', 'cellModel': 'HH', 'numCells': 2}
    network = network_from_specs(net)
    cell_type = type_of(network, 0)
    assert cell_type.label == 'base+extra' and cell_type.user_label == 'X'
    soma = cell_type.section('soma')
    assert (soma.diam, soma.Ra) == (12, 150)
    assert dict(soma.mechs) == {'hh': (('gnabar', 0.12), ('gkbar', 0.05)), 'pas': (('g', 1e-4),)}
    assert cell_type.section('dend').parent == 'soma'
    assert dict(cell_type.sec_lists)['all'] == ('soma', 'dend')
    assert len(network.cell_types) == 1  # both cells share it


def test_unknown_cell_type_and_cells_no_rule_applies_to_are_errors():
    net = two_layer_net()
    net.popParams['E']['cellType'] = 'e'
    with pytest.raises(SpecError, match=r"popParams\['E'\]\.cellType: unknown cellType 'e'; "
                                        r"did you mean 'E'\?"):
        validate(net)
    net = two_layer_net()
    net.cellParams['lower']['conds']['ynorm'] = [0.6, 1.0]  # a gap in depth
    with pytest.raises(SpecError, match=r"popParams\['E'\]: \d+ of its 200 cells match no "
                                        r"cellParams rule"):
        network_from_specs(net)


def test_conds_name_known_tags():
    net = two_layer_net()
    net.cellParams['upper']['conds']['layer'] = 2
    with pytest.raises(SpecError, match=r"cellParams\['upper'\]\.conds\.layer: unknown key"):
        validate(net)


def cell_diversity():
    """NetPyNE's cellDiversity example."""
    net = specs.NetParams()
    net.popParams['Epop'] = {'cellType': 'E', 'numCells': 50, 'diversity': True}
    net.popParams['Ipop'] = {'cellType': 'I', 'numCells': 40, 'diversity': True}
    for label, cell_type, fraction, diam in (('E1rule', 'E', 0.1, 15), ('E2rule', 'E', 0.5, 20),
                                             ('E3rule', 'E', 0.4, 25), ('I1rule', 'I', 0.8, 5),
                                             ('I2rule', 'I', 0.2, 10)):
        net.cellParams[label] = {'conds': {'cellType': cell_type},
                                 'diversityFraction': fraction,
                                 'secs': {'soma': {'geom': {'diam': diam, 'L': 14}}}}
    return net


def test_diversity_fractions_pick_rules_as_netpyne():
    network = network_from_specs(cell_diversity())
    labels = [type_of(network, g).label for g in range(network.num_cells)]
    # NetPyNE 1.1.1 on the cellDiversity example: 5, 25, 20 and 32, 8 cells, in order
    assert labels == (['E1rule'] * 5 + ['E2rule'] * 25 + ['E3rule'] * 20
                      + ['I1rule'] * 32 + ['I2rule'] * 8)
    assert network.cells.extra['fraction'][:3].tolist() == [0, 0.02, 0.04]


def test_diversity_on_a_grid_is_shuffled_by_the_cell_seed_the_same_on_any_rank():
    net = cell_diversity()
    del net.popParams['Ipop']
    net.popParams['Epop'] = {'cellType': 'E', 'gridSpacing': 20, 'diversity': True}
    config = specs.SimConfig()
    full = network_from_specs(net, config)
    assert sorted(full.cells.extra['fraction'].tolist()) == [i / 216 for i in range(216)]
    assert full.cells.extra['fraction'][:5].tolist() != [i / 216 for i in range(5)]
    part = network_from_specs(net, config, owned=np.arange(0, 216, 3))
    assert part.cells == full.cells and part.cell_types == full.cell_types


def vars_net():
    """Part of NetPyNE's subConn_CellularPops: cell vars and per-segment functions."""
    net = specs.NetParams()
    dend = {'geom': {'diam': 1, 'L': 250, 'nseg': 5},
            'topol': {'parentSec': 'soma', 'parentX': 1.0, 'childX': 0},
            'mechs': {'pas': {'g': 'g_base + uniform(1.1e-5, 1.2e-5) * exp(-dist_path/decay)',
                              'e': -70}}}
    net.cellParams['PYR'] = {'secs': {'soma': {'geom': {'diam': 20, 'L': 20}}, 'dend': dend},
                             'vars': {'g_base': 'normal(3.57e-5, 1e-14)', 'decay': 105}}
    net.popParams['S'] = {'cellType': 'PYR', 'numCells': 20}
    return net


def test_cell_vars_once_per_cell_and_functions_per_segment():
    network = network_from_specs(vars_net())
    values = np.array([dict(dict(type_of(network, g).section('dend').mechs)['pas'])['g']
                       for g in range(20)])
    assert values.shape == (20, 5)
    # dist_path from the soma's middle: 10 um of soma, then 25, 75, ... um of dend
    dist = 10 + 50 * np.arange(5) + 25
    base = values - 1.15e-5 * np.exp(-dist / 105)  # minus the uniform draws' middle
    assert np.all(np.abs(base - 3.57e-5) < 1e-7 + 0.05e-5)
    assert len({tuple(v) for v in values}) == 20  # every cell draws its own
    assert {type_of(network, g).user_label for g in range(20)} == {'PYR'}
    again = network_from_specs(vars_net(), owned=np.arange(5))
    assert again.cell_types == network.cell_types  # keyed by gid and seed, not by order
    other = network_from_specs(vars_net(), specs.SimConfig(seeds={'conn': 1, 'stim': 1,
                                                                    'loc': 2}))
    assert other.cell_types == network.cell_types  # the cell seed, not the location seed


def test_functions_are_checked_like_every_string_function():
    net = vars_net()
    net.cellParams['PYR']['secs']['dend']['mechs']['pas']['g'] = 'g_bse * 2'
    with pytest.raises(SpecError, match=r"mechs\['pas'\]\.g: unknown name 'g_bse'; did you "
                                        r"mean 'g_base'\?"):
        validate(net)
    net = vars_net()
    net.cellParams['PYR']['secs']['dend']['mechs']['pas']['g'] = '__import__("os")'
    with pytest.raises(SpecError):
        validate(net)


def test_dist_euclidean_needs_3d_points():
    net = vars_net()
    net.cellParams['PYR']['secs']['dend']['mechs']['pas']['g'] = '1e-5 * dist_euclidean'
    with pytest.raises(SpecError, match="dist_euclidean needs 3D points"):
        network_from_specs(net)
    net.cellParams['PYR']['secs']['soma']['geom']['pt3d'] = [[0, 0, 0, 20], [0, 20, 0, 20]]
    net.cellParams['PYR']['secs']['dend']['geom']['pt3d'] = [[0, 20, 0, 1], [0, 270, 0, 1]]
    g = dict(dict(type_of(network_from_specs(net), 0).section('dend').mechs)['pas'])['g']
    assert np.allclose(g, 1e-5 * (10 + 25 + 50 * np.arange(5)))


def weight_norm_net(loc):
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {
        'soma': {'geom': {'diam': 10, 'L': 10}},
        'dend': {'geom': {'L': 100, 'nseg': 4}, 'topol': {'parentSec': 'soma'},
                 'weightNorm': [1.0, 2.0, 3.0, 4.0]}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 2}
    net.synMechParams['exc'] = {'mod': 'ExpSyn'}
    net.connParams['c'] = {'preConds': {'pop': 'P'}, 'postConds': {'pop': 'P'},
                           'probability': 1, 'weight': 0.5, 'sec': 'dend', 'loc': loc}
    net.stimSourceParams['s'] = {'type': 'NetStim', 'rate': 10}
    net.stimTargetParams['s'] = {'source': 's', 'conds': {'pop': 'P'}, 'weight': 0.1,
                                 'sec': 'dend', 'loc': loc}
    return net


@pytest.mark.parametrize("loc, factor", [(0.5, 2.0), (0.3, 1.0), (0.95, 4.0),
                                         (0.125, 4.0), (0.0, 4.0)])
def test_weight_norm_scales_weights_by_netpynes_segment_pick(loc, factor):
    # NetPyNE: weightNorm[int(round(loc * nseg)) - 1]; round(0.5) is 0, so 0.125 and 0
    # take the last segment's factor
    network = network_from_specs(weight_norm_net(loc))
    assert network.conns.weight.tolist() == [0.5 * factor] * 2
    assert network.stims.weight.tolist() == [0.1 * factor] * 2


def test_weight_norm_must_have_a_factor_per_segment():
    net = weight_norm_net(0.5)
    net.cellParams['C']['secs']['dend']['weightNorm'] = [1.0, 2.0]
    with pytest.raises(SpecError, match=r"weightNorm: lists 2 factors for 4 segments"):
        validate(net)


def test_conn_threshold_is_netpynes_no_op_with_a_warning_when_it_differs():
    net = weight_norm_net(0.5)
    net.connParams['c']['threshold'] = 10  # the cells' threshold: nothing to say
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate(net)
    net.connParams['c']['threshold'] = -20
    with pytest.warns(UserWarning, match=r"connParams\['c'\]\.threshold = -20 has no effect"):
        network = network_from_specs(net)
    assert {t.threshold for t in network.cell_types} == {10}


def test_density_is_truncated_as_netpyne():
    # NetPyNE's M1 example: 292 cells (rounding gave 300)
    net = specs.NetParams()
    net.sizeX, net.sizeY, net.sizeZ = 50, 1350, 50
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10}}}}
    layers = [([0.12, 0.31], 80e3), ([0.31, 0.41], 80e3), ([0.41, 0.52], 80e3),
              ([0.52, 0.77], 40e3), ([0.52, 0.77], 40e3), ([0.77, 1.0], 40e3),
              ([0.77, 1.0], 40e3), ([0.1, 0.31], 10e3), ([0.1, 0.31], 10e3),
              ([0.31, 0.77], 10e3), ([0.31, 0.77], 10e3), ([0.77, 1.0], 10e3),
              ([0.77, 1.0], 10e3)]
    for i, (ynorm, density) in enumerate(layers):
        net.popParams[f'p{i}'] = {'cellType': 'C', 'ynormRange': ynorm, 'density': density}
    network = network_from_specs(net)
    assert network.num_cells == 292
    assert [p.size for p in network.pops] == [51, 26, 29, 33, 33, 31, 31, 7, 7, 15, 15, 7, 7]


def test_scaled_numbers_of_cells_are_truncated():
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {}}}
    net.popParams['A'] = {'cellType': 'C', 'numCells': 41}
    net.scale = 0.5
    assert network_from_specs(net).num_cells == 20


def test_vecstim_population_by_rate_fires_as_a_netstim_with_rates_drawn_per_cell():
    net = specs.NetParams()
    net.popParams['L'] = {'cellModel': 'VecStim', 'numCells': 30, 'rate': [0, 20],
                          'noise': 1.0, 'start': 0, 'pulses': []}
    net.popParams['N'] = {'cellModel': 'NetStim', 'numCells': 2, 'rate': 10}
    network = network_from_specs(net)
    intervals = [dict(type_of(network, g).artificial.params)['interval'] for g in range(30)]
    assert len(set(intervals)) == 30 and min(intervals) > 50  # 1000 / rate, rate < 20
    assert {type_of(network, g).artificial.mod for g in range(30)} == {'NetStim'}
    assert network.pop('L').cell_model == 'VecStim'
    assert dict(type_of(network, 30).artificial.params)['interval'] == 100
    net.popParams['L']['spkTimes'] = [1, 2]
    with pytest.raises(SpecError, match="give either spkTimes or a rate"):
        validate(net)


def test_one_3d_point_makes_a_section_as_short_as_neuron_makes_it():
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10}},
                                    'axon': {'geom': {'diam': 1.5, 'L': 500,
                                                      'pt3d': [[0, 0, 0, 1]]},
                                             'topol': {'parentSec': 'soma'}}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 1}
    axon = type_of(network_from_specs(net), 0).section('axon')
    assert (axon.L, axon.diam) == (1e-9, 1.5)


def test_spikes_are_detected_in_the_first_root_section_as_netpyne():
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {
        'dend': {'geom': {'L': 100}, 'topol': {'parentSec': 'soma'}},
        'soma': {'geom': {'L': 10}, 'threshold': -5}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 1}
    cell_type = type_of(network_from_specs(net), 0)
    assert (cell_type.spike_sec, cell_type.threshold) == ('soma', -5)
