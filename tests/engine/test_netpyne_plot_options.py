"""NetPyNE's plot options on a run (tutorial 3 with two dendritic populations): the ones
that change a figure or a file do (axis limits, titles, colours, markers, saved data,
numbered files, dpi, ...), showFig and the 3D camera are accepted, options not drawn yet
warn, and NetPyNE 1.1.1's one-figure LFP functions draw plotLFP's figures."""
import json
import os
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from PIL import Image

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.errors import SpecError
from neuroloom.results.simdata import Recordings
from neuroloom.sim import state
from neuroloom.sim.session import Session
from neuroloom.specs.dicts import Dict


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plot_options")
    net, cfg = tutorial_specs("tut3")
    cfg.duration = 300
    cfg.saveFolder = str(folder)
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordLFP = [[50, 100, 50], [50, 300, 50]]  # for plotShape's showElectrodes
    cfg.analysis = {
        "plotTraces": {"include": [0, 25], "ylim": [-90, 60], "saveFig": True,
                       "showFig": True, "saveData": True, "title": "pop",
                       "oneFigPer": "cell"},
        "plotRaster": {"saveData": "raster_data.json", "saveFig": True, "showFig": True,
                       "popColors": {"S": "black", "IT2": "red"}, "marker": "|",
                       "lw": 2, "labels": "overlay", "spikeHist": "subplot"},
        "plotConn": {"saveFig": 1, "showFig": 0, "synOrConn": "conn", "clim": [0, 1],
                     "saveData": str(folder / "conn.pkl")},
    }
    here = os.getcwd()
    os.chdir(folder)  # a file name without a folder is saved where the script runs
    try:
        sim.createSimulateAnalyze(net, cfg)
    finally:
        os.chdir(here)
    session = state.current()
    yield session, folder
    session.clear()


def test_simconfig_analysis_options_change_the_files(run):
    session, folder = run
    names = {Path(p).name for p in session.saved}
    assert {"tut3_traces__gid_0_.png", "tut3_traces__gid_25_.png", "tut3_traces.pkl",
            "tut3_raster.png", "raster_data.json", "conn.pkl",
            "tut3_plot_conn_pop_strength_matrix.png"} <= names
    # saveData=True: <filename>_traces.pkl with the traces drawn, as NetPyNE names it
    with open(folder / "tut3_traces.pkl", "rb") as f:
        traces = pickle.load(f)
    rec = session.recordings
    np.testing.assert_array_equal(traces["tracesData"]["V_soma"]["cell_25"],
                                  rec.traces["V_soma"][25])
    # saveData='raster_data.json': that file, every spike of the run
    raster = json.loads((folder / "raster_data.json").read_text())
    assert sorted(raster["spkTimes"]) == sorted(rec.spike_t.tolist())
    with open(folder / "conn.pkl", "rb") as f:
        assert pickle.load(f)["connMatrix"][0][1] > 0  # S -> M


def test_axis_limits_titles_labels_and_legend(run):
    figs, _ = sim.analysis.plotTraces(include=[0, 25], oneFigPer="cell", ylim=[-90, 60],
                                      title="pop", xlim=[50, 150])
    for fig, pop in zip(figs, ["S", "M"]):
        for ax in fig.axes:
            assert ax.get_ylim() == (-90, 60) and ax.get_xlim() == (50, 150)
        assert fig.texts[0].get_text() == pop  # NetPyNE: the cell's tag as the title
    fig, _ = sim.analysis.plotRaster(title="Spikes", xlabel="t (ms)", ylabel="cell",
                                     legend=False, fontSize=7)
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Spikes", "t (ms)", "cell")
    assert ax.get_legend() is None and ax.xaxis.label.get_fontsize() == 7
    fig, _ = sim.analysis.plotRaster(legendKwargs={"loc": "lower left", "title": "pops"})
    assert fig.axes[0].get_legend().get_title().get_text() == "pops"
    with pytest.raises(SpecError, match=r"analysis\['plotRaster'\]: .*rcParam 'nope'"):
        sim.analysis.plotRaster(rcParams={"nope": 1})
    fig, _ = sim.analysis.plotRaster(rcParams={"axes.facecolor": "yellow"})
    assert fig.axes[0].get_facecolor() == to_rgba("yellow")


def test_raster_options(run):
    rec = run[0].recordings
    fig, data = sim.analysis.plotRaster(popColors={"M": "green"}, colorList=["red"],
                                        marker="|", lw=2, labels="overlay",
                                        spikeHist="subplot", maxSpikes=10)
    ax, hist = fig.axes
    colours = {c.get_label().split()[0]: c.get_facecolor()[0] for c in ax.collections}
    assert np.allclose(colours["M"], to_rgba("green"))
    assert np.allclose(colours["S"], to_rgba("red"))
    assert ax.get_legend() is None and {t.get_text().split()[0] for t in ax.texts} == \
        {"S", "M"}
    assert hist.get_ylabel().startswith("Spikes per")  # the histogram below the raster
    assert len(data["spkTimes"]) == 10
    assert np.all(data["spkTimes"] <= np.sort(rec.spike_t)[9])
    _, data = sim.analysis.plotRaster(popRates="minimal")
    assert len(data["spkTimes"]) == len(rec.spike_t)


def test_spike_hist_conn_and_2dnet_options(run):
    session = run[0]
    rec = session.recordings
    _, counts = sim.analysis.plotSpikeHist(binSize=50)
    _, rates = sim.analysis.plotSpikeHist(binSize=50, measure="rate", graphType="bar")
    for pop in ("S", "M"):
        np.testing.assert_allclose(rates["values"][pop],
                                   counts["counts"][pop] / 20 / 0.05)  # 20 cells, 50 ms
    _, normed = sim.analysis.plotSpikeHist(binSize=50, norm=True, cumulative=True)
    assert normed["values"]["S"][-1] == 1.0
    assert np.all(np.diff(normed["values"]["S"]) >= 0)
    assert counts["counts"]["S"].sum() + counts["counts"]["M"].sum() == len(rec.spike_t)
    fig, _ = sim.analysis.plotConn(clim=[0, 0.5])
    image = fig.axes[0].images[0]
    assert image.get_clim() == (0, 0.5)
    fig, _ = sim.analysis.plotConn(logPlot=True, feature="numConns")
    assert type(fig.axes[0].images[0].norm).__name__ == "LogNorm"
    fig, _ = sim.analysis.plot2Dnet(popColors={"S": "black"}, lineWidth=2)
    dots = {c.get_label(): c for c in fig.axes[0].collections if c.get_label() in "SM"}
    assert np.allclose(dots["S"].get_facecolor()[0], to_rgba("black"))
    lines = [c for c in fig.axes[0].collections if c.get_label() not in ("S", "M")]
    assert lines[0].get_linewidths()[0] == 2


def test_shape_options_as_the_subconn_examples_give_them(run):
    network = run[0].network
    gid = int(network.pops[1].gids[0])  # in M, which S connects onto
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dist is accepted without a warning
        fig, data = sim.analysis.plotShape(includePre=["S"], includePost=[gid],
                                           cvar="numSyns", dist=0.7, showSyns=True,
                                           showElectrodes=True, clim=[0, 20],
                                           bkgColor="lightgrey", axisLabels=False)
    onto = np.count_nonzero(network.conns.post_gid == gid)
    assert data["values"][f"cell_{gid}.dend"] == onto > 0
    assert set(data["sections"]) == {f"cell_{gid}.soma", f"cell_{gid}.dend"}
    assert len(data["synapses"]) == onto
    np.testing.assert_allclose(data["electrodes"], [[50, -100, 50], [50, -300, 50]])
    ax = fig.axes[0]
    assert ax.get_facecolor() == to_rgba("lightgrey") and ax.get_xlabel() == ""
    _, only_m = sim.analysis.plotShape(includePre=["M"], includePost=[gid], cvar="numSyns")
    assert only_m["values"][f"cell_{gid}.dend"] == 0  # no M -> M connections


def test_saving_dpi_numbered_files_and_netpynes_data_naming(run, tmp_path):
    session = run[0]
    path = tmp_path / "figure.png"
    sim.analysis.plotRaster(saveFig=str(path), dpi=50, figSize=(4, 2))
    assert Image.open(path).size == (200, 100)
    sim.analysis.plotRaster(saveFig=str(path), overwrite=False)
    sim.analysis.plotRaster(saveFig=str(path), overwrite=False)
    assert (tmp_path / "figure_01.png").exists() and (tmp_path / "figure_02.png").exists()
    sim.analysis.plotRaster(saveData=True, fileName=str(tmp_path / "run"),
                            fileDesc="raster_data", fileType="json")
    saved = json.loads((tmp_path / "run_raster_data.json").read_text())
    assert len(saved["spkTimes"]) == len(session.recordings.spike_t)


def test_options_not_drawn_yet_warn(run):
    with pytest.warns(UserWarning, match=r"analysis\['plotRaster'\]\.colorbyPhase: not "
                                         r"drawn yet \(spikes coloured by the phase"):
        fig, _ = sim.analysis.plotRaster(colorbyPhase={"signal": "LFP", "electrode": 1})
    assert fig.axes  # drawn without it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.analysis.plotRaster(colorbyPhase=None, showFig=True, returnPlotter=False)


T = np.arange(0.0, 1000.0, 0.1)


@pytest.fixture
def lfp_session(tmp_path):
    """Tutorial 3 (no run) with a recorded-looking LFP of two electrodes."""
    net, cfg = tutorial_specs("tut3")
    cfg.saveFolder = str(tmp_path)
    cfg.filename = "lfp"
    s = Session(net, cfg, echo=None)
    s.initialize()
    s.create_pops()
    lfp = np.column_stack([np.sin(2 * np.pi * 20 * T / 1000), np.cos(2 * np.pi * 40 * T /
                                                                     1000)]) * 0.01
    s.recordings = Recordings(spike_t=np.empty(0), spike_gid=np.empty(0, np.int64), t=T,
                              duration=1000.0)
    s.sim_data = Dict(t=T, LFP=lfp)
    cfg.recordLFP = [[50, 100, 50], [50, 300, 50]]
    state.replace(s)  # (the module's run, cleared, is not drawn from after this)
    yield s, tmp_path
    state.replace(None)


def test_netpynes_one_figure_lfp_functions(lfp_session):
    session, folder = lfp_session
    fig, data = sim.analysis.plotLFPTimeSeries(saveFig=True, showFig=True,
                                               colorList=["k", "r", "b"], saveData=True)
    lines = [line for line in fig.axes[0].get_lines() if line.get_gid() != "scalebar"]
    assert len(lines) == 3  # the average and both electrodes
    assert (folder / "lfp_LFPTimeSeries.png").stat().st_size > 5000
    assert (folder / "lfp_LFPTimeSeries.pkl").exists()
    psd, data = sim.analysis.plotLFPPSD(electrodes=[0, 1], maxFreq=60)
    assert data["peakFreqs"] == [20, 40]
    spectrogram, _ = sim.analysis.plotLFPSpectrogram(electrodes=[1])
    locations, _ = sim.analysis.plotLFPLocations()
    assert len(psd.axes) == 2 and spectrogram.axes and locations.axes
    with pytest.raises(SpecError, match=r"analysis\['plotLFPPSD'\]\.plots: unknown key"):
        sim.analysis.plotLFPPSD(plots=["PSD"])
