"""The tutorial's ``sim`` module: create, simulate and analyse a model.

    from neuroloom import specs, sim
    sim.createSimulateAnalyze(netParams, simConfig)
    sim.allSimData['spkt'], sim.net.cells[0].tags, sim.net.pops['S'].cellGids

A thin facade over an explicit Session (see session.py); ``sim.net``, ``sim.cfg`` and
``sim.allSimData`` always refer to the current one.
"""
from __future__ import annotations

from importlib import import_module

from . import state
from .session import Session
from .views import NetView


def create(netParams=None, simConfig=None) -> None:
    """Validate the spec, build the network and instantiate it in NEURON."""
    session = Session(_given(netParams, "netParams"), _given(simConfig, "simConfig"))
    state.replace(session)
    session.create()


def simulate() -> None:
    """Run the current model and gather the results."""
    state.current().simulate()


def analyze() -> None:
    """Save data and draw the plots the current simConfig asks for."""
    state.current().analyze()


def createSimulateAnalyze(netParams=None, simConfig=None) -> None:
    create(netParams, simConfig)
    simulate()
    analyze()


def createSimulate(netParams=None, simConfig=None) -> None:
    create(netParams, simConfig)
    simulate()


def loadMechanisms(folder) -> list:
    """Compile (once, into neuroloom's cache) and load a folder of .mod files; returns the
    mechanism names. simConfig.modFolders does the same for a model."""
    from ..engine.modfiles import load

    return load(folder)


def _given(value, name):
    if value is None:
        raise TypeError(f"{name} is required")
    return value


def __getattr__(name):
    # the tutorial reads these as module attributes; they follow the current session
    if name == "analysis":  # imports matplotlib, so only when first asked for
        return import_module(".analysis", __name__)
    if name == "net":
        return NetView(state.current())
    if name == "cfg":
        return state.current().sim_config
    if name in ("allSimData", "simData"):
        return state.current().sim_data
    if name == "rank":
        session = state.peek()
        return session.rank or 0 if session is not None else 0
    raise AttributeError(f"module 'neuroloom.sim' has no attribute {name!r}")


__all__ = ["create", "simulate", "analyze", "createSimulateAnalyze", "createSimulate",
           "loadMechanisms", "Session"]
