"""Cell models: Izhikevich point processes, artificial cells, vref/synList point cells,
section features (ions, vinit, pt3d, spikeGenLoc, threshold, globals), gap junctions and
graded synapses."""
import numpy as np
import pytest

from helpers import ROOT
from neuroloom import specs
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import SpecError

TEST_MODS = str(ROOT / "tests" / "data" / "mod")
IZHI = {'mod': 'Izhi2007b', 'C': 1, 'k': 0.7, 'vr': -60, 'vt': -40, 'vpeak': 35, 'a': 0.03,
        'b': -2, 'c': -50, 'd': 100, 'celltype': 1}


def izhi_net(iin):
    net = specs.NetParams()
    net.cellParams['IZ'] = {'secs': {'soma': {'geom': {'diam': 10.0, 'L': 10.0, 'cm': 31.831},
                                              'pointps': {'Izhi': {**IZHI, 'Iin': iin}}}}}
    net.popParams['A'] = {'cellType': 'IZ', 'numCells': 1}
    return net


def quiet_cfg(duration=1000.0, **options):
    cfg = specs.SimConfig()
    cfg.duration = duration
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordTraces = {}
    for key, value in options.items():
        cfg[key] = value
    return cfg


def test_izhikevich_cell_matches_the_same_cell_built_directly(run_session):
    s = run_session(izhi_net(70), quiet_cfg())
    ours = s.recordings.spike_t.copy()
    s.clear()
    h = neuron_h()  # the same cell, by hand, with the same mechanism
    soma = h.Section(name='soma')
    soma.diam, soma.L, soma.cm = 10.0, 10.0, 31.831
    izh = h.Izhi2007b(soma(0.5))
    for name, value in {**IZHI, 'Iin': 70}.items():
        if name != 'mod':
            setattr(izh, name, value)
    times = h.Vector()
    detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    detector.threshold = 10
    detector.record(times)
    h.dt, h.celsius = 0.025, 6.3
    h.finitialize(-65)
    h.continuerun(1000)
    direct = np.array(times)
    del detector, izh, soma
    assert len(ours) >= 5
    assert np.array_equal(ours, direct)


def test_artificial_populations_drive_cells_through_conn_params(run_session):
    net = specs.NetParams()
    net.popParams['stim'] = {'cellModel': 'NetStim', 'numCells': 5, 'rate': 50, 'noise': 0.5,
                             'start': 10}
    net.popParams['train'] = {'cellModel': 'VecStim', 'numCells': 2,
                              'spkTimes': [[5, 15, 25], [7.5]],
                              'pulses': [{'start': 100, 'end': 200, 'rate': 100,
                                          'noise': 0}]}
    net.popParams['if'] = {'cellModel': 'IntFire1', 'numCells': 3, 'tau': 5, 'refrac': 2}
    net.connParams['stim->if'] = {'preConds': {'pop': 'stim'}, 'postConds': {'pop': 'if'},
                                  'weight': 0.6, 'delay': 1}
    s = run_session(net, quiet_cfg(300))
    t, gid = s.recordings.spike_t, s.recordings.spike_gid
    # VecStim cells fire exactly at their times: own lists plus the pulse (100..200 every 10 ms)
    pulse = list(np.arange(100, 201, 10.0))
    assert t[gid == 5].tolist() == [5, 15, 25] + pulse
    assert t[gid == 6].tolist() == [7.5] + pulse
    # NetStims start at 10 ms and fire about 50 Hz; IntFire1 cells integrate them
    assert t[gid < 5].min() >= 10 and 40 < np.count_nonzero(gid < 5) / 5 / 0.29 < 60
    assert np.count_nonzero(gid >= 7) > 10
    assert {type(c).__name__ for c in s.model.cells.values()} == {"ArtificialInstance"}
    assert s.model.cells[7].obj.tau == 5 and s.model.cells[7].obj.refrac == 2
    from neuroloom.sim.views import CellView
    view = CellView(s, 7)
    assert view.secs == {} and view.tags["cellModel"] == "IntFire1"
    assert {(c["synMech"], c["sec"]) for c in view.conns} == {(None, None)}
    assert len(view.conns) == 5


def test_netstim_population_noise_is_keyed_by_gid(run_session):
    net = specs.NetParams()
    net.popParams['stim'] = {'cellModel': 'NetStim', 'numCells': 4, 'rate': 50, 'noise': 1}
    a = run_session(net, quiet_cfg(200)).recordings
    a_t, a_gid = a.spike_t.copy(), a.spike_gid.copy()
    net.popParams['stim']['seed'] = 7
    b = run_session(net, quiet_cfg(200)).recordings
    assert not np.array_equal(a_t, b.spike_t)
    net.popParams['stim'].pop('seed')
    c = run_session(net, quiet_cfg(200)).recordings
    assert np.array_equal(a_t, c.spike_t) and np.array_equal(a_gid, c.spike_gid)
    assert all(len(set(a_t[a_gid == g]) ^ set(a_t[a_gid == 0])) for g in (1, 2, 3))


def test_vref_point_cell_receives_on_its_syn_list_weights(run_session):
    net = specs.NetParams()
    net.cellParams['SV'] = {'secs': {'soma': {
        'geom': {'diam': 10, 'L': 10}, 'threshold': 1.0,
        'pointps': {'lif': {'mod': 'SelfV', 'vref': 'V', 'synList': ['A', 'B'], 'tau': 10}}}}}
    net.popParams['cell'] = {'cellType': 'SV', 'numCells': 1}
    net.popParams['src'] = {'cellModel': 'VecStim', 'numCells': 2,
                            'spkTimes': [[10, 50], [10]]}
    net.synMechParams['A'] = {'mod': 'ExpSyn'}
    net.synMechParams['B'] = {'mod': 'ExpSyn'}
    net.connParams['b'] = {'preConds': {'pop': 'src'}, 'postConds': {'pop': 'cell'},
                           'connList': [[0, 0]], 'synMech': 'B', 'weight': 0.3, 'delay': 1}
    net.connParams['a'] = {'preConds': {'pop': 'src'}, 'postConds': {'pop': 'cell'},
                           'connList': [[1, 0]], 'synMech': 'A', 'weight': 0.5, 'delay': 1}
    s = run_session(net, quiet_cfg(100, modFolders=[TEST_MODS]))
    netcons = [s.model.netcons.o(i) for i in range(int(s.model.netcons.count()))]
    pointp = s.model.cells[0].pointps[('soma', 'lif')]
    assert all(nc.syn() == pointp for nc in netcons)  # no synapses were made
    assert sorted((nc.weight[0], nc.weight[1]) for nc in netcons) == [(0.0, 0.3), (0.5, 0.0)]
    # at 11 ms V = 2 * 0.3 + 0.5 = 1.1 crosses the threshold of 1; at 51 ms 0.6 does not
    t = s.recordings.spike_t[s.recordings.spike_gid == 0]
    assert len(t) == 1 and 11 <= t[0] <= 11.1


def test_section_features_reach_neuron(run_session):
    net = specs.NetParams()
    net.cellParams['C'] = {
        'globals': {'ki0_k_ion': 60.0},
        'secs': {
            'soma': {'geom': {'diam': 20, 'L': 20}, 'mechs': {'hh': {}},
                     'ions': {'na': {'e': 55.0}, 'k': {'o': 4.0}}, 'vinit': -72.0},
            'axon': {'geom': {'pt3d': [[0, 0, 0, 1], [0, -30, 40, 1], [0, -30, 100, 0.5]],
                              'nseg': 3},
                     'topol': {'parentSec': 'soma', 'parentX': 0.0}, 'mechs': {'hh': {}},
                     'spikeGenLoc': 1.0, 'threshold': -20, 'vinit': -60.0}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 1, 'xRange': [50, 50.001],
                          'yRange': [10, 10.001], 'zRange': [5, 5.001]}
    cfg = quiet_cfg(1, recordTraces={'v_s': {'sec': 'soma', 'var': 'v'},
                                     'v_a': {'sec': 'axon', 'var': 'v', 'loc': 0.5}},
                    recordCells=[0], recordStep=0.025)
    s = run_session(net, cfg)
    cell = s.model.cells[0]
    soma, axon = cell.secs['soma'], cell.secs['axon']
    assert soma.ena == 55.0 and soma(0.5).ko == 4.0
    assert neuron_h().ki0_k_ion == 60.0
    assert axon.L == pytest.approx(50 + 60) and axon.n3d() == 3
    assert axon.x3d(0) == pytest.approx(50, abs=1e-3) and axon.y3d(0) == pytest.approx(-10, abs=1e-3)
    assert s.sim_data['v_s']['cell_0'][0] == pytest.approx(-72.0)
    assert s.sim_data['v_a']['cell_0'][0] == pytest.approx(-60.0)
    detector = s.model._detectors[0]
    assert detector.threshold == -20 and detector.preloc() == 1.0
    neuron_h().pop_section()


def test_gap_junctions_couple_and_graded_synapses_follow(run_session):
    net = specs.NetParams()
    net.cellParams['P'] = {'secs': {'soma': {'geom': {'diam': 20, 'L': 20},
                                             'mechs': {'pas': {'g': 1e-4, 'e': -70}}}}}
    net.popParams['pre'] = {'cellType': 'P', 'numCells': 1}
    net.popParams['post'] = {'cellType': 'P', 'numCells': 1}
    net.popParams['other'] = {'cellType': 'P', 'numCells': 1}
    net.synMechParams['gap'] = {'mod': 'ElectSyn', 'g': 0.01}
    net.synMechParams['graded'] = {'mod': 'GradedSyn', 'gmax': 0.005, 'vth': -40,
                                   'pointerParams': {'target_var': 'vpre',
                                                     'bidirectional': False}}
    net.connParams['gj'] = {'preConds': {'pop': 'pre'}, 'postConds': {'pop': 'post'},
                            'synMech': 'gap', 'gapJunction': True}
    net.connParams['gr'] = {'preConds': {'pop': 'pre'}, 'postConds': {'pop': 'other'},
                            'synMech': 'graded', 'preSec': 'soma', 'preLoc': 0.5}
    net.stimSourceParams['step'] = {'type': 'IClamp', 'del': 50, 'dur': 100, 'amp': 0.3}
    net.stimTargetParams['step->pre'] = {'source': 'step', 'conds': {'pop': 'pre'}}
    cfg = quiet_cfg(150, modFolders=[TEST_MODS], recordCells=['all'],
                    recordTraces={'V': {'sec': 'soma', 'var': 'v'}}, recordStep=1)
    s = run_session(net, cfg)
    v = {gid: s.sim_data['V'][f'cell_{gid}'] for gid in range(3)}
    assert v[0][140] > -40  # the clamped cell is depolarised
    assert v[1][140] > v[1][45] + 5  # coupled: the post cell follows the pre cell
    assert v[1][140] < v[0][140]
    assert v[2][140] > -60  # the graded synapse opened with the pre cell's voltage
    assert v[2][45] == pytest.approx(-70, abs=1.5)  # almost closed before the step
    assert s.model.pointers.used and len(s.model.pointers.mechanisms) == 3  # gap both ways


def test_mechanism_and_spec_problems_of_cell_models(run_session):
    net = izhi_net(0)
    net.cellParams['IZ']['secs']['soma']['pointps']['Izhi']['kk'] = 1
    # issue 19: checked with the spec (a SpecError with paths), before building
    with pytest.raises(SpecError, match=r"pointps\['Izhi'\].kk: 'Izhi2007b' has no parameter "
                                        "'kk'; did you mean 'k'\\?"):
        run_session(net, quiet_cfg())
    net = specs.NetParams()
    net.popParams['x'] = {'cellModel': 'IntFire9', 'numCells': 1}
    with pytest.raises(SpecError, match=r"popParams\['x'\].cellModel: NEURON has no "
                                        "artificial cell 'IntFire9'"):
        run_session(net, quiet_cfg())
    net = specs.NetParams()
    net.popParams['x'] = {'cellModel': 'IntFire1', 'numCels': 1}
    with pytest.raises(SpecError, match="did you mean 'numCells'"):
        run_session(net, quiet_cfg())
