"""Tutorial 6: each stimulus acts on exactly its targets."""
import numpy as np
import pytest

from helpers import tutorial_specs


@pytest.fixture
def tut6(run_session):
    net, cfg = tutorial_specs("tut6")
    cfg.recordCells = ['all']
    cfg.analysis = {}
    cfg.saveJson = cfg.saveSpikesSonata = False
    return run_session(net, cfg)


def spikes_of(session, gid, start=0, stop=np.inf):
    r = session.recordings
    t = r.spike_t[r.spike_gid == gid]
    return t[(t >= start) & (t < stop)]


def test_iclamp_reaches_the_first_15_s_cells_only_while_on(tut6):
    s = tut6
    ynorm = s.network.cells.ynorm
    for gid in range(20):
        during = spikes_of(s, gid, 300, 400)
        assert (len(during) > 0) == (gid < 15), gid
        if ynorm[gid] < 0.6:  # no NetStim on these: nothing else between 250 and 1000 ms
            assert len(spikes_of(s, gid, 250, 1000)) == len(during)
    clamps = [o for o in s.model.stimuli.sources if o.hname().startswith("IClamp")]
    assert len(clamps) == 15
    assert all(o.dur == 100 and o.delay == 300 and 0.4 <= o.amp <= 0.5 for o in clamps)
    assert len({o.amp for o in clamps}) == 15  # drawn per target


def test_vclamp_holds_its_targets_at_the_commanded_voltages(tut6):
    s = tut6
    v = s.sim_data['V_soma']
    t = s.sim_data['t']
    targets = [g for g in range(20) if s.network.cells.ynorm[g] < 0.5]
    others = [g for g in range(20) if s.network.cells.ynorm[g] >= 0.5]
    assert targets and others
    at = {time: int(np.searchsorted(t, time)) for time in (25, 150, 240, 260)}
    for gid in targets:
        trace = v[f'cell_{gid}']
        assert trace[at[25]] == pytest.approx(-30, abs=1)
        assert trace[at[150]] == pytest.approx(40, abs=1)
        assert trace[at[240]] == pytest.approx(40, abs=1)
    for gid in others:
        assert v[f'cell_{gid}'][at[150]] == pytest.approx(-70, abs=3)  # at rest


def test_alpha_synapse_strength_follows_depth(tut6):
    s = tut6
    targets = [20 + i for i in (2, 4, 5, 8, 10, 15, 19)]
    synapses = [o for o in s.model.stimuli.sources if o.hname().startswith("AlphaSynapse")]
    assert len(synapses) == 7
    ynorm = s.network.cells.ynorm
    assert np.allclose(sorted(o.gmax for o in synapses), sorted(ynorm[targets]))
    for gid, syn in zip(targets, synapses):
        assert 300 <= syn.onset <= 600
        if syn.gmax > 0.05:  # a strong conductance to 0 mV fires the cell at its onset
            assert len(spikes_of(s, gid, syn.onset, syn.onset + 20)) >= 1
    for gid in range(20, 40):
        if gid not in targets:
            assert len(spikes_of(s, gid, 0, 600)) == 0


def test_netstim_starts_at_600_ms_on_its_deep_targets(tut6):
    s = tut6
    ynorm = s.network.cells.ynorm
    deep = [g for g in range(40) if ynorm[g] >= 0.6]
    driven = [g for g in deep if len(spikes_of(s, g, 600, 1000))]
    assert len(driven) >= len(deep) // 2
    for gid in range(40):
        if ynorm[gid] < 0.6:
            assert len(spikes_of(s, gid, 600, 1000)) == 0
    netcons = s.model.stimuli.netcons
    assert len(netcons) == len(deep) and all(nc.delay == 1 for nc in netcons)
    # '0.1+normal(0.2,0.05)': NEURON's normal(mean, variance), one draw per target
    rows = s.network.stims.rule == 3
    assert np.allclose([nc.weight[0] for nc in netcons], s.network.stims.weight[rows])
    assert len(set(s.network.stims.weight[rows])) == len(deep)


def test_spike_source_with_several_synapses_per_target(run_session):
    net, cfg = tutorial_specs("tut3")
    net.stimTargetParams['bkg->PYR'].update(synsPerConn=3, sec='dend')
    net.stimSourceParams['train'] = {'type': 'VecStim', 'spkTimes': [5, 10],
                                     'pulses': [{'start': 50, 'end': 80, 'interval': 10,
                                                 'noise': 0.5}]}
    net.stimTargetParams['train->S'] = {'source': 'train', 'conds': {'pop': 'S'},
                                        'weight': 0.02, 'delay': 2}
    cfg.analysis = {}
    cfg.saveJson = cfg.saveSpikesSonata = False
    s = run_session(net, cfg)
    stims = s.network.stims
    bkg = stims.rule == 0
    assert np.count_nonzero(bkg) == 40 * 3
    assert np.allclose(stims.loc[bkg][:3], [1 / 6, 1 / 2, 5 / 6])  # spread along dend
    netstims = [o for o in s.model.stimuli.sources if o.hname().startswith("NetStim")]
    # one NetStim per synapse, as NetPyNE makes them (seeded alike: the same train per cell)
    assert len(netstims) == 40 * 3
    assert len(s.model.stimuli.netcons) == 40 * 3 + 20
    trains = [s.network.stim_trains.times_of(i) for i in range(len(s.network.stim_trains))]
    assert len(trains) == 20 and all(t[0] == 5 and t[1] == 10 for t in trains)
    assert all(50 <= t[2] and t[-1] <= 80 for t in trains)
    assert len({tuple(t) for t in trains}) > 1  # the pulses' noise is drawn per target
