"""A cell whose calcium depends on a fixedFactorConcentrationModel's rho (unit
mol_per_m_per_A_per_s, which NEURON takes in umol/cm/nA/ms), run by neuroloom and by
jNeuroML's NEURON export: same cai and v (issue 18 item 5).

The cell is the corpus's pyramidal soma (LEMSexamples/morphologies: Ca_pyr channel feeding
Ca_conc, rho = 9543.15 SI). Its LEMS file writes the simulation as
``<Component type="Simulation">``, which neuroloom's importer does not take: the copy here
says ``<Simulation>`` and runs 150 ms (two spikes) instead of 700.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import shared
from neuroloom import sim
from neuroloom.sim import state

pytestmark = [pytest.mark.java, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("java") is None, reason="jNeuroML needs Java")]


def _lems(tmp_path: Path) -> Path:
    folder = tmp_path / "morphologies"
    shutil.copytree(shared("neuroml-examples", "LEMSexamples", "morphologies"), folder)
    text = (folder / "LEMS_m_in_b_in.xml").read_text()
    old = '<Component type="Simulation" id="sim1" length="700.0ms"'
    assert old in text and text.count("</Component>") == 1
    lems = folder / "LEMS_rho.xml"
    lems.write_text(text.replace(old, '<Simulation id="sim1" length="150.0ms"')
                    .replace("</Component>", "</Simulation>"))
    return lems


def _jneuroml(lems: Path) -> dict:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "NEURON_HOME": str(bin_dir.parent),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run([str(bin_dir / "pynml"), lems.name, "-neuron", "-run", "-nogui"],
                         cwd=lems.parent, env=env, capture_output=True, text=True, timeout=600)
    v_file = lems.parent / "pyramidal_soma_0.dat"
    ca_file = lems.parent / "pyramidal_soma_0.Ca_conc_CONC_ca.dat"
    assert v_file.exists() and ca_file.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    v, ca = np.loadtxt(v_file), np.loadtxt(ca_file)
    # seconds, volts, mol_per_m3 (= mM)
    return {"t": v[:, 0] * 1e3, "v": v[:, 1] * 1e3, "cai": ca[:, 1]}


def _neuroloom(lems: Path) -> dict:
    try:
        model = sim.importNeuroML2(str(lems), simulate=False, analyze=False)
        soma = model.network.cell_types[0].sections[0].name
        cfg = sim.cfg
        for var in ("v", "cai"):
            cfg.recordTraces[var] = {"sec": soma, "loc": 0.5, "var": var}
        cfg.recordCells = [0]
        cfg.recordStep = model.sim_config.dt
        sim.setupRecording()
        sim.runSim()
        sim.gatherData()
        data = sim.allSimData
        return {"t": np.asarray(data["t"], float), "v": np.asarray(data["v"]["cell_0"], float),
                "cai": np.asarray(data["cai"]["cell_0"], float)}
    finally:
        if state.peek() is not None:
            state.peek().clear()


def test_calcium_driven_by_rho_matches_jneuroml(tmp_path):
    lems = _lems(tmp_path)
    theirs = _jneuroml(lems)
    ours = _neuroloom(lems)
    cai = np.interp(theirs["t"], ours["t"], ours["cai"])
    v = np.interp(theirs["t"], ours["t"], ours["v"])
    peak = theirs["cai"].max()
    assert peak > 1.0  # mM: the calcium the spikes bring in (rho 1e8 too big would be ~1e8)
    assert np.abs(cai - theirs["cai"]).max() < 1e-4 * peak
    assert np.abs(v - theirs["v"]).max() < 0.01  # mV
