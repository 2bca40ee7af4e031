"""plotLFP and plotCSD on a synthetic LFP (no NEURON): every plot type draws the expected
axes and artists, saves NetPyNE's file names, runs from simConfig.analysis, and option
typos or a run without LFP give clear errors."""
import pickle

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection, QuadMesh
from matplotlib.image import AxesImage

from helpers import tutorial_specs
from neuroloom import plotting, sim, specs
from neuroloom.analysis.lfp import SIGMA
from neuroloom.errors import SpecError
from neuroloom.results.simdata import Recordings
from neuroloom.sim import state
from neuroloom.sim.session import Session
from neuroloom.specs.dicts import Dict

T = np.arange(0.0, 1000.0, 0.1)  # ms, recordStep 0.1
DEPTHS = np.arange(100.0, 1100.0, 100.0)  # 10 electrodes, one column
ELECTRODES = [[50.0, y, 0.0] for y in DEPTHS]
FREQS = np.linspace(10, 55, len(DEPTHS))  # electrode i oscillates at FREQS[i]


def synthetic_lfp():
    """Electrode i: a sinusoid at FREQS[i] plus a cubic depth profile over time."""
    z = DEPTHS / 1000.0
    waves = 0.01 * np.sin(2 * np.pi * FREQS[None, :] * T[:, None] / 1000.0)
    return waves + 0.001 * np.sin(2 * np.pi * 3 * T / 1000.0)[:, None] * z[None, :] ** 3


@pytest.fixture
def session(tmp_path):
    """Tutorial 3's network (no NEURON) with a recorded-looking synthetic LFP."""
    net, cfg = tutorial_specs("tut3")
    cfg.saveFolder = str(tmp_path)
    cfg.filename = "lfp"
    cfg.analysis = {"plotLFP": {"plots": ["timeSeries", "PSD"], "saveFig": True},
                    "plotCSD": {"saveFig": True}}
    s = Session(net, cfg, echo=None)
    s.initialize()
    s.create_pops()
    lfp = synthetic_lfp()
    s.recordings = Recordings(spike_t=np.empty(0), spike_gid=np.empty(0, np.int64), t=T,
                              duration=1000.0)
    s.sim_data = Dict(t=T, LFP=lfp, LFPPops={"S": lfp * 0.5})
    cfg.recordLFP = ELECTRODES  # after validation: the figures read the positions given
    state.replace(s)
    yield s
    state.replace(None)


def test_plot_lfp_draws_each_plot_type(session):
    figs, data = sim.analysis.plotLFP(electrodes=["avg", 0, 9])
    assert isinstance(figs, list) and len(figs) == 4
    series, psd, spectrogram, locations = figs
    ax = series.axes[0]
    traces = [line for line in ax.get_lines() if line.get_gid() != "scalebar"]
    assert len(traces) == 3 and [t.get_text() for t in ax.get_yticklabels()] == \
        ["avg", "0", "9"]
    bar = [line for line in ax.get_lines() if line.get_gid() == "scalebar"]
    assert len(bar) == 1
    assert np.ptp(bar[0].get_ydata()) == pytest.approx(data["scaleBar"])
    assert data["scaleBar"] <= data["ydisp"] / 3  # a round number of uV below a third
    # electrode 9 is drawn 2 separations below the average
    np.testing.assert_allclose(traces[2].get_ydata(), data["LFP"][:, 9] - 2 * data["ydisp"])
    assert len(psd.axes) == 3 and all(len(a.get_lines()) == 1 for a in psd.axes)
    assert data["peakFreqs"][1:] == [FREQS[0], FREQS[9]]
    assert len(spectrogram.axes) == 4  # 3 panels and their shared colour bar
    assert all(any(isinstance(c, QuadMesh) for c in a.collections)
               for a in spectrogram.axes[:3])
    ridge = data["specFreqs"][np.argmax(data["spec"][2], axis=0)]
    assert np.all(ridge[(data["specTimes"] > 200) & (data["specTimes"] < 800)] == 55)
    ax = locations.axes[0]
    shapes = [c for c in ax.collections if isinstance(c, LineCollection)]
    electrodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(shapes) == 1 and len(shapes[0].get_segments()) > 0
    # the electrodes at (x, -y): depth downwards, as the cells are placed
    np.testing.assert_allclose(electrodes[0].get_offsets(),
                               np.column_stack([np.full(10, 50.0), -DEPTHS]))


def test_psd_options_overlay_log_axes_and_normalisation(session):
    fig, data = sim.analysis.plotLFP(plots=["PSD"], electrodes=["all"], overlay=True,
                                     logx=True, logy=True, normPSD=True, maxFreq=60)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 10
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"
    assert max(p.max() for p in data["allSignal"]) == pytest.approx(1.0)
    np.testing.assert_allclose(data["peakFreqs"], FREQS, atol=0.5)  # 1 Hz steps
    fig, data = sim.analysis.plotLFP(plots=["PSD"], electrodes=["all"], maxPlots=4)
    columns = {round(ax.get_position().x0, 3) for ax in fig.axes}
    assert len(fig.axes) == 10 and len(columns) == 3  # at most 4 panels per column
    _, smooth = sim.analysis.plotLFP(plots=["PSD"], electrodes=[9], smooth=3)
    _, raw = sim.analysis.plotLFP(plots=["PSD"], electrodes=[9])
    peak = int(np.argmax(raw["allSignal"][0]))
    assert smooth["allSignal"][0][peak] == pytest.approx(raw["allSignal"][0][peak - 1:peak + 2]
                                                         .mean())
    fig, data = sim.analysis.plotLFP(plots=["PSD"], electrodes=[9], transformMethod="fft",
                                     NFFT=4096, noverlap=2048)
    assert data["peakFreqs"][0] == pytest.approx(55, abs=10000 / 4096)


def test_signal_options_filter_detrend_normalise_and_window(session):
    _, data = sim.analysis.plotLFP(plots=["timeSeries"], electrodes=[0],
                                   timeRange=[200, 400], filtFreq=[5, 30], detrend=True,
                                   normSignal=True)
    assert data["t"][0] == pytest.approx(200) and data["t"][-1] == pytest.approx(400)
    assert data["LFP"].min() == 0 and data["LFP"].max() == 1
    # the band-pass kept electrode 0's 10 Hz and removed the 3 Hz profile of deep ones
    _, raw = sim.analysis.plotLFP(plots=["PSD"], electrodes=[9], maxFreq=60)
    _, filtered = sim.analysis.plotLFP(plots=["PSD"], electrodes=[9], maxFreq=60,
                                       filtFreq=[40, 70])
    three = raw["allFreqs"][0] == 3
    assert filtered["allSignal"][0][three] < raw["allSignal"][0][three] / 100


def test_population_lfp(session):
    _, whole = sim.analysis.plotLFP(plots=["timeSeries"], electrodes=["all"])
    _, pop = sim.analysis.plotLFP(plots=["timeSeries"], electrodes=["all"], pop="S")
    np.testing.assert_allclose(pop["LFP"], whole["LFP"] * 0.5)
    with pytest.raises(SpecError, match=r"pop.*unknown population 'SS'; did you mean 'S'"):
        sim.analysis.plotLFP(pop="SS")
    with pytest.raises(SpecError, match=r"\.pop: no LFP of population 'M'.*saveLFPPops"):
        sim.analysis.plotLFP(pop="M")


def test_csd_plot_of_the_laminar_array(session):
    fig, data = sim.analysis.plotCSD(vaknin=False, hlines=True,
                                     layerBounds={"L2/3": 150, "L4": 450})
    assert data["CSD"].shape == (8, len(T)) and data["spacing_um"] == 100
    np.testing.assert_array_equal(data["csdDepths"], DEPTHS[1:-1])
    # the cubic profile's second derivative (the sinusoids' differences add to it)
    z = DEPTHS[1:-1] / 1000.0
    waves = 0.01 * np.sin(2 * np.pi * FREQS[None, :] * T[:, None] / 1000.0)
    wave_part = -SIGMA * (waves[:, 2:] - 2 * waves[:, 1:-1] + waves[:, :-2]).T / 0.1 ** 2
    cubic = -SIGMA * 6 * 0.001 * z[:, None] * np.sin(2 * np.pi * 3 * T / 1000.0)[None, :]
    np.testing.assert_allclose(data["CSD"], cubic + wave_part, atol=1e-9)
    ax = fig.axes[0]
    image = [a for a in ax.get_images() if isinstance(a, AxesImage)]
    assert len(image) == 1 and image[0].get_array().shape == (8, len(T))
    assert ax.yaxis_inverted()  # depth downwards
    assert len(ax.get_lines()) == 10 + 10 + 2  # LFP overlay, electrode lines, layers
    assert len(fig.axes) == 2  # and the colour bar
    fig, data = sim.analysis.plotCSD(overlay=None)
    assert data["CSD"].shape == (10, len(T)) and fig.axes[0].get_lines() == []


def test_csd_needs_a_laminar_array(session):
    session.sim_config.recordLFP = [[x, y, 0] for y in (100, 200, 300) for x in (-50, 50)]
    session.sim_data["LFP"] = np.zeros((len(T), 6))
    with pytest.raises(SpecError, match=r"analysis\['plotCSD'\]: .*not in one column"):
        sim.analysis.plotCSD()
    _, data = sim.analysis.plotCSD(spacing_um=100)  # the user's spacing is trusted
    assert data["CSD"].shape == (6, len(T))


@pytest.mark.slow
def test_saved_files_have_netpyne_names(session, tmp_path):
    figs, _ = sim.analysis.plotLFP(saveFig=True, saveData=True)
    for name in ("TimeSeries", "PSD", "Spectrogram", "Locations"):  # NetPyNE 1.1.1's names
        assert (tmp_path / f"lfp_LFP{name}.png").stat().st_size > 5000
    saved = pickle.loads((tmp_path / "lfp_lfp.pkl").read_bytes())
    assert saved["electrodes"] == ["avg"] + list(range(10)) and len(saved["t"]) == len(T)
    sim.analysis.plotLFP(plots=["PSD"], saveFig=str(tmp_path / "one.png"))
    assert (tmp_path / "one.png").exists()
    sim.analysis.plotLFP(plots=["PSD", "spectrogram"], saveFig=str(tmp_path / "two.png"))
    assert (tmp_path / "two_LFPPSD.png").exists()
    assert (tmp_path / "two_LFPSpectrogram.png").exists()
    sim.analysis.plotCSD(saveFig=True)
    assert (tmp_path / "lfp_CSD.png").stat().st_size > 5000


def test_simconfig_analysis_runs_them_after_the_run(session, tmp_path):
    paths = session.plot_data()
    assert sorted(p.name for p in paths) == ["lfp_CSD.png", "lfp_LFPPSD.png",
                                             "lfp_LFPTimeSeries.png"]
    assert all(p.stat().st_size > 5000 for p in paths)


@pytest.mark.parametrize("options, message", [
    ({"plots": ["PDS"]}, r"plotLFP'\]\.plots\[0\]: unknown LFP plot 'PDS'; did you mean 'PSD'"),
    ({"NFTT": 512}, r"unknown key 'NFTT'; did you mean 'NFFT'"),
    ({"transformMethod": "morlett"}, r"did you mean 'morlet'"),
    ({"electrodes": ["avrg"]}, r"electrodes\[0\]: unknown electrode 'avrg'; did you mean 'avg'"),
    ({"electrodes": [10]}, r"electrodes\[0\]: there is no electrode 10: .* has 10"),
    ({"minFreq": 50, "maxFreq": 20}, r"maxFreq: must be above minFreq"),
    ({"transformMethod": "fft", "noverlap": 256}, r"noverlap: must be below NFFT \(256\)"),
    ({"transformMethod": "fft", "NFFT": 128}, r"NFFT: must be at least nperseg"),
    ({"filtFreq": [30, 10]}, r"filtFreq: must be False, a low-pass cut-off"),
    ({"saveData": "lfp.txt"}, r"saveData: must be True, False or a file name"),
    ({"smooth": -1}, r"smooth: must be >= 0"),
    ({"logy": "yes"}, r"logy: must be True or False"),
    ({"plots": ["PSD"], "transformMethod": "fft", "maxFreq": 20}, r"no frequency .* NFFT"),
])
def test_plot_lfp_option_errors(session, options, message):
    with pytest.raises(SpecError, match=message):
        sim.analysis.plotLFP(**options)


def test_plot_csd_option_errors(session):
    with pytest.raises(SpecError, match=r"overlay: unknown overlay 'lfp'; did you mean 'LFP'"):
        sim.analysis.plotCSD(overlay="lfp")
    with pytest.raises(SpecError, match=r"unknown key 'vaknim'; did you mean 'vaknin'"):
        sim.analysis.plotCSD(vaknim=False)
    with pytest.raises(SpecError, match=r"spacing_um: must be > 0"):
        sim.analysis.plotCSD(spacing_um=0)


def test_simconfig_analysis_options_are_checked_when_validated():
    net, cfg = tutorial_specs("tut3")
    cfg.analysis = {"plotLFP": {"plots": ["spectogram"]}, "plotCSD": {"overlay": "CSD"}}
    with pytest.raises(SpecError) as error:
        Session(net, cfg, echo=None).initialize()
    assert len(error.value.problems) == 1
    assert "analysis['plotLFP'].plots[0]: unknown LFP plot 'spectogram'; did you mean " \
           "'spectrogram'" in str(error.value)


def test_a_run_without_lfp_says_what_it_needs(session):
    del session.sim_data["LFP"]
    session.sim_config.recordLFP = []
    for plot in (sim.analysis.plotLFP, sim.analysis.plotCSD):
        with pytest.raises(SpecError, match=r"needs simConfig.recordLFP \(the electrode "
                                            r"positions .*\): this run recorded no LFP"):
            plot()
    session.recordings = None
    with pytest.raises(SpecError, match="run the simulation first"):
        sim.analysis.plotLFP()


def test_include_axon(tmp_path):
    net = specs.NetParams()
    net.cellParams["P"] = {"secs": {
        "soma": {"geom": {"L": 20, "diam": 20}},
        "dend": {"geom": {"L": 200, "diam": 2}, "topol": {"parentSec": "soma"}},
        "axon": {"geom": {"L": 300, "diam": 1}, "topol": {"parentSec": "soma",
                                                          "parentX": 0}}}}
    net.popParams["P"] = {"cellType": "P", "numCells": 2}
    session = Session(net, specs.SimConfig(), echo=None)
    session.initialize()
    session.create_pops()

    def lines(include_axon):
        figs, _ = plotting.plot_lfp(T, np.zeros((len(T), 1)), [[0, 100, 0]],
                                    session.network, plots=["locations"],
                                    include_axon=include_axon)
        shape = [c for c in figs["locations"].axes[0].collections
                 if isinstance(c, LineCollection)][0]
        return len(shape.get_segments())

    assert lines(True) == 6 and lines(False) == 4  # 3 or 2 straight sections per cell
