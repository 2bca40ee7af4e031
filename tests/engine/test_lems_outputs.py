"""`neuroloom run` on LEMS and NeuroML2 files writes what jNeuroML's NEURON run writes
(`pynml LEMS_x.xml -neuron -run -nogui`): the OutputFile traces (time in s, SI values,
every sample to t = tstop) and EventOutputFile spikes where the file says; and the LEMS
file neuroloom exports runs in jNeuroML (NEURON and jLEMS) in a fresh folder."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neuroloom
from helpers import shared, tutorial_specs
from neuroloom.exporters.neuroml import export

LEMS = shared("neuroml-examples", "LEMSexamples")
BIN = Path(sys.executable).parent
UPSTROKE = 10.0  # mV/ms: samples within 1 ms of a steeper reference slope are not compared


def neuroloom_run(path: Path) -> subprocess.CompletedProcess:
    """The command, on the neuroloom these tests import, run in the file's folder."""
    source = str(Path(neuroloom.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [source, *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([str(BIN / "neuroloom"), "run", path.name], cwd=path.parent,
                          env=env, capture_output=True, text=True, timeout=900)


def printed(done) -> list:
    """The files the command says it wrote (its progress lines start with 'neuroloom:')."""
    return [line for line in done.stdout.splitlines() if not line.startswith("neuroloom:")]


def pynml(path: Path, *options) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEURON_HOME": str(BIN.parent),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "pynml"), path.name, *options, "-nogui"],
                          cwd=path.parent, env=env, capture_output=True, text=True,
                          timeout=900)


def copy(name: str, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(LEMS / name, folder / name)
    return folder / name


def trace_difference(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Largest |difference| in mV of the value columns, away from the reference's spike
    upstrokes (where a shift of a fraction of a step is tens of mV)."""
    dt = (theirs[1, 0] - theirs[0, 0]) * 1000.0
    values = theirs[:, 1:] * 1000.0
    steep = np.abs(np.gradient(values, dt, axis=0)) > UPSTROKE
    near = np.zeros_like(steep)
    width = int(round(1.0 / dt))
    for j in range(steep.shape[1]):
        for i in np.flatnonzero(steep[:, j]).tolist():
            near[max(0, i - width):i + width + 1, j] = True
    diff = np.abs(ours[:, 1:] - theirs[:, 1:]) * 1000.0
    return float(np.where(near, 0.0, diff).max())


def compare_run(name, tmp_path, traces, spikes=None):
    """neuroloom's and jNeuroML's runs of the same corpus file, each in its own folder:
    the trace files (same shape and times, values) and the spike files."""
    ours, theirs = copy(name, tmp_path / "ours"), copy(name, tmp_path / "theirs")
    (theirs.parent / "results").mkdir()  # jNeuroML's NEURON run saves nothing without it
    done = neuroloom_run(ours)
    assert done.returncode == 0, done.stderr[-3000:]
    reference = pynml(theirs, "-neuron", "-run")
    out = {}
    for file in traces:
        a = np.loadtxt(ours.parent / file)
        b = np.loadtxt(theirs.parent / file)
        assert b.shape[0] > 1, reference.stdout[-3000:]
        assert a.shape == b.shape
        np.testing.assert_array_equal(a[:, 0], b[:, 0])  # as printed: %e of the seconds
        out[file] = trace_difference(a, b)
    if spikes is not None:
        a = np.loadtxt(ours.parent / spikes, ndmin=2)
        b = np.loadtxt(theirs.parent / spikes, ndmin=2)
        assert len(a) == len(b) > 0
        for ident in np.unique(b[:, 0]):
            mine, other = a[a[:, 0] == ident, 1], b[b[:, 0] == ident, 1]
            assert len(mine) == len(other)
            out[spikes, ident] = float(np.abs(mine - other).max() * 1000.0)  # ms
    return ours.parent, out


@pytest.mark.java
@pytest.mark.slow
def test_ex1_hh_trace_is_jneuromls(tmp_path):
    """One HH cell driven by a pulse, 150 ms at dt 0.01 ms: 15001 samples (t = 0.15 s
    included), in volts, equal to jNeuroML's as printed (measured: 0.0 mV)."""
    folder, diffs = compare_run("LEMS_NML2_Ex1_HH.xml", tmp_path, ["results/hh_v.dat"])
    trace = np.loadtxt(folder / "results" / "hh_v.dat")
    assert trace.shape == (15001, 2) and trace[-1, 0] == 0.15
    assert -0.08 < trace[:, 1].min() and trace[:, 1].max() < 0.06  # volts
    assert diffs["results/hh_v.dat"] < 0.01


@pytest.mark.java
@pytest.mark.slow
def test_ex12_traces_and_spikes_are_jneuromls(tmp_path):
    """Nine iaf cells driven by spike sources through exp, exp2 and NMDA synapses: the nine
    traces within 0.01 mV of jNeuroML's (measured 0.006), the spike generator's spikes
    (ID_TIME) within 0.1 ms (measured 0)."""
    folder, diffs = compare_run("LEMS_NML2_Ex12_Net2.xml", tmp_path, ["results/ex12.dat"],
                                "results/ex12.spikes")
    assert np.loadtxt(folder / "results" / "ex12.dat").shape == (60001, 10)
    assert diffs["results/ex12.dat"] < 0.01
    assert max(v for k, v in diffs.items() if isinstance(k, tuple)) < 0.1
    lines = (folder / "results" / "ex12.spikes").read_text().splitlines()
    assert len(lines) == 9 and lines[0] == "0\t0.03"  # id, time in s


@pytest.mark.java  # jNeuroML writes some of its components as mechanisms
def test_a_lems_file_runs_from_the_command_line(tmp_path):
    """Ex25's target network only (3 cells, 31 spikes, not Ex25's included net1), its three
    OutputFiles in the results/ folder the run creates, every sample to t = 140 ms."""
    shutil.copytree(shared("neuroml-examples", "examples"), tmp_path / "examples")
    lems = copy("LEMS_NML2_Ex25_MultiComp.xml", tmp_path / "LEMSexamples")
    done = neuroloom_run(lems)
    assert done.returncode == 0, done.stderr[-3000:]
    written = [lems.parent / "results" / f"ex25_{i}.dat" for i in range(3)]
    assert printed(done) == [str(p) for p in written]
    assert "Created 3 cells in 1 populations" in done.stderr + done.stdout
    for path in written:
        trace = np.loadtxt(path)
        assert trace.shape == (28001, 5) and trace[-1, 0] == 0.14
    first = path.read_text().splitlines()[0]
    assert first == "0.000000e+00\t" + "-6.500000e-02\t" * 4


@pytest.mark.java  # jNeuroML writes some of its components as mechanisms
def test_a_neuroml_document_runs_with_default_settings(tmp_path):
    """NML2_SingleCompHHCell.nml (an HH cell, a 0.08 nA pulse 100-200 ms): 1000 ms at dt
    0.025 ms, every cell's spikes into NML2_SingleCompHHCell.spikes beside it."""
    nml = tmp_path / "NML2_SingleCompHHCell.nml"
    shutil.copy(shared("neuroml-examples", "examples", nml.name), nml)
    done = neuroloom_run(nml)
    assert done.returncode == 0, done.stderr[-3000:]
    assert printed(done) == [str(tmp_path / "NML2_SingleCompHHCell.spikes")]
    assert "Simulated 1000 ms" in done.stderr + done.stdout
    spikes = np.loadtxt(tmp_path / "NML2_SingleCompHHCell.spikes", ndmin=2)
    assert len(spikes) > 3 and set(spikes[:, 0]) == {0}
    assert 0.1 < spikes[:, 1].min() and spikes[:, 1].max() < 0.2  # during the pulse, in s


@pytest.mark.java  # jNeuroML writes some of its components as mechanisms
def test_outputs_neuroloom_does_not_record_stop_the_run_before_it_starts(tmp_path):
    """Ex5 with its first gate column asking for the leak channel's fopen: that channel runs
    as NEURON's pas, which has none."""
    lems = copy("LEMS_NML2_Ex5_DetCell.xml", tmp_path / "LEMSexamples")
    column = '<OutputColumn id="m" quantity="hhpop[0]/bioPhys1/membraneProperties/'
    text = lems.read_text().replace(f"{column}naChans/naChan/m/q",
                                    f"{column}leak/passiveChan/fopen")
    lems.write_text(text)
    shutil.copytree(shared("neuroml-examples", "examples"), tmp_path / "examples")
    done = neuroloom_run(lems)
    assert done.returncode == 1
    assert 'LEMS_NML2_Ex5_DetCell.xml:49: <OutputColumn id="m">' in done.stderr
    assert "channel 'passiveChan' runs as NEURON's pas" in done.stderr
    assert "Simulated" not in done.stderr + done.stdout
    assert not (lems.parent / "results").exists()


@pytest.mark.java
@pytest.mark.slow
def test_the_exported_lems_file_runs_in_jneuroml_in_a_fresh_folder(tmp_path, run_session):
    """Tutorial 2 (background as spike trains: jNeuroML's Poisson inputs do not compile on
    NEURON 9), 300 ms, exported into an empty folder: jNeuroML's NEURON run and jLEMS each
    write tut2v.spikes there with nothing made first, and `neuroloom run` of the export
    writes the session's very spikes."""
    net, cfg = tutorial_specs("tut2")
    net.stimSourceParams["bkg"] = {"type": "VecStim", "pulses": [
        {"start": 0, "end": 300, "rate": 10, "noise": 0.5}]}
    cfg.duration, cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = 300, {}, False, False
    session = run_session(net, cfg)
    spikes = session.recordings.spike_t.copy(), session.recordings.spike_gid.copy()
    assert len(spikes[0]) > 20
    folders = {}
    for run in ("neuron", "jlems", "neuroloom"):
        folder = tmp_path / run
        export(session.network, "tut2v", folder, cfg)
        assert sorted(p.name for p in folder.iterdir()) == ["LEMS_tut2v.xml", "tut2v.net.nml"]
        folders[run] = folder
    session.clear()
    pynml(folders["neuron"] / "LEMS_tut2v.xml", "-neuron", "-run")
    pynml(folders["jlems"] / "LEMS_tut2v.xml")
    done = neuroloom_run(folders["neuroloom"] / "LEMS_tut2v.xml")
    assert done.returncode == 0, done.stderr[-3000:]
    ours = np.loadtxt(folders["neuroloom"] / "tut2v.spikes", ndmin=2)
    np.testing.assert_array_equal(ours[:, 0], spikes[1])
    np.testing.assert_allclose(ours[:, 1] * 1000.0, spikes[0], rtol=0, atol=1e-9)
    neuron = np.loadtxt(folders["neuron"] / "tut2v.spikes", ndmin=2)  # gid, time in s
    assert abs(len(neuron) - len(spikes[0])) <= 0.05 * len(spikes[0])  # measured 278 to 276
    # jLEMS integrates HH by forward Euler: measured 257 spikes to NEURON's 276
    jlems = np.loadtxt(folders["jlems"] / "tut2v.spikes", ndmin=2)
    assert 0.85 * len(spikes[0]) < len(jlems) <= len(spikes[0])
    for theirs in (neuron, jlems):
        assert set(theirs[:, 0].astype(int)) <= set(range(40))
        assert 0 < theirs[:, 1].min() and theirs[:, 1].max() <= 0.3
