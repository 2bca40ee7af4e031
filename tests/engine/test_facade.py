"""The tutorial's module-level `sim` API over the current Session."""
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import SpecError


@pytest.fixture
def tut2_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.savePickle = True
    sim.createSimulateAnalyze(netParams=net, simConfig=cfg)
    yield net, cfg, tmp_path
    from neuroloom.sim import state
    state.peek().clear()
    assert list(neuron_h().allsec()) == []


def test_tutorial_data_model(tut2_run):
    net, cfg, folder = tut2_run
    assert sim.cfg is cfg and sim.net.params is net
    cells = sim.net.cells
    assert [c.gid for c in cells] == list(range(40))
    tags = cells[25].tags
    assert tags["pop"] == "M" and tags["cellType"] == "PYR" and tags["cellModel"] == "HH"
    assert 0 <= tags["y"] <= 100 and tags["ynorm"] == pytest.approx(tags["y"] / 100)
    assert sim.net.pops["M"].cellGids == list(range(20, 40))
    assert sim.net.pops["S"].tags["numCells"] == 20
    soma = cells[25].secs["soma"]
    assert soma["hObj"].L == pytest.approx(18.8) and soma["geom"]["Ra"] == 123.0
    assert soma["mechs"]["hh"]["gnabar"] == 0.12
    conns = cells[25].conns  # its connections, then its NetStim's synapse, as NetPyNE
    assert conns[-1]["preGid"] == "NetStim" and conns[-1]["preLabel"] == "bkg"
    assert all(c["preGid"] < 20 and c["label"] == "S->M" for c in conns[:-1])
    assert cells[25].stims[0]["source"] == "bkg" and cells[25].stims[0]["weight"] == 0.01
    data = sim.allSimData
    assert len(data["spkt"]) == len(data["spkid"]) > 500
    assert set(data["V_soma"]) == {"cell_1"} and len(data["V_soma"]["cell_1"]) == 10001
    for suffix in ("_data.json", "_data.pkl", "_spikes.h5", "_raster.png", "_traces.png",
                   "_plot_2Dnet.png"):
        assert (folder / f"tut2{suffix}").exists()


def test_pickle_holds_the_same_data(tut2_run):
    import json
    import pickle
    folder = tut2_run[2]
    from_json = json.loads((folder / "tut2_data.json").read_text())
    from_pickle = pickle.loads((folder / "tut2_data.pkl").read_bytes())
    assert from_json == from_pickle


def test_direct_plot_calls_return_figure_and_data(tut2_run):
    fig, data = sim.analysis.plotRaster(include=["M"], timeRange=[100, 600])
    assert set(np.unique(data["spkGids"])) <= set(range(20, 40))
    assert data["spkTimes"].min() >= 100 and data["spkTimes"].max() <= 600
    assert list(data["popRates"]) == ["M"]
    assert fig.axes[0].get_title() == "Raster plot"
    fig, data = sim.analysis.plotTraces(include=[1])
    assert list(data["tracesData"]["V_soma"]) == ["cell_1"]
    fig, data = sim.analysis.plot2Dnet(include=[("S", [0, 1]), ("M", 0)])
    assert len(data["posX"]) == 3
    with pytest.raises(SpecError, match=r"analysis\['plotRaster'\]\.orderBi: unknown key "
                                        r"'orderBi'; did you mean 'orderBy'\?"):
        sim.analysis.plotRaster(orderBi="y")


def test_raster_ordering_and_saved_name(tut2_run):
    folder = tut2_run[2]
    _, by_gid = sim.analysis.plotRaster()
    _, by_y = sim.analysis.plotRaster(orderBy="y", saveFig="custom.png")
    assert (folder / "custom.png").stat().st_size > 1000
    y = np.array([c.tags["y"] for c in sim.net.cells])
    order = np.argsort(y, kind="stable")
    expected_row = np.empty(40, int)
    expected_row[order] = np.arange(40)
    assert np.array_equal(by_y["spkInds"], expected_row[by_y["spkGids"]])
    assert np.array_equal(by_gid["spkInds"], by_gid["spkGids"])


def test_plotting_before_running_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    sim.create(net, cfg)
    try:
        with pytest.raises(SpecError, match="there are no results yet"):
            sim.analysis.plotRaster()
        fig, data = sim.analysis.plot2Dnet()  # the structure needs no run
        assert len(data["posX"]) == 40
    finally:
        from neuroloom.sim import state
        state.peek().clear()


def test_a_near_miss_option_is_warned_about_once_per_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.duration, cfg.analysis = 20, {}
    cfg.hparams = {"celsius": 30}  # CA3model_3pops' typo: NetPyNE's user variable
    with pytest.warns(UserWarning) as caught:
        sim.createSimulateAnalyze(netParams=net, simConfig=cfg)
        sim.saveData()
    from neuroloom.sim import state
    state.peek().clear()
    near_misses = [w for w in caught if "'hparams' is not an option" in str(w.message)]
    assert len(near_misses) == 1
    assert (tmp_path / "tut2_data.json").exists()


def test_clear_all_releases_neuron_and_forgets_the_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.duration, cfg.analysis, cfg.saveJson = 20, {}, False
    sim.createSimulate(netParams=net, simConfig=cfg)
    assert len(list(neuron_h().allsec())) == 40
    sim.clearAll()
    assert list(neuron_h().allsec()) == []
    with pytest.raises(RuntimeError, match="no model yet"):
        sim.net.cells


def test_before_any_model_sim_cfg_is_a_missing_attribute():
    sim.clearAll()
    assert getattr(sim, "cfg", None) is None and not hasattr(sim, "net")
