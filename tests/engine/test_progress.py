"""Progress: a bar on a terminal, sparse plain lines elsewhere, nothing when off."""
import io
import os
import pty
import subprocess
import sys

import numpy as np
import pytest

from neuroloom.progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_plain_lines_are_sparse_with_time_left():
    clock, stream = Clock(), io.StringIO()
    progress = Progress("simulating", 1000, "ms", stream=stream, clock=clock)
    assert progress.mode == "lines"
    for step in range(1, 11):
        clock.now = 2.0 * step  # 2 s per 100 ms: 20 s in all
        progress.update(100 * step)
    lines = stream.getvalue().splitlines()
    # the first after 5 s (at 6 s), then 10 s later (at 16 s)
    assert lines == ["neuroloom: simulating 30% (300/1000 ms, 6.0 s, about 14 s left)",
                     "neuroloom: simulating 80% (800/1000 ms, 16.0 s, about 4 s left)"]
    echoed = []
    progress = Progress("exporting", 10, "files", stream=io.StringIO(), clock=clock,
                        echo=echoed.append)
    clock.now += 6
    progress.update(5)
    assert echoed == ["exporting 50% (5/10 files, 6.0 s, about 6 s left)"]


def test_off_means_silent():
    stream = io.StringIO()
    with Progress("simulating", 10, "ms", enabled=False, stream=stream) as progress:
        progress.update(10)
        assert progress.mode is None
    assert stream.getvalue() == ""


BAR = """
import time
from neuroloom.progress import Progress
with Progress("simulating", 100, "ms") as p:
    for i in range(1, 11):
        time.sleep(0.15)
        p.update(10 * i)
print("finished", flush=True)
"""


def test_a_bar_on_a_terminal_and_none_in_a_pipe():
    main, secondary = pty.openpty()
    done = subprocess.run([sys.executable, "-c", BAR], stdout=subprocess.PIPE,
                          stderr=secondary, timeout=60)
    os.close(secondary)
    terminal = read_all(main)
    os.close(main)
    assert done.returncode == 0 and b"finished" in done.stdout
    assert b"simulating:" in terminal and b"ms [" in terminal  # tqdm's bar, after 1 s
    piped = subprocess.run([sys.executable, "-c", BAR], capture_output=True, timeout=60)
    assert piped.returncode == 0 and piped.stderr == b""  # a short step: no line either


def read_all(fd) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return out
        if not chunk:
            return out
        out += chunk


@pytest.mark.slow
def test_a_simulation_shows_its_progress_on_a_terminal_only(tmp_path):
    """Tutorial 5 run for 6 s of model time (about 3 s of wall time here)."""
    from helpers import EXAMPLES

    script = tmp_path / "tut5_long.py"
    script.write_text((EXAMPLES / "tut5.py").read_text().replace(
        "sim.createSimulateAnalyze(", "simConfig.duration = 6000\nsimConfig.analysis = {}\n"
                                      "sim.createSimulateAnalyze("))
    main, secondary = pty.openpty()
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, stdout=subprocess.PIPE,
                          stderr=secondary, timeout=300)
    os.close(secondary)
    terminal = read_all(main)
    os.close(main)
    assert done.returncode == 0, terminal[-2000:]
    assert b"simulating:" in terminal and b"/6000 ms [" in terminal
    piped = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                           timeout=300)
    assert piped.returncode == 0
    assert b"%|" not in piped.stderr + piped.stdout and b"\r" not in piped.stderr


def test_each_step_reports_its_progress(monkeypatch):
    """Building, creating cells, connecting and simulating each go to 100%, on rank 0;
    with progress off nothing is reported and the spikes are the same."""
    import neuroloom.sim.session as session_module
    from helpers import tutorial_specs
    from neuroloom.sim.session import Session

    reported = {}

    class Recording(Progress):
        def update(self, done):
            reported.setdefault(self.label, []).append(done / self.total)
            super().update(done)

    import neuroloom.progress as progress_module

    monkeypatch.setattr(session_module, "Progress", Recording)
    monkeypatch.setattr(progress_module, "Progress", Recording)
    spikes = []
    for progress in (True, False):
        net, cfg = tutorial_specs("tut5")
        cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
        cfg.duration, cfg.progress = 200, progress
        session = Session(net, cfg, echo=lambda text: None)
        session.create()
        session.simulate()
        spikes.append(session.recordings.spike_t.copy())
        session.clear()
        if progress:
            assert set(reported) == {"building", "creating cells", "connecting", "simulating"}
            for label, fractions in reported.items():
                assert fractions == sorted(fractions) and fractions[-1] == 1.0, label
            assert len(reported["simulating"]) == 100
            reported.clear()
    assert reported == {}
    np.testing.assert_array_equal(spikes[0], spikes[1])


def test_imports_and_exports_report_their_progress(monkeypatch, tmp_path):
    """NeuroML2 and SONATA, both ways, each to 100%."""
    import neuroloom.progress as progress_module
    from helpers import tutorial_specs
    from neuroloom import sim

    reported = {}

    class Recording(Progress):
        def update(self, done):
            reported.setdefault(self.label, []).append(done / self.total)
            super().update(done)

    monkeypatch.setattr(progress_module, "Progress", Recording)
    net, cfg = tutorial_specs("tut5")
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    cfg.saveFolder = str(tmp_path)
    sim.create(net, cfg)
    nml, _ = sim.exportNeuroML2("tut5")
    sim.exportSONATA(tmp_path / "circuit")
    sim.importNeuroML2(nml, cfg, simulate=False)
    sim.importSONATA(tmp_path / "circuit" / "simulation_config.json")
    from neuroloom.engine.neuron_env import neuron_h
    from neuroloom.sim import state

    state.peek().clear()  # the next tests start from an empty NEURON
    assert list(neuron_h().allsec()) == []
    for label in ("exporting NeuroML2", "exporting SONATA", "importing NeuroML2",
                  "importing SONATA"):
        fractions = reported[label]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0, label
        assert len(fractions) >= (1 if label == "importing NeuroML2" else 2), label  # < 1 MB


def test_a_run_reported_in_pieces_ends_where_one_piece_ends():
    """At dt 0.0025 ms a 700 ms run in 100 pieces stopped one step short (699.9975 ms,
    280000 samples: NEURON's psolve counts the steps left from where it resumes); with or
    without progress it reaches the step a single call reaches, t = 700 ms included."""
    from neuroloom import specs
    from neuroloom.sim.session import Session

    ends = []
    for progress in (True, False):
        net, cfg = specs.NetParams(), specs.SimConfig()
        net.cellParams["HH"] = {"secs": {"soma": {"geom": {"diam": 18.8, "L": 18.8},
                                                  "mechs": {"hh": {}}}}}
        net.popParams["P"] = {"cellType": "HH", "numCells": 1}
        net.stimSourceParams["ic"] = {"type": "IClamp", "del": 5, "dur": 1000, "amp": 0.1}
        net.stimTargetParams["ic->P"] = {"source": "ic", "conds": {"pop": "P"},
                                         "sec": "soma", "loc": 0.5}
        cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
        cfg.duration, cfg.dt, cfg.progress = 700, 0.0025, progress
        cfg.recordTraces = {"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"}}
        cfg.recordCells, cfg.recordStep, cfg.recordFinalSample = [0], 0.0025, True
        session = Session(net, cfg, echo=lambda text: None)
        session.create()
        session.simulate()
        t = np.asarray(session.recordings.t)
        ends.append((len(t), t[-1], session.recordings.spike_t.copy()))
        session.clear()
    assert ends[0][0] == ends[1][0] == 280001
    assert ends[0][1] == ends[1][1] == pytest.approx(700.0, abs=1e-6)
    assert len(ends[0][2]) > 10  # the cell fires throughout
    np.testing.assert_array_equal(ends[0][2], ends[1][2])
