"""Where synapses go as NetPyNE puts them: spreading over sections, subConnParams
(uniform, distance along the sections or straight, 1D and 2D density maps) with weightNorm,
and the layout of sections without 3D points. Expected values marked 'NetPyNE' were
computed with NetPyNE 1.1.1 (its venv) on the same specs."""
import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import network_from_specs
from neuroloom.builder.contacts import spread_evenly
from neuroloom.builder.morphology import path_distance, point_at, shape_points
from neuroloom.errors import SpecError
from neuroloom.validate import validate


def test_spreading_over_sections_counts_from_each_sections_far_end():
    # NetPyNE 1.1.1, synsPerConn 4 over dend (200 um) + apic (600 um):
    # ('dend', 0.5), ('apic', 0.8333), ('apic', 0.5), ('apic', 0.1667)
    which, loc = spread_evenly([200, 600], np.arange(4), 4)
    assert which.tolist() == [0, 1, 1, 1]
    assert np.allclose(loc, [0.5, 5 / 6, 0.5, 1 / 6])


def pyr_net(n_post=2, **sub):
    net = specs.NetParams()
    net.sizeY = 1000
    net.cellParams['PYR'] = {'secs': {
        'soma': {'geom': {'diam': 20, 'L': 20}},
        'dend1': {'geom': {'diam': 1, 'L': 250, 'nseg': 5},
                  'topol': {'parentSec': 'soma', 'parentX': 1.0, 'childX': 0},
                  'weightNorm': [1.0, 1.2, 1.4, 1.6, 1.8]},
        'dend2': {'geom': {'diam': 1, 'L': 200, 'nseg': 5},
                  'topol': {'parentSec': 'dend1', 'parentX': 1.0, 'childX': 0}},
        'dend3': {'geom': {'diam': 1, 'L': 150, 'nseg': 5},
                  'topol': {'parentSec': 'dend2', 'parentX': 1.0, 'childX': 0}}}}
    net.popParams['S'] = {'cellType': 'PYR', 'cellsList': [{'y': 10 * i} for i in range(20)]}
    net.popParams['M'] = {'cellType': 'PYR', 'cellsList': [{'y': 500 + 100 * i}
                                                           for i in range(n_post)]}
    net.synMechParams['exc'] = {'mod': 'Exp2Syn'}
    net.connParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                              'probability': 1, 'weight': 0.01, 'sec': 'dend1', 'loc': 0.5}
    if sub:
        net.subConnParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                                     **sub}
    return net


def places(network, post):
    c = network.conns
    rows = c.post_gid == post
    return [(network.section_names[s], round(float(x), 6), round(float(w), 9))
            for s, x, w in zip(c.sec[rows], c.loc[rows], c.weight[rows])]


def test_1d_map_counts_per_segment_as_netpyne():
    grid_y = list(range(0, 470, 10))
    values = [np.exp(-((y - 270) / 50) ** 2) for y in grid_y]
    net = pyr_net(sec=['dend1', 'dend2'], density={'type': '1Dmap', 'gridY': grid_y,
                                                   'gridValues': values, 'fixedSomaY': 0})
    network = network_from_specs(net)
    got = {}
    for sec, x, w in places(network, 20):
        got[(sec, x)] = got.get((sec, x), 0) + 1
    # NetPyNE 1.1.1 (its subConn_CellularPops map, 20 synapses, cells laid out by
    # defineCellShapes): segments of dend1 and dend2 and their synapses
    assert got == {('dend1', 0.7): 1, ('dend1', 0.9): 7, ('dend2', 0.1): 9, ('dend2', 0.3): 3}
    # weightNorm: made at dend1(0.5) with factor 1.2 (segment round(2.5) - 1 = 1), moved
    # to dend2 (none: 1) or to dend1(0.7) and (0.9) (round(3.5) - 1 = round(4.5) - 1 = 3)
    weights = {(s, x): w for s, x, w in places(network, 20)}
    assert weights == pytest.approx({('dend1', 0.7): 0.016, ('dend1', 0.9): 0.016,
                                     ('dend2', 0.1): 0.01, ('dend2', 0.3): 0.01})


def test_distance_finds_the_last_segment_closest_to_the_target():
    net = pyr_net(sec=['dend2', 'dend3'], density={'type': 'distance', 'ref_sec': 'soma',
                                                   'ref_seg': 0.5, 'target_distance': 360})
    network = network_from_specs(net)
    # soma middle -> dend1 end: 260 um; dend2's segments at 280, 320, 360, 400, 440
    assert {(s, x) for s, x, _ in places(network, 20)} == {('dend2', 0.5)}


def test_cartesian_distance_uses_3d_points():
    net = pyr_net(sec=['dend1', 'dend3'], density={'type': 'distance', 'ref_sec': 'soma',
                                                   'ref_seg': 0.5, 'target_distance': 310,
                                                   'coord': 'cartesian'})
    secs = net.cellParams['PYR']['secs']
    secs['soma']['geom']['pt3d'] = [[0, 0, 0, 20], [0, 20, 0, 20]]
    secs['dend1']['geom']['pt3d'] = [[0, 20, 0, 1], [0, 270, 0, 1]]
    secs['dend2']['geom']['pt3d'] = [[0, 270, 0, 1], [100, 443.205, 0, 1]]
    secs['dend3']['geom']['pt3d'] = [[0, 270, 0, 1], [0, 0, 0, 1]]  # turns back
    network = network_from_specs(net)
    # NetPyNE 1.1.1: define_shape hangs dend3's points from dend2's end (100, 443); its
    # middle is 314 um from the soma's middle, dend1's last segment 235 um
    assert {(s, x) for s, x, _ in places(network, 20)} == {('dend3', 0.5)}
    net.subConnParams['S->M']['density']['coord'] = 'topol'  # NetPyNE: along the sections
    network = network_from_specs(net)
    assert {(s, x) for s, x, _ in places(network, 20)} == {('dend1', 0.9)}


def test_uniform_spreads_in_netpynes_order_and_keeps_grouped_mechanisms_together():
    net = pyr_net(n_post=1, sec=['dend2', 'dend3'], density='uniform',
                  groupSynMechs=['exc', 'nmda'])
    net.synMechParams['nmda'] = {'mod': 'Exp2Syn', 'tau2': 50}
    net.connParams['S->M']['synMech'] = ['exc', 'nmda']
    network = network_from_specs(net)
    c = network.conns
    assert len(c) == 40
    pairs = {}
    for pre, mech, sec, loc in zip(c.pre_gid, c.syn_mech, c.sec, c.loc):
        pairs.setdefault(int(pre), set()).add((int(sec), float(loc)))
    assert all(len(p) == 1 for p in pairs.values())  # both mechanisms at one place
    # NetPyNE sorts by the text 'dend10.5<pre gid>': gid 10 before 2 (and 1 before 10);
    # NetPyNE 1.1.1 gives pre gids 0, 1, 2, 19 these places
    got = {pre: (network.section_names[s], round(x, 6)) for pre, ((s, x),) in pairs.items()}
    assert [got[g] for g in (0, 1, 2, 19)] == [('dend2', 0.95625), ('dend2', 0.86875),
                                               ('dend3', 0.875), ('dend3', 0.991667)]


def test_2d_map_interpolates_in_x_and_depth():
    grid_x, grid_y = [-100.0, 100.0], [0.0, 300.0, 600.0]
    values = [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]  # a band around 300 um above the soma
    net = pyr_net(n_post=1, sec=['dend1', 'dend2', 'dend3'],
                  density={'type': '2Dmap', 'gridX': grid_x, 'gridY': grid_y,
                           'gridValues': values, 'fixedSomaY': 0})
    network = network_from_specs(net)
    got = {}
    for sec, x, _ in places(network, 20):
        got[(sec, x)] = got.get((sec, x), 0) + 1
    # NetPyNE 1.1.1
    assert got == {('dend1', 0.3): 1, ('dend1', 0.5): 2, ('dend1', 0.7): 2, ('dend1', 0.9): 3,
                   ('dend2', 0.1): 3, ('dend2', 0.3): 2, ('dend2', 0.5): 2, ('dend2', 0.7): 2,
                   ('dend2', 0.9): 1, ('dend3', 0.1): 1, ('dend3', 0.3): 1}
    bad = pyr_net(sec=['dend1'], density={'type': '2Dmap', 'gridX': grid_x, 'gridY': grid_y,
                                          'gridValues': [[1, 2]]})
    with pytest.raises(SpecError, match=r"gridValues: must be 2 rows \(gridX\) of 3 values"):
        validate(bad)


def test_density_types_are_checked():
    with pytest.raises(SpecError, match=r"density\.type: must be 'distance', '1Dmap' or "
                                        r"'2Dmap', not 'radial'"):
        validate(pyr_net(density={'type': 'radial'}))
    with pytest.raises(SpecError, match=r"density\.coord: unknown coord 'polar'"):
        validate(pyr_net(density={'type': 'distance', 'coord': 'polar'}))


def test_layout_of_sections_without_3d_points_follows_neuron():
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {
        'r': {'geom': {'L': 10}},
        'a': {'geom': {'L': 100}, 'topol': {'parentSec': 'r', 'parentX': 1}},
        'b1': {'geom': {'L': 50}, 'topol': {'parentSec': 'r', 'parentX': 0.5}},
        'b2': {'geom': {'L': 50}, 'topol': {'parentSec': 'r', 'parentX': 0.5}},
        'c1': {'geom': {'L': 20}, 'topol': {'parentSec': 'r', 'parentX': 0.3}},
        'd': {'geom': {'L': 30}, 'topol': {'parentSec': 'r', 'parentX': 1, 'childX': 1}},
        'e1': {'geom': {'L': 40}, 'topol': {'parentSec': 'r', 'parentX': 0}},
        'e2': {'geom': {'L': 40}, 'topol': {'parentSec': 'r', 'parentX': 0}},
        'e3': {'geom': {'L': 40}, 'topol': {'parentSec': 'r', 'parentX': 0}},
        'f': {'geom': {'L': 40}, 'topol': {'parentSec': 'a', 'parentX': 1, 'childX': 1}},
        'g': {'geom': {'L': 40}, 'topol': {'parentSec': 'e1', 'parentX': 1}}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 1}
    points = shape_points(network_from_specs(net).cell_types[0])
    # NEURON 9's define_shape (x, y) of each section's 1 end, turned as NetPyNE turns it
    # (NEURON's x is the cell's y): measured in NEURON
    neuron = {'r': (10.0, 0.0), 'a': (102.106, 38.942), 'b1': (-14.47, 46.053),
              'b2': (24.47, 46.053), 'c1': (3.0, -20.0), 'd': (37.63, -11.68),
              'e1': (-36.842, -15.577), 'e2': (-40.0, 0.0), 'e3': (-36.842, 15.577),
              'f': (138.949, 54.519), 'g': (-73.684, -31.153)}
    for name, (x, y) in neuron.items():
        assert points[name][-1] == pytest.approx([y, x, 0.0], abs=5e-3), name


def test_path_and_straight_distances():
    net = pyr_net()
    cell_type = network_from_specs(net).cell_types[0]
    assert path_distance(cell_type, ('soma', 0.5), ('dend2', 0.5)) == pytest.approx(360)
    points = shape_points(cell_type)
    assert point_at(points['dend2'], [0.5])[0] == pytest.approx([0, 370, 0])


@pytest.mark.parametrize("amount, per_cell", [(20, 9), (2.5, 2), (3.5, 4), (9, 9)])
def test_convergence_and_divergence_round_and_cap_as_netpyne(amount, per_cell):
    # NetPyNE: max(min(int(round(n)), len(candidates) - 1), 0), even when the cell is
    # not among the candidates (10 long-range cells, convergence 20: 9 each)
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {}}}
    net.popParams['L'] = {'cellModel': 'NetStim', 'numCells': 10, 'rate': 5}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 10}
    net.synMechParams['exc'] = {'mod': 'ExpSyn'}
    net.connParams['conv'] = {'preConds': {'pop': 'L'}, 'postConds': {'pop': 'P'},
                              'convergence': amount}
    net.connParams['div'] = {'preConds': {'pop': 'L'}, 'postConds': {'pop': 'P'},
                             'divergence': amount}
    c = network_from_specs(net).conns
    for rule, side in ((0, c.post_gid), (1, c.pre_gid)):
        counts = np.bincount(np.asarray(side[c.rule == rule]) % 10, minlength=10)
        assert counts.tolist() == [per_cell] * 10
