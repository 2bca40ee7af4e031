"""Shared test helpers."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def shared(*parts) -> Path:
    """A path in the shared reference data: ../shared beside the project, or the
    machine's /work/shared (a clean clone may live elsewhere)."""
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if base.is_dir():
            return base.joinpath(*parts)
    raise FileNotFoundError("the shared reference data (../shared) is not on this machine")


def tutorial_specs(name: str):
    """(netParams, simConfig) of an example script, without running it: the script stops
    at its call to sim.createSimulateAnalyze (or sim.initialize)."""
    from neuroloom.sim.sources import specs_of_script

    return specs_of_script(EXAMPLES / f"{name}.py")


def jneuroml_neuron(lems: Path) -> np.ndarray:
    """(gid, t ms) rows of jNeuroML's NEURON export run of our LEMS file."""
    (lems.parent / "results").mkdir(exist_ok=True)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "NEURON_HOME": str(bin_dir.parent),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run([str(bin_dir / "pynml"), lems.name, "-neuron", "-run", "-nogui"],
                         cwd=lems.parent, env=env, capture_output=True, text=True, timeout=600)
    spikes = lems.parent / "results" / f"{lems.stem[len('LEMS_'):]}.spikes"
    assert spikes.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    rows = np.loadtxt(spikes, ndmin=2)
    return np.column_stack([rows[:, 0], rows[:, 1] * 1000.0])  # seconds -> ms


def built_network(name):
    """(network, simConfig) of an example, built without NEURON."""
    from neuroloom.builder import network_from_specs as build_network

    net, cfg = tutorial_specs(name)
    return build_network(net, cfg), cfg
