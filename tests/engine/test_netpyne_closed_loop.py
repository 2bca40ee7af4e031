"""What a closed-loop NetPyNE model (RL_arm) reads and changes while it runs: the cells'
own attributes, the spikes recorded so far, the STDP mechanisms of its connections, the
run's duration set after initialize, NetPyNE's helpers (_gatherAllCellTags, pc, nhost)."""
import numpy as np
import pytest

from neuroloom import sim, specs

STDP = {'hebbwt': 0.0001, 'antiwt': -0.0001, 'wmax': 0.05, 'RLon': 1, 'RLhebbwt': 0.001,
        'RLantiwt': 0, 'tauhebb': 10, 'RLwindhebb': 50}


def loop_specs(plast=None):
    net = specs.NetParams()
    net.cellParams['HH'] = {'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
                                              'mechs': {'hh': {}}}}}
    net.popParams['in'] = {'cellModel': 'NetStim', 'numCells': 4, 'rate': 50, 'noise': 0,
                           'start': 1}
    net.popParams['out'] = {'cellType': 'HH', 'numCells': 3}
    net.synMechParams['exc'] = {'mod': 'ExpSyn', 'tau': 2.0, 'e': 0.0}
    net.connParams['in->out'] = {'preConds': {'pop': 'in'}, 'postConds': {'pop': 'out'},
                                 'weight': 0.02, 'delay': 1.0, 'synMech': 'exc'}
    if plast:
        net.connParams['in->out']['plast'] = plast
    cfg = specs.SimConfig()
    cfg.duration = 100.0
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordTraces = {'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}}
    cfg.recordCells = ['out']
    cfg.analysis = {}
    return net, cfg


def create(net, cfg):
    sim.initialize(net, cfg)
    sim.net.createPops(); sim.net.createCells(); sim.net.connectCells()
    sim.net.addStims(); sim.setupRecording()


def test_a_run_sees_its_own_spikes_and_the_cells_keep_what_the_model_sets():
    seen = []

    def loop(t):
        spkt = np.array(sim.simData['spkt'])  # this run's spikes so far, as NetPyNE's
        seen.append((t, len(spkt), bool(np.all(spkt <= t + 1e-9))))
        for cell in sim.net.cells:
            cell.visits = getattr(cell, 'visits', 0) + 1  # an attribute of the model's own

    create(*loop_specs())
    try:
        tags = sim._gatherAllCellTags()
        assert sorted(tags) == list(range(7)) and tags[5]['pop'] == 'out'
        assert sim.nhost == 1 and int(sim.pc.nhost()) == 1
        sim.runSimWithIntervalFunc(10.0, loop)
        live_spikes = len(np.array(sim.simData['spkt']))
        visits = [cell.visits for cell in sim.net.cells]
        sim.gatherData()
        gathered = len(sim.allSimData['spkt'])
    finally:
        sim.clearAll()
    assert [t for t, _, _ in seen] == pytest.approx([10.0 * k for k in range(1, 11)])
    counts = [n for _, n, _ in seen]
    assert counts == sorted(counts) and counts[0] > 0 and all(ok for _, _, ok in seen)
    assert visits == [10] * 7
    assert live_spikes == gathered > counts[0]


def test_duration_set_after_initialize_is_the_run_length():
    net, cfg = loop_specs()
    create(net, cfg)
    try:
        sim.cfg.duration = 40.0  # as RL_arm's main.py does after sim.initialize
        sim.runSim()
        sim.gatherData()
        spkt = np.array(sim.allSimData['spkt'])
        t = np.array(sim.allSimData['t'])
    finally:
        sim.clearAll()
    assert t[-1] == pytest.approx(40.0, abs=0.2) and spkt.max() < 40.0
    assert len(spkt) > 0


def test_plastic_connections_show_their_stdp_and_reward_changes_the_weight(stdp_mod):
    create(*loop_specs({'mech': 'STDP', 'params': STDP}))
    try:
        conns = [c for cell in sim.net.cells for c in cell.conns]
        assert len(conns) == 12
        assert all(c['plast'] == {'mech': 'STDP', 'params': STDP} for c in conns)
        assert all(c['hSTDP'].hname().startswith('STDP') for c in conns)
        # where NetPyNE puts it: location 0 of the synapse's section
        assert all(c['hSTDP'].get_segment().x == 0 and c['hSTDP'].get_segment().sec
                   == c['hObj'].syn().get_segment().sec for c in conns)
        assert all(c['hSTDPprecon'].weight[0] == 1 and c['hSTDPpstcon'].weight[0] == -1
                   for c in conns)

        def reward(t):
            if abs(t - 50.0) < 1e-6:
                for cell in sim.net.cells:
                    for conn in cell.conns:
                        conn['hSTDP'].reward_punish(1.0)

        sim.runSimWithIntervalFunc(10.0, reward)
        weights = [c['hObj'].weight[0] for c in conns]
    finally:
        sim.clearAll()
    # the reward turns the eligible Hebbian pairings of the last RLwindhebb ms into weight
    assert min(weights) > 0.02 + 0.0005


def test_a_new_model_leaves_no_neuron_object_of_the_walked_one():
    """Walking sim.net.cells and their conns caches views of the model (NetCons, NetStims);
    the next model must not find them in NEURON, where they would fire into its run."""
    from neuroloom.engine.neuron_env import neuron_h
    h = neuron_h()
    net, cfg = loop_specs()
    net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
    net.stimTargetParams['bkg->out'] = {'source': 'bkg', 'conds': {'pop': 'out'},
                                        'weight': 0.01, 'delay': 1, 'synMech': 'exc'}
    create(net, cfg)
    try:
        walked = [(c, s) for cell in sim.net.cells for c, s in ((cell.conns, cell.stims),)]
        assert sum(len(s) for _, s in walked) == 3 and h.List('NetStim').count() == 4 + 3
        del walked
        create(net, cfg)  # replaces the model
        assert h.List('NetStim').count() == 4 + 3
    finally:
        sim.clearAll()
    assert h.List('NetStim').count() == 0 and h.List('NetCon').count() == 0
