"""plotTraces whose include names populations the network lacks (NetPyNE's
intervalSaveWeights example asks for ('IT5A', 0) and ('PT5B', 0) of a network whose
populations are IT_L5A...): validation warns, NetPyNE draws nothing and saves an empty
figure, and so does neuroloom (it used to stop sim.analyze with an IndexError)."""
import pytest

from neuroloom import sim, specs
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.sim import state


def test_traces_of_absent_populations_save_an_empty_figure(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 18, 'L': 18},
                                             'mechs': {'hh': {}}}}}
    net.popParams['IT_L5A'] = {'cellType': 'C', 'numCells': 2}
    cfg = specs.SimConfig()
    cfg.duration, cfg.filename = 20, 'run'
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordTraces = {'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}}
    cfg.analysis['plotTraces'] = {'include': [('IT5A', 0), ('PT5B', 0)], 'oneFigPer': 'cell',
                                  'saveFig': True, 'showFig': False}
    try:
        with pytest.warns(UserWarning) as warned:
            sim.createSimulateAnalyze(net, cfg)
        assert any("no population 'IT5A' (did you mean 'IT_L5A'" in str(w.message)
                   for w in warned)
        assert (tmp_path / 'run_traces.png').stat().st_size > 0
        with pytest.warns(UserWarning, match=r"no population 'PT5B'"):
            figure, data = sim.analysis.plotTraces(include=[('PT5B', 0)])
        assert len(figure.axes) == 1 and not figure.axes[0].lines
        assert data['tracesData'] == {}
    finally:
        if state.peek() is not None:
            state.peek().clear()
    assert list(neuron_h().allsec()) == []
