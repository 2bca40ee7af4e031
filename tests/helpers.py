"""Shared test helpers."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def shared(*parts) -> Path:
    """A path in the shared reference data: ../shared beside the project, or the
    machine's /work/shared (a clean clone may live elsewhere)."""
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if base.is_dir():
            return base.joinpath(*parts)
    raise FileNotFoundError("the shared reference data (../shared) is not on this machine")


class _Captured(Exception):
    pass


def tutorial_specs(name: str):
    """(netParams, simConfig) of an example script, without running it: the script stops
    at its call to sim.createSimulateAnalyze (or sim.initialize)."""
    import neuroloom.sim

    captured = {}

    def capture(netParams=None, simConfig=None):
        captured.update(netParams=netParams, simConfig=simConfig)
        raise _Captured

    sys.path.insert(0, str(EXAMPLES))  # tut1 imports its parameter module HHTut
    try:
        with mock.patch.object(neuroloom.sim, "createSimulateAnalyze", capture), \
                mock.patch.object(neuroloom.sim, "initialize", capture):
            runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="tutorial")
    except _Captured:
        pass
    finally:
        sys.path.remove(str(EXAMPLES))
    return captured["netParams"], captured["simConfig"]
