"""Every plot runs headless from simConfig.analysis and directly, writes a non-empty image
named as NetPyNE names it, and returns data that agree with the recordings and tables."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.analysis import raster_sync
from neuroloom.errors import SpecError
from neuroloom.sim import state

ALL_PLOTS = {
    "plotRaster": ("_raster.png", {"syncLines": True, "spikeHist": True}),
    "plotSpikeHist": ("_histogram.png", {}),
    "plotRatePSD": ("_plot_spikePSD.png", {"include": ["osc"], "maxFreq": 60}),
    "plotSpikeStats": ("_spikeStats.png", {}),
    "plotTraces": ("_traces.png", {"include": [1, 25], "oneFigPer": "trace"}),
    "plot2Dnet": ("_plot_2Dnet.png", {}),
    "plotConn": ("_plot_conn_pop_numConns_matrix.png", {"feature": "numConns"}),
    "plotShape": ("_shape.png", {"include": [("M", 0)], "cvar": "numSyns"}),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Tutorial 3 (cells with dendrites) plus 10 NetStims firing together at 40 Hz, with
    every plot in simConfig.analysis."""
    folder = tmp_path_factory.mktemp("plots")
    net, cfg = tutorial_specs("tut3")
    net.popParams["osc"] = {"cellModel": "NetStim", "numCells": 10, "rate": 40, "noise": 0,
                            "start": 0, "number": 1000}
    cfg.saveFolder = str(folder)
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.printPopAvgRates = True
    cfg.analysis = {name: {**options, "saveFig": True}
                    for name, (_, options) in ALL_PLOTS.items()}
    sim.createSimulateAnalyze(net, cfg)
    yield state.current(), folder
    state.peek().clear()


def test_plots_run_headless_and_are_saved_with_netpyne_names(run):
    session, folder = run
    # figures are drawn without pyplot: no GUI, none left open in pyplot's registry
    assert plt.get_fignums() == []
    for name, (suffix, _) in ALL_PLOTS.items():
        path = folder / f"tut3{suffix}"
        assert path.stat().st_size > 5000, name
        assert path in session.saved


def test_raster_data(run):
    data = sim.allSimData
    fig, raster = sim.analysis.plotRaster(syncLines=True, spikeHist=True)
    assert len(raster["spkTimes"]) == len(data["spkt"])
    assert sorted(zip(raster["spkTimes"], raster["spkGids"])) == \
        sorted(zip(data["spkt"], data["spkid"]))
    assert raster["syncMeasure"] == raster_sync(data["spkt"], 1000.0)
    assert raster["histCounts"].sum() == len(data["spkt"])
    assert raster["popRates"]["osc"] == pytest.approx(40, abs=1)
    assert fig.axes[0].get_title().endswith(f"(sync = {raster['syncMeasure']:.2f})")


def test_raster_ordering_and_window(run):
    network = run[0].network
    _, by_y = sim.analysis.plotRaster(include=["S"], orderBy="y", timeRange=[200, 400])
    rows = by_y["spkInds"]
    y = network.cells.y[by_y["spkGids"]]
    assert np.all(np.diff(y[np.argsort(rows, kind="stable")]) >= 0)  # row order follows y
    assert by_y["spkTimes"].min() >= 200 and by_y["spkTimes"].max() <= 400
    fig, _ = sim.analysis.plotRaster(orderInverse=True)
    assert fig.axes[0].yaxis_inverted()


def test_spike_hist_counts_every_spike_of_each_population(run):
    session = run[0]
    _, data = sim.analysis.plotSpikeHist(binSize=10)
    pops = session.network.cells.pop[np.asarray(sim.allSimData["spkid"], dtype=int)]
    for code, pop in enumerate(session.network.pops):
        assert data["counts"][pop.label].sum() == np.count_nonzero(pops == code)
    assert np.diff(data["bins"])[0] == 10


def test_rate_psd_peaks_at_the_input_frequency(run):
    _, data = sim.analysis.plotRatePSD(include=["osc"], maxFreq=60)
    assert list(data["peakFreq"]) == ["osc"]
    assert data["peakFreq"]["osc"] == pytest.approx(40, abs=4)  # 3.9 Hz resolution


def test_spike_stats(run):
    _, data = sim.analysis.plotSpikeStats(include=["osc", "M"])
    assert data["rate"]["osc"] == pytest.approx([40] * 10, abs=1)
    assert data["isicv"]["osc"] == pytest.approx([0] * 10, abs=1e-6)  # perfectly regular
    assert data["sync"]["osc"] == pytest.approx(1.0)  # the same spikes in every cell
    assert 0 < data["sync"]["M"] < 1


def test_traces_overlay_and_one_figure_per_cell(run):
    rec = run[0].recordings
    fig, data = sim.analysis.plotTraces(include=[1, 25], timeRange=[100, 200])
    window = (rec.t >= 100) & (rec.t <= 200)
    np.testing.assert_array_equal(data["tracesData"]["V_soma"]["cell_25"],
                                  rec.traces["V_soma"][25][window])
    figs, _ = sim.analysis.plotTraces(include=[1, 25], oneFigPer="cell")
    assert isinstance(figs, list) and len(figs) == 2


def test_2dnet_and_conn_matrix(run):
    network = run[0].network
    _, net2d = sim.analysis.plot2Dnet()
    assert len(net2d["posX"]) == network.num_cells
    np.testing.assert_array_equal(net2d["posY"], network.cells.y)
    spiking = np.count_nonzero(network.conns.pre_gid >= 0)
    assert len(net2d["connSegments"]) == spiking
    _, conn = sim.analysis.plotConn(feature="numConns")
    labels = [p.label for p in network.pops]
    assert conn["includePre"] == labels == conn["includePost"]
    pre = network.cells.pop[network.conns.pre_gid]
    post = network.cells.pop[network.conns.post_gid]
    counts = np.zeros((len(labels), len(labels)))
    np.add.at(counts, (pre, post), 1)
    np.testing.assert_array_equal(conn["connMatrix"], counts)


def test_shape_coloured_by_synapse_count(run):
    network = run[0].network
    gid = sim.net.pops["M"].cellGids[0]
    _, data = sim.analysis.plotShape(include=[gid], cvar="numSyns")
    assert set(data["sections"]) == {f"cell_{gid}.soma", f"cell_{gid}.dend"}
    onto = np.count_nonzero(network.conns.post_gid == gid)
    assert data["values"][f"cell_{gid}.dend"] == onto > 0  # tutorial 3 connects onto dend
    assert data["values"][f"cell_{gid}.soma"] == 0


def test_pop_avg_rates_printed_and_stored(run, capsys):
    session = run[0]
    rates = sim.allSimData["popRates"]
    gids = np.asarray(sim.allSimData["spkid"], dtype=int)
    for pop in session.network.pops:
        members = np.isin(gids, pop.gids)
        assert rates[pop.label] == pytest.approx(np.count_nonzero(members) / pop.size)
    assert sim.analysis.popAvgRates() == rates
    printed = capsys.readouterr().out
    for label, rate in rates.items():
        assert f"population '{label}': {rate:.2f} Hz" in printed
    assert rates["osc"] == 41  # 0, 25, ..., 1000 ms


def test_plot_option_errors(run):
    with pytest.raises(SpecError, match=r"analysis\['plotRaster'\].*'orderBy'"):
        sim.analysis.plotRaster(oderBy="y")
    with pytest.raises(SpecError, match=r"analysis\['plotConn'\].feature.*'strength'"):
        sim.analysis.plotConn(feature="strenght")
