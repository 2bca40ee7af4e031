"""NetPyNE behaviours the examples corpus showed neuroloom lacked (issue 16), in NEURON:
a NetStim population's start and a VecStim population's spike cap (subConn, M1detailed),
saveDat's and plotTraces' file names (subConn), plotfI and calculatefI (evolCell), and an
imported section cut to one 3D point keeping its diameter (M1detailed's PT5B_full)."""
import pickle

import numpy as np
import pytest

from helpers import ROOT
from neuroloom import sim, specs
from neuroloom.sim import state

HOC = ROOT / "tests" / "data" / "cells" / "pyr_template.hoc"


def quiet_cfg(duration, **options):
    cfg = specs.SimConfig()
    cfg.duration = duration
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordTraces = {}
    for key, value in options.items():
        setattr(cfg, key, value)
    return cfg


def test_a_netstim_population_without_start_fires_from_50_ms(run_session):
    net = specs.NetParams()
    net.popParams['N'] = {'cellModel': 'NetStim', 'numCells': 3, 'rate': 100, 'noise': 0}
    rec = run_session(net, quiet_cfg(100)).recordings
    # NEURON's start (NetPyNE leaves it): 50, 60, ... 100 ms, for each cell
    assert sorted(set(rec.spike_t.tolist())) == pytest.approx(list(np.arange(50, 101, 10.0)))


def test_a_vecstim_population_fires_at_most_netpynes_number_of_spikes(run_session):
    net = specs.NetParams()
    # NetPyNE draws int((1 + 1.5 noise) duration / interval) spikes: one at 5 Hz in
    # 100 ms (a Poisson process would fire 2 or more in 9% of the cells), none at 3 Hz
    net.popParams['five'] = {'cellModel': 'VecStim', 'numCells': 300, 'rate': 5,
                             'noise': 1.0}
    net.popParams['three'] = {'cellModel': 'VecStim', 'numCells': 100, 'rate': 3,
                              'noise': 1.0}
    rec = run_session(net, quiet_cfg(100)).recordings
    counts = np.bincount(rec.spike_gid.astype(int), minlength=400)
    assert counts[:300].max() == 1 and counts[:300].sum() > 80
    assert counts[300:].sum() == 0


@pytest.fixture
def two_traces(tmp_path, monkeypatch):
    """Two cells with a dendrite, two traces, saveDat; plotTraces as NetPyNE's defaults."""
    monkeypatch.chdir(tmp_path)
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {
        'soma': {'geom': {'diam': 18, 'L': 18}, 'mechs': {'hh': {}}},
        'dend': {'geom': {'diam': 2, 'L': 100}, 'topol': {'parentSec': 'soma'}}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 3}
    net.stimSourceParams['I'] = {'type': 'IClamp', 'del': 5, 'dur': 10, 'amp': 0.3}
    net.stimTargetParams['I->P'] = {'source': 'I', 'conds': {'pop': 'P'}, 'sec': 'soma'}
    cfg = quiet_cfg(20, filename='run', saveDat=True, recordStep=0.1,
                    recordTraces={'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'},
                                  'V_dend': {'sec': 'dend', 'loc': 0.5, 'var': 'v'}})
    cfg.analysis['plotTraces'] = {'include': [0, 2], 'saveFig': True}
    try:
        sim.createSimulateAnalyze(net, cfg)
        yield state.current(), tmp_path
    finally:
        state.peek().clear()


def test_save_dat_and_plot_traces_name_files_as_netpyne(two_traces):
    session, folder = two_traces
    names = {p.name for p in session.saved}
    # NetPyNE 1.1.1: <trace>_cell_<gid>.dat (sim/save.py); a figure per cell by default,
    # <filename>_traces__gid_<gid>_.png (analysis/traces.py)
    assert {'V_soma_cell_0.dat', 'V_soma_cell_2.dat', 'V_dend_cell_0.dat',
            'V_dend_cell_2.dat', 'run_traces__gid_0_.png', 'run_traces__gid_2_.png'} == names
    rec = session.recordings
    dat = np.loadtxt(folder / 'V_dend_cell_2.dat')  # time in s, the value / 1000
    np.testing.assert_allclose(dat[:, 0], rec.t / 1000)
    np.testing.assert_allclose(dat[:, 1], rec.traces['V_dend'][2] / 1000)
    figs, _ = sim.analysis.plotTraces(include=[0, 2], oneFigPer='trace', overlay=True,
                                      saveFig='mine.png')
    assert len(figs) == 2 and len(figs[0].axes) == 1  # a figure per trace, cells together
    assert (folder / 'mine__trace_V_dend_.png').exists()
    assert (folder / 'mine__trace_V_soma_.png').exists()
    fig, _ = sim.analysis.plotTraces(include=[2], saveFig=True)
    assert len(fig.axes) == 2  # one cell: one figure, a panel per trace
    assert (folder / 'run_traces.png').exists()


def fi_net():
    """A HH soma given 0.1, 0.2 and 0.3 nA steps of 200 ms, 300 ms apart."""
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 18, 'L': 18},
                                             'mechs': {'hh': {}}}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 1}
    for i, amp in enumerate((0.1, 0.2, 0.3)):
        net.stimSourceParams[f'I{i}'] = {'type': 'IClamp', 'del': 100 + 300 * i, 'dur': 200,
                                         'amp': amp}
        net.stimTargetParams[f'I{i}->P'] = {'source': f'I{i}', 'conds': {'pop': 'P'}}
    return net


def test_plotfi_measures_saves_and_draws_the_fi_curve(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = quiet_cfg(800, filename='fi', savePickle=True, recordCells=[0],
                    recordTraces={'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}})
    cfg.analysis['plotfI'] = {'amps': [0.1, 0.2, 0.3], 'times': [100, 400, 700],
                              'dur': 200, 'calculateOnset': True,
                              'calculateFeatures': ['latencyPeak1', 'ampSpike1'],
                              'targetRates': [10, 20, 30], 'saveFig': True}
    try:
        sim.createSimulateAnalyze(fi_net(), cfg)
        spikes = np.asarray(sim.allSimData['spkt'])
        expected = [np.count_nonzero((spikes >= t) & (spikes < t + 200)) / 0.2
                    for t in (100, 400, 700)]
        assert sim.allSimData['fI'] == pytest.approx(expected)
        assert min(expected) > 0  # every step makes the cell fire
        first = spikes[(spikes >= 400) & (spikes < 600)][:2]
        assert sim.allSimData['fI_onset'][1] == pytest.approx(1000 / (first[1] - first[0]))
        assert 0 < sim.allSimData['fI_latencyPeak1'][1] < first[0] - 400 + 1
        assert sim.allSimData['fI_ampSpike1'][1] > 80  # a spike's height above rest
        with open(tmp_path / 'fi_data.pkl', 'rb') as f:  # saved with the run, as NetPyNE
            assert pickle.load(f)['simData']['fI'] == pytest.approx(expected)
        names = {p.name for p in state.current().saved}
        assert {'fi_fI.png', 'fi_fI_latencyPeak1.png', 'fi_fI_ampSpike1.png'} <= names
        figs, data = sim.analysis.plotfI(amps=[0.1, 0.2, 0.3], times=[100, 400, 700],
                                         dur=200, durSteady=50)
        assert data == {'fI_steady': pytest.approx(
            [np.count_nonzero((spikes >= t + 150) & (spikes < t + 200)) / 0.05
             for t in (100, 400, 700)])}  # NetPyNE draws fI only without fI_steady
        assert sim.analysis.calculatefI()['fI'] == pytest.approx(expected)
    finally:
        state.peek().clear()


def test_an_imported_section_cut_to_one_point_keeps_its_diameter(run_session):
    net = specs.NetParams()
    rule = net.importCellParams('C', str(HOC), 'PyrTemplate')
    geom = rule['secs']['dend_0']['geom']
    # NetPyNE's import: L and diam (NEURON's, at the middle) beside the 3D points
    assert geom['L'] == pytest.approx(200) and geom['diam'] == pytest.approx(1.95)
    geom['pt3d'] = geom['pt3d'][:1]  # as M1detailed does to PT5B_full's axon
    net.popParams['P'] = {'cellType': 'C', 'numCells': 1}
    session = run_session(net, quiet_cfg(1), simulate=False)
    dend = session.model.cells[0].secs['dend_0']
    assert dend.L == pytest.approx(1e-9) and dend(0.5).diam == pytest.approx(1.95)
