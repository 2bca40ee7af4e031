"""printPopAvgRates windows give allSimData['popRates'] as NetPyNE's popAvgRates does."""
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.sim import state


def rate(data, gids, start, stop):
    t, g = np.asarray(data["spkt"]), np.asarray(data["spkid"])
    hits = np.isin(g, gids) & (t >= start) & (t <= stop)
    return hits.sum() / len(gids) / ((stop - start) / 1000)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def go(windows):
        net, cfg = tutorial_specs("tut2")
        cfg.duration, cfg.analysis, cfg.saveJson = 200, {}, False
        cfg.printPopAvgRates = windows
        sim.createSimulateAnalyze(netParams=net, simConfig=cfg)
        data, pops = sim.allSimData, {p: sim.net.pops[p].cellGids for p in ("S", "M")}
        state.peek().clear()
        return data, pops
    return go


def test_one_window(run):
    data, pops = run([50, 150])
    assert set(data["popRates"]) == {"S", "M"}
    for pop, gids in pops.items():
        assert data["popRates"][pop] == pytest.approx(rate(data, gids, 50, 150))
    assert data["popRates"]["S"] != pytest.approx(rate(data, pops["S"], 0, 200))


def test_several_windows(run):
    data, pops = run([[0, 100], [100, 200]])
    for pop, gids in pops.items():
        assert data["popRates"][pop] == {
            "0_100": pytest.approx(rate(data, gids, 0, 100)),
            "100_200": pytest.approx(rate(data, gids, 100, 200))}
