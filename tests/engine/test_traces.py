"""recordTraces of point processes: synapses (synMech), a cell's own point process (pointp)
and stimuli (stim), and traces limited to some cells (conds)."""
import numpy as np
import pytest

from neuroloom import sim, specs
from neuroloom.errors import SpecError

IZHI = {'mod': 'Izhi2007b', 'C': 1, 'k': 0.7, 'vr': -60, 'vt': -40, 'vpeak': 35, 'a': 0.03,
        'b': -2, 'c': -50, 'd': 100, 'celltype': 1}


def model():
    net = specs.NetParams()
    net.cellParams['PYR'] = {'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8},
                                               'mechs': {'hh': {}}}}}
    net.cellParams['IZ'] = {'secs': {'soma': {'geom': {'diam': 10.0, 'L': 10.0, 'cm': 31.831},
                                              'pointps': {'Izhi': {**IZHI, 'Iin': 70}}}}}
    net.popParams['E'] = {'cellType': 'PYR', 'numCells': 3}
    net.popParams['I'] = {'cellType': 'IZ', 'numCells': 2}
    net.popParams['src'] = {'cellModel': 'VecStim', 'numCells': 1, 'spkTimes': [20.0]}
    net.synMechParams['AMPA'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': 0}
    net.connParams['src->E'] = {'preConds': {'pop': 'src'}, 'postConds': {'pop': 'E'},
                                'weight': 0.0001, 'delay': 2, 'synMech': 'AMPA'}
    net.stimSourceParams['clamp'] = {'type': 'IClamp', 'del': 40, 'dur': 30, 'amp': 0.2}
    net.stimTargetParams['clamp->E'] = {'source': 'clamp', 'conds': {'pop': 'E'},
                                        'sec': 'soma', 'loc': 0.5}
    cfg = specs.SimConfig()
    cfg.duration, cfg.recordStep = 100.0, 0.025
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordCells = ['all']
    cfg.recordTraces = {
        'iAMPA': {'sec': 'soma', 'loc': 0.5, 'synMech': 'AMPA', 'var': 'i'},
        'iClamp': {'stim': 'clamp->E', 'var': 'i'},
        'u': {'sec': 'soma', 'pointp': 'Izhi', 'var': 'u'},
        'V_E': {'sec': 'soma', 'loc': 0.5, 'var': 'v', 'conds': {'pop': 'E', 'y': [0, 1e9]}},
    }
    return net, cfg


def test_point_process_traces(run_session):
    s = run_session(*model())
    t, traces = s.recordings.t, s.recordings.traces
    e_cells, i_cells = [0, 1, 2], [3, 4]
    # each trace is recorded from the cells that have what it names
    assert sorted(traces['iAMPA']) == e_cells == sorted(traces['iClamp'])
    assert sorted(traces['u']) == i_cells
    assert sorted(traces['V_E']) == e_cells
    for gid in e_cells:
        clamp = traces['iClamp'][gid]
        on = (t > 40.5) & (t < 69.5)
        np.testing.assert_allclose(clamp[on], 0.2)
        assert not clamp[(t < 39.5) | (t > 70.5)].any()
        syn = traces['iAMPA'][gid]
        # the VecStim spike at 20 ms arrives 2 ms later: an inward (negative) current
        assert not syn[t < 21.9].any()
        assert syn[(t > 22.5) & (t < 30)].max() < 0
    for gid in i_cells:  # the Izhikevich recovery variable moves as the cell fires
        assert np.ptp(traces['u'][gid]) > 1
    assert s.sim_data['iClamp']['cell_0'] is traces['iClamp'][0]


def test_trace_references_are_checked(run_session):
    net, cfg = model()
    cfg.recordTraces['x'] = {'synMech': 'AMPAA', 'var': 'i'}
    cfg.recordTraces['y'] = {'stim': 'clamp', 'var': 'i'}
    cfg.recordTraces['z'] = {'mech': 'hh', 'synMech': 'AMPA', 'var': 'i'}
    cfg.recordTraces['w'] = {'var': 'v', 'conds': {'popp': 'E'}}
    with pytest.raises(SpecError) as err:
        run_session(net, cfg)
    message = str(err.value)
    assert "recordTraces['x'].synMech" in message and "'AMPA'" in message
    assert "recordTraces['y'].stim" in message and "'clamp->E'" in message
    assert "recordTraces['z']" in message and "not mech and synMech" in message
    assert "recordTraces['w'].conds" in message and "'pop'" in message


def test_a_point_cell_variable_it_lacks_is_an_error():
    net = specs.NetParams()
    net.popParams['I'] = {'cellModel': 'IntFire1', 'numCells': 2, 'tau': 10}
    cfg = specs.SimConfig()
    cfg.duration = 10
    cfg.recordCells = ['I']
    cfg.recordTraces = {'x': {'var': 'mm'}}
    cfg.saveJson = cfg.saveSpikesSonata = False
    sim.initialize(net, cfg)
    try:
        with pytest.raises(Exception, match=r"recordTraces\['x'\].*'mm' is not a variable of "
                                            r"the point cell's IntFire1"):
            sim.create()
    finally:
        sim.clearAll()


def test_a_point_cell_records_its_own_variable():
    """recordTraces with only 'var' on an IntFire1 population: its m, as NetPyNE records
    a point cell (its hPointp)."""
    net = specs.NetParams()
    net.popParams['S'] = {'cellModel': 'VecStim', 'numCells': 1, 'spkTimes': [2.0, 4.0]}
    net.popParams['I'] = {'cellModel': 'IntFire1', 'numCells': 1, 'tau': 10}
    net.connParams['S->I'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'I'},
                              'weight': 0.3, 'delay': 1}
    cfg = specs.SimConfig()
    cfg.duration = 10
    cfg.recordCells = ['I']
    cfg.recordTraces = {'m': {'var': 'm'}}
    cfg.saveJson = cfg.saveSpikesSonata = False
    sim.initialize(net, cfg)
    try:
        sim.create()
        sim.simulate()
        m = np.array(sim.allSimData['m']['cell_1'])
    finally:
        sim.clearAll()
    # m jumps by the weight at each arrival (3 and 5 ms) and is 0 before
    assert m[0] == 0 and m.max() > 0.3
