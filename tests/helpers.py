"""Shared test helpers."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def tutorial_specs(name: str):
    """(netParams, simConfig) of an example script, without running it: the script's
    call to sim.createSimulateAnalyze is intercepted."""
    import neuroloom.sim

    captured = {}

    def capture(netParams=None, simConfig=None):
        captured.update(netParams=netParams, simConfig=simConfig)

    sys.path.insert(0, str(EXAMPLES))  # tut1 imports its parameter module HHTut
    try:
        with mock.patch.object(neuroloom.sim, "createSimulateAnalyze", capture):
            runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="tutorial")
    finally:
        sys.path.remove(str(EXAMPLES))
    return captured["netParams"], captured["simConfig"]
