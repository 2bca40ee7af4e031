"""Corpus examples with network elements neuroloom used to refuse, run by `neuroloom run`
and by jNeuroML's NEURON export (`pynml LEMS_x.xml -neuron -run`) on the same file: the
OutputFile traces compared sample by sample (away from spike upstrokes) and the spikes in
them (HH cells: upward crossings of 0 mV; iaf cells: their resets) within 0.1 ms.

- Ex20 (iaf cells, a linear graded and a graded synapse, each with a silent synapse on the
  presynaptic cell): within 0.00124 mV. The graded synapse reads the presynaptic v through
  ParallelContext's transfer, made after each step's voltage update; jNeuroML's POINTER
  reads it live, after the iaf's reset event at the start of the step: one step of the
  pre-reset voltage per presynaptic spike (5 pS * 15 mV * 0.05 ms / 3.2 pF = 0.0012 mV).
- Ex20a (HH cells, a graded synapse): within 0.00007 mV, 7 spikes at the same samples.
- Ex21 (an alpha current synapse through a synapticConnectionWD, weight 0.05, delay 1 ms):
  identical as printed.
- Ex26 (weights on every kind of connection and input): the presynaptic cells fire 2, 1 and
  8 spikes for input weights 1, 0.5 and 2, as in jNeuroML; gap junction and graded
  synapse targets within 0.00001 mV; the expOneSynapse targets (NEURON's ExpSyn in
  neuroloom, jNeuroML's own mechanism there, which acts one step later) 0.0032, 0.0065 and
  0.0130 mV for weights 0.5, 1 and 2, at the step the event arrives.
- Ex27 (synapticConnectionWD onto expTwo, NMDA and double synapses): within 0.00027 mV.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neuroloom
from helpers import shared

CORPUS = shared("neuroml-examples")
BIN = Path(sys.executable).parent
UPSTROKE = 10.0  # mV/ms: samples within 1 ms of a steeper reference slope are not compared


def run_both(name: str, tmp_path: Path) -> dict:
    """{side: the LEMS file's folder} after neuroloom's and jNeuroML's runs, each in a copy
    of the corpus's two folders (the LEMS files include ../examples)."""
    source = str(Path(neuroloom.__file__).parents[1])
    env = {**os.environ, "NEURON_HOME": str(BIN.parent),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": os.pathsep.join([source, *filter(None, [os.environ.get(
               "PYTHONPATH")])])}
    folders = {}
    for side, argv in (("neuroloom", [str(BIN / "neuroloom"), "run", name]),
                       ("jneuroml", [str(BIN / "pynml"), name, "-neuron", "-run", "-nogui"])):
        shutil.copytree(CORPUS / "examples", tmp_path / side / "examples")
        folder = tmp_path / side / "LEMSexamples"
        (folder / "results").mkdir(parents=True)  # jNeuroML saves nothing without it
        shutil.copy(CORPUS / "LEMSexamples" / name, folder / name)
        done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        folders[side] = folder
    return folders


def traces(folders, file) -> tuple:
    """(ours, jNeuroML's) rows of an OutputFile, in ms and mV."""
    ours, theirs = (np.loadtxt(folders[side] / file) * 1000.0
                    for side in ("neuroloom", "jneuroml"))
    assert ours.shape == theirs.shape and len(theirs) > 1
    np.testing.assert_array_equal(ours[:, 0], theirs[:, 0])
    return ours, theirs


def differences(ours, theirs) -> np.ndarray:
    """Largest |difference| per column (mV), away from the reference's spike upstrokes."""
    dt = theirs[1, 0] - theirs[0, 0]
    values = theirs[:, 1:]
    steep = np.abs(np.gradient(values, dt, axis=0)) > UPSTROKE
    near = np.zeros_like(steep)
    width = int(round(1.0 / dt))
    for j in range(steep.shape[1]):
        for i in np.flatnonzero(steep[:, j]).tolist():
            near[max(0, i - width):i + width + 1, j] = True
    return np.where(near, 0.0, np.abs(ours[:, 1:] - values)).max(axis=0)


def spikes(rows, column, iaf) -> np.ndarray:
    """Times (ms) of upward crossings of 0 mV (HH) or of resets (iaf: v drops > 1 mV in a
    step)."""
    t, v = rows[:, 0], rows[:, column]
    if iaf:
        return t[np.flatnonzero(v[1:] - v[:-1] < -1.0) + 1]
    return t[np.flatnonzero((v[:-1] < 0.0) & (v[1:] >= 0.0)) + 1]


def same_spikes(ours, theirs, iaf=False) -> list:
    """Spike counts per column, equal on both sides, times within 0.1 ms."""
    counts = []
    for column in range(1, theirs.shape[1]):
        mine, other = spikes(ours, column, iaf), spikes(theirs, column, iaf)
        assert len(mine) == len(other), column
        assert np.all(np.abs(mine - other) <= 0.1), column
        counts.append(len(other))
    return counts


pytestmark = [pytest.mark.java, pytest.mark.slow]


def test_ex20_graded_synapses_between_iaf_cells(tmp_path):
    folders = run_both("LEMS_NML2_Ex20_AnalogSynapses.xml", tmp_path)
    ours, theirs = traces(folders, "results/ex20_v.dat")
    counts = same_spikes(ours, theirs, iaf=True)
    assert counts == [4, 0, 0]  # only the driven cell fires
    diff = differences(ours, theirs)
    assert diff[0] < 1e-4 and diff[2] < 1e-4  # the driven cell; the graded synapse's
    assert 0.0 < diff[1] < 0.002  # the linear graded synapse's: one step per spike (above)
    assert np.ptp(theirs[:, 2]) > 0.2 and np.ptp(theirs[:, 3]) > 0.01  # they are coupled


def test_ex20a_graded_synapse_between_hh_cells(tmp_path):
    folders = run_both("LEMS_NML2_Ex20a_AnalogSynapsesHH.xml", tmp_path)
    ours, theirs = traces(folders, "results/ex20a_v.dat")
    assert same_spikes(ours, theirs)[0] == 7
    assert differences(ours, theirs).max() < 0.001


def test_ex21_synaptic_connection_wd_onto_a_current_synapse(tmp_path):
    folders = run_both("LEMS_NML2_Ex21_CurrentBasedSynapses.xml", tmp_path)
    ours, theirs = traces(folders, "results/ex21_v.dat")
    assert same_spikes(ours, theirs, iaf=True) == [1]  # threshold 1 mV, reset -1 mV
    assert differences(ours, theirs).max() < 0.001


def test_ex26_weights_on_every_kind_of_connection_and_input(tmp_path):
    folders = run_both("LEMS_NML2_Ex26_Weights.xml", tmp_path)
    ours, theirs = traces(folders, "results/ex26_pre.dat")
    assert same_spikes(ours, theirs) == [2, 1, 8]  # input weights 1, 0.5, 2
    assert differences(ours, theirs).max() < 0.001
    ours, theirs = traces(folders, "results/ex26.dat")
    same_spikes(ours, theirs)
    diff = differences(ours, theirs)
    assert diff[3:].max() < 0.001  # gap junctions and graded synapses
    # ExpSyn against jNeuroML's expOneSynapse, one step apart: in proportion to the weight
    np.testing.assert_allclose(diff[:3], [0.0065, 0.0032, 0.0130], atol=0.0003)
    rest = theirs[0, 1]
    assert all(theirs[:, j].max() - rest > 0.1 for j in range(1, 10))  # every target moves


def test_ex27_synaptic_connection_wd_onto_several_synapses(tmp_path):
    folders = run_both("LEMS_NML2_Ex27_MultiSynapses.xml", tmp_path)
    ours, theirs = traces(folders, "results/ex27_v.dat")
    assert same_spikes(ours, theirs, iaf=True) == [0, 0, 0, 0]  # below threshold
    assert differences(ours, theirs).max() < 0.001
    assert np.all(theirs[:, 1:].max(axis=0) - theirs[0, 1:] > 0.2)  # every synapse acts


@pytest.mark.mpi
def test_graded_synapses_across_ranks_give_the_serial_traces(tmp_path):
    """Ex20's three cells on 2 ranks: the graded synapses read the other rank's voltage
    (ParallelContext transfers), from the source's own initial voltage: the serial file,
    byte for byte."""
    source = str(Path(neuroloom.__file__).parents[1])
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    env["PYTHONPATH"] = os.pathsep.join([source, *filter(None, [env.get("PYTHONPATH")])])
    name = "LEMS_NML2_Ex20_AnalogSynapses.xml"
    written = {}
    for ranks in (1, 2):
        shutil.copytree(CORPUS / "examples", tmp_path / f"n{ranks}" / "examples")
        folder = tmp_path / f"n{ranks}" / "LEMSexamples"
        folder.mkdir()
        shutil.copy(CORPUS / "LEMSexamples" / name, folder / name)
        command = [str(BIN / "neuroloom"), "run", name]
        if ranks > 1:
            command = [str(BIN / "mpiexec"), "-n", str(ranks), *command]
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        written[ranks] = (folder / "results" / "ex20_v.dat").read_bytes()
    assert written[1] == written[2] and len(written[1].splitlines()) == 20001
