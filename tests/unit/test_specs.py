"""specs: the tutorial's NetParams, SimConfig and ODict behave as dicts with attributes."""
import copy
import json
import pickle

import pytest

from neuroloom import specs


def test_nested_dicts_built_and_mutated_as_in_tutorial_2():
    netParams = specs.NetParams()
    PYRcell = {'secs': {}}
    PYRcell['secs']['soma'] = {'geom': {}, 'mechs': {}}
    PYRcell['secs']['soma']['geom'] = {'diam': 18.8, 'L': 18.8, 'Ra': 123.0}
    PYRcell['secs']['soma']['mechs']['hh'] = {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}
    netParams.cellParams['PYR'] = PYRcell
    assert netParams.cellParams['PYR']['secs']['soma']['geom']['diam'] == 18.8
    assert netParams.cellParams.PYR.secs.soma.mechs.hh.gkbar == 0.036
    netParams.cellParams['PYR']['secs']['soma']['geom']['L'] = 20
    assert netParams.cellParams.PYR.secs.soma.geom.L == 20
    netParams.popParams['S'] = {'cellType': 'PYR', 'numCells': 20}
    assert list(netParams.popParams) == ['S']
    assert netParams.popParams['S'].numCells == 20


def test_attribute_and_item_access_are_the_same():
    d = specs.ODict()
    d.a = {'b': 1}
    assert d['a']['b'] == 1 and d.a.b == 1
    d['c'] = [{'x': 1}]
    assert d.c[0].x == 1
    del d.a
    assert 'a' not in d
    with pytest.raises(AttributeError):
        d.missing


def test_odict_keeps_insertion_order():
    params = specs.ODict()
    params['synMechTau2'] = [3.0, 5.0, 7.0]
    params['connWeight'] = [0.005, 0.01, 0.15]
    assert list(params) == ['synMechTau2', 'connWeight']


def test_defaults_are_netpyne_defaults_and_independent_per_object():
    a, b = specs.SimConfig(), specs.SimConfig()
    assert a.duration == 1000 and a.dt == 0.025 and a.recordStep == 0.1
    assert a.hParams == {'celsius': 6.3, 'v_init': -65.0, 'clamp_resist': 0.001}
    assert a.seeds == {'conn': 1, 'stim': 1, 'loc': 1}
    a.analysis['plotRaster'] = {'saveFig': True}
    assert b.analysis == {}
    n = specs.NetParams()
    assert (n.sizeX, n.sizeY, n.sizeZ) == (100, 100, 100)
    assert n.defaultWeight == 1 and n.defaultDelay == 1 and n.defaultThreshold == 10


def test_specs_are_dict_like_and_take_user_variables():
    cfg = specs.SimConfig()
    cfg.connWeight = 0.01
    assert cfg['connWeight'] == 0.01 and 'connWeight' in cfg
    cfg['duration'] = 500
    assert cfg.duration == 500
    assert cfg.user_variables() == {'connWeight': 0.01}


def test_specs_pickle_deepcopy_and_json():
    n = specs.NetParams()
    n.popParams['S'] = {'cellType': 'PYR', 'numCells': 20}
    for clone in (pickle.loads(pickle.dumps(n)), copy.deepcopy(n)):
        assert clone == n
        assert clone.popParams.S.numCells == 20
        clone.popParams.S.numCells = 1
        assert n.popParams.S.numCells == 20
    assert json.loads(json.dumps(n.todict()))['popParams']['S']['numCells'] == 20
