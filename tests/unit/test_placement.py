"""Populations: numbers of cells, positions, shapes and per-cell tags."""
import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import network_from_specs


def net_with(pops, **options):
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10}}}}
    for label, rule in pops.items():
        net.popParams[label] = {'cellType': 'C', **rule}
    for key, value in options.items():
        setattr(net, key, value)
    return network_from_specs(net)


def positions(network, label):
    g = list(network.pop(label).gids)
    c = network.cells
    return c.x[g], c.y[g], c.z[g]


def test_ranges_in_um_and_normalised_and_tags_on_every_cell():
    network = net_with({'A': {'numCells': 400, 'yRange': [100, 300]},
                        'B': {'numCells': 400, 'ynormRange': [0.6, 1.0], 'xRange': [10, 20]}},
                       sizeY=1000)
    x, y, z = positions(network, 'A')
    assert y.min() >= 100 and y.max() <= 300 and y.max() - y.min() > 180
    x, y, z = positions(network, 'B')
    assert y.min() >= 600 and y.max() <= 1000 and x.min() >= 10 and x.max() <= 20
    c = network.cells
    assert np.allclose(c.ynorm, c.y / 1000) and np.allclose(c.xnorm, c.x / 100)
    tags = network.tags(450)
    assert set(tags) >= {"pop", "cellType", "cellModel", "x", "y", "z", "xnorm", "ynorm",
                         "znorm"}


def test_density_gives_cells_per_cubic_millimetre():
    # 100 x 1000 x 100 um = 0.01 mm3; 2e5 cells/mm3 over half the depth -> 1000 cells
    network = net_with({'A': {'density': 2e5, 'ynormRange': [0.5, 1.0]}}, sizeY=1000)
    assert network.num_cells == 1000
    assert network.cells.ynorm.min() >= 0.5


def test_density_function_of_depth():
    # density 4e5 * ynorm on 0.01 mm3: expected 0.01 * 4e5 * 0.5 = 2000 cells, linear in y
    network = net_with({'A': {'density': '4e5*ynorm'}}, sizeY=1000)
    assert abs(network.num_cells - 2000) < 4 * np.sqrt(2000)
    counts, _ = np.histogram(network.cells.ynorm, bins=4, range=(0, 1))
    assert np.all(np.diff(counts) > 0)  # more cells deeper
    assert counts[3] / counts[0] == pytest.approx(7, rel=0.35)  # (0.875 / 0.125)


def test_grid_spacing():
    network = net_with({'A': {'gridSpacing': 50}}, sizeX=100, sizeY=200, sizeZ=100)
    assert network.num_cells == 3 * 5 * 3
    assert set(np.unique(network.cells.y).tolist()) == {0, 50, 100, 150, 200}
    network = net_with({'A': {'gridSpacing': [10, 100, 100], 'xRange': [20, 40]}})
    assert sorted(set(network.cells.x.tolist())) == [20, 30, 40]


def test_cells_list_with_positions_and_own_tags():
    network = net_with({'A': {'cellsList': [{'x': 10, 'y': 20, 'z': 30, 'layer': 'L2'},
                                            {'xnorm': 0.5, 'ynorm': 0.5, 'znorm': 0.5,
                                             'layer': 'L5', 'depth': 3}]},
                        'B': {'numCells': 2}})
    c = network.cells
    assert (c.x[0], c.y[0], c.z[0]) == (10, 20, 30) and c.xnorm[0] == 0.1
    assert c.x[1] == 50
    assert c.extra['layer'].tolist() == ['L2', 'L5', '', '']
    assert np.isnan(c.extra['depth'][0]) and c.extra['depth'][1] == 3


@pytest.mark.parametrize("shape", ["cylinder", "ellipsoid"])
def test_shapes_keep_cells_inside(shape):
    network = net_with({'A': {'numCells': 3000}}, shape=shape, sizeX=200, sizeY=400, sizeZ=100)
    c = network.cells
    u, v, w = c.xnorm - 0.5, c.ynorm - 0.5, c.znorm - 0.5
    inside = u ** 2 + w ** 2 if shape == "cylinder" else u ** 2 + v ** 2 + w ** 2
    assert inside.max() <= 0.25 + 1e-12
    # uniform in volume: the inner half of the radius holds 1/4 (disc) or 1/8 (ball)
    share = np.mean(inside <= 0.0625)
    assert share == pytest.approx(0.25 if shape == "cylinder" else 0.125, abs=0.03)


def test_scale_multiplies_numbers_of_cells():
    network = net_with({'A': {'numCells': 40}, 'B': {'density': 1e5}}, scale=0.5)
    assert network.pop('A').size == 20 and network.pop('B').size == 50
