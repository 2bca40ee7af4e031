"""The random spike sources of the corpus (Ex14's SpikeSourcePoisson, Ex16's
spikeGeneratorPoisson, spikeGeneratorRefPoisson, spikeGeneratorRandom) fire as jLEMS fires
them, statistically: jNeuroML's NEURON code for them does not compile on NEURON 9, so the
reference is jLEMS over several seeds (tests/data/neuroml_reference/jlems_random_sources.json,
made by make_random_sources.py there). Ex16's deterministic sources fire jLEMS's times.

The test of a rate: two Poisson counts a over exposure Ta (neuroloom, several stim seeds)
and b over Tb (jLEMS, several seeds) agree when |a/Ta - b/Tb| / sqrt(a/Ta^2 + b/Tb^2) < 3
(the z statistic of the rates' difference; 3 sigma: a false alarm in ~1 of 370 runs, and
the seeds are fixed, so the outcome is reproducible)."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import shared
from neuroloom.importers import neuroml as importer
from neuroloom.sim.session import Session
from neuroloom.specs import NetParams

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "neuroml_reference" /
                        "jlems_random_sources.json").read_text())["examples"]
LEMS = shared("neuroml-examples", "LEMSexamples")


def neuroloom_spikes(name, seeds) -> dict:
    """seed -> cell 'pop[i]' -> spike times (ms), one run per stim seed."""
    model = importer.load(LEMS / name)
    out = {}
    for seed in seeds:
        cfg = model.sim_config
        cfg.seeds = {**cfg.seeds, "stim": seed}
        cfg.recordTraces, cfg.recordCells = {}, []
        session = Session(NetParams(), cfg, network=model.network, echo=None)
        try:
            session.create()
            session.simulate()
            spkt = np.asarray(session.sim_data["spkt"])
            spkid = np.asarray(session.sim_data["spkid"])
            out[seed] = {f"{p.label}[{i}]": np.sort(spkt[spkid == p.gid_start + i])
                         for p in model.network.pops for i in range(p.size)}
        finally:
            session.clear()
    return out


def rate_z(ours: int, our_runs: int, theirs: int, their_runs: int) -> float:
    if ours == theirs == 0:
        return 0.0
    a, b = ours / our_runs, theirs / their_runs
    return abs(a - b) / math.sqrt(ours / our_runs ** 2 + theirs / their_runs ** 2)


def counts(runs: dict, cell: str) -> int:
    return sum(len(spikes[cell]) for spikes in runs.values())


@pytest.mark.java
@pytest.mark.slow
def test_spike_source_poisson_fires_in_its_window_at_jlems_rate():
    name = "LEMS_NML2_Ex14_PyNN.xml"
    theirs = REFERENCE[name]
    ours = neuroloom_spikes(name, range(1, 25))
    # spikes1: 50 Hz on (50, 450] ms; spikes2: 80 Hz on (50, 350] ms
    for cell, (start, stop, rate) in {"pop_spikes1[0]": (50, 450, 50),
                                      "pop_spikes2[0]": (50, 350, 80)}.items():
        for runs in (ours, theirs):
            times = np.concatenate([np.asarray(r[cell]) for r in runs.values()])
            assert times.min() > start and times.max() <= stop + 0.01, cell
        n_ours, n_theirs = counts(ours, cell), counts(theirs, cell)
        expected = rate * (stop - start) / 1000.0
        assert rate_z(n_ours, len(ours), n_theirs, len(theirs)) < 3, (cell, n_ours, n_theirs)
        assert abs(n_ours / len(ours) - expected) < 3 * math.sqrt(expected / len(ours))


@pytest.mark.java
@pytest.mark.slow
def test_ex16_sources_fire_as_in_jlems():
    name = "LEMS_NML2_Ex16_Inputs.xml"
    theirs = REFERENCE[name]
    ours = neuroloom_spikes(name, range(1, 5))
    for cell in ("spikeGenPoissonPop[0]", "spikeGenRefPoissonPop[0]", "spikeGenRandomPop[0]"):
        n_ours, n_theirs = counts(ours, cell), counts(theirs, cell)
        assert rate_z(n_ours, len(ours), n_theirs, len(theirs)) < 3, (cell, n_ours, n_theirs)
        assert n_ours > 4 * 10  # 50 Hz for 0.3 s: 15 a run
    # the cells driven by poissonFiringSyn (10 Hz) and transPoissonFiringSyn (300 Hz on
    # 50-100 ms): their spike counts
    for cell in ("izhPop[8]", "izhPop[10]"):
        n_ours, n_theirs = counts(ours, cell), counts(theirs, cell)
        assert rate_z(n_ours, len(ours), n_theirs, len(theirs)) < 3, (cell, n_ours, n_theirs)
    for runs in (ours, theirs):  # intervals: refractory >= 10 ms, random in [10, 30] ms
        for spikes in runs.values():
            ref = np.diff(np.r_[0.0, spikes["spikeGenRefPoissonPop[0]"]])
            assert ref.min() >= 10.0 - 0.002
            uniform = np.diff(np.r_[0.0, spikes["spikeGenRandomPop[0]"]])
            assert uniform.min() >= 10.0 - 0.002 and uniform.max() <= 30.0 + 0.002
    # the deterministic sources: jLEMS's times (on its 0.001 ms grid) within 0.1 ms
    for cell in ("spikeGenRegularPop[0]", "spikeArrPop[0]"):
        for seed, spikes in theirs.items():
            mine = ours[1][cell]
            assert len(mine) == len(spikes[cell]), cell
            assert np.max(np.abs(mine - np.asarray(spikes[cell]))) < 0.1, cell


@pytest.mark.java
@pytest.mark.slow
def test_the_same_seed_fires_the_same_trains():
    name = "LEMS_NML2_Ex16_Inputs.xml"
    first, again = neuroloom_spikes(name, [7]), neuroloom_spikes(name, [7])
    for cell, times in first[7].items():
        np.testing.assert_array_equal(times, again[7][cell])


MPI_SCRIPT = """
import sys
import numpy as np
from neuroloom import sim
from neuroloom.engine.mpi import launched_rank
sim.importNeuroML2(sys.argv[1], analyze=False)
sim.gatherData()
if launched_rank() == 0:
    data = sim.allSimData
    np.savez(sys.argv[2], spkt=np.asarray(data["spkt"]), spkid=np.asarray(data["spkid"]))
"""


@pytest.mark.java
@pytest.mark.mpi
@pytest.mark.slow
def test_poisson_sources_fire_the_same_spikes_on_two_ranks(tmp_path):
    """Ex14: its two SpikeSourcePoisson cells (and the cells they drive) on 1 and 2 ranks."""
    script = tmp_path / "run.py"
    script.write_text(MPI_SCRIPT)
    mpiexec = Path(sys.executable).parent / "mpiexec"
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    runs = []
    for ranks in (1, 2):
        out = tmp_path / f"n{ranks}.npz"
        done = subprocess.run([str(mpiexec), "-n", str(ranks), sys.executable, str(script),
                               str(LEMS / "LEMS_NML2_Ex14_PyNN.xml"), str(out)],
                              cwd=tmp_path, env=clean, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        data = np.load(out)
        order = np.lexsort((data["spkt"], data["spkid"]))
        runs.append((data["spkid"][order], data["spkt"][order]))
    assert len(runs[0][0]) > 40
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


@pytest.mark.java
@pytest.mark.slow
def test_fitzhugh_nagumo_states_follow_jlems(tmp_path):
    """Ex9 (200 s at dt 10 ms): the fitzHughNagumoCell's mechanism, recorded on its point
    process, follows jLEMS's V and W (measured: within 1.2e-7 over the 20001 samples)."""
    import shutil

    shutil.copy(LEMS / "LEMS_NML2_Ex9_FN.xml", tmp_path)
    (tmp_path / "results").mkdir()
    subprocess.run([str(Path(sys.executable).parent / "pynml"), "LEMS_NML2_Ex9_FN.xml",
                    "-nogui"], cwd=tmp_path, check=True, capture_output=True)
    theirs = np.loadtxt(tmp_path / "results" / "ex9.dat")  # t (s), V, W
    model = importer.load(LEMS / "LEMS_NML2_Ex9_FN.xml")
    cfg = model.sim_config
    cfg.recordCells, cfg.recordStep = [0], cfg.dt
    cfg.recordTraces = {var: {"sec": "soma", "loc": 0.5, "pointp": "fn1", "var": var}
                        for var in ("V", "W")}
    session = Session(NetParams(), cfg, network=model.network, echo=None)
    try:
        session.create()
        session.simulate()
        ours = np.c_[session.sim_data["V"]["cell_0"], session.sim_data["W"]["cell_0"]]
        assert len(session.sim_data["spkt"]) == 0  # NeuroML gives it no spikes
    finally:
        session.clear()
    n = min(len(ours), len(theirs))
    assert n >= 20000
    assert np.max(np.abs(ours[:n] - theirs[:n, 1:3])) < 1e-5
