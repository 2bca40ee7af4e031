"""The tutorial's ``sim`` module: create, simulate and analyse a model.

    from neuroloom import specs, sim
    sim.createSimulateAnalyze(netParams, simConfig)
    sim.allSimData['spkt'], sim.net.cells[0].tags, sim.net.pops['S'].cellGids

A thin facade over an explicit Session (see session.py); ``sim.net``, ``sim.cfg`` and
``sim.allSimData`` always refer to the current one.
"""
from __future__ import annotations

from ..engine.neuron_env import parallel_context
from . import analysis, state
from .files import (load, loadAll, loadFromIndexFile, loadModel, loadNet, loadNetParams,
                    loadSimCfg, loadSimData, readCmdLineArgs)
from .interchange import (exportNeuroML2, exportSONATA, importNeuroML2,
                          importNeuroML2SimulateAnalyze, importSONATA)
from .session import Session
from .steps import _gatherAllCellTags  # noqa: F401 (NetPyNE's helper, scripts call it)
from .steps import (analyze, clearAll, create, gatherData, gatherDataFromFiles, initialize,
                    intervalSave, loadMechanisms, runSim, runSimWithIntervalFunc, saveData,
                    saveDataInNodes, setupRecording, simulate)
from .views import NetView
from .wrappers import (createExportNeuroML2, createSimulate, createSimulateAnalyze,
                       createSimulateAnalyzeDistributed, createSimulateAnalyzeInterval,
                       distributedSimulate, intervalSimulate, loadSimulate,
                       loadSimulateAnalyze, runSimIntervalSaving)


def __getattr__(name):
    # the tutorial reads these as module attributes; they follow the current session
    if name == "net":
        return NetView(state.current())
    if name == "cfg":
        return state.current().sim_config
    if name == "timingData":
        return state.current().timing
    if name == "allSimData":
        return state.current().sim_data
    if name == "simData":
        return state.current().local_sim_data()
    if name == "rank":
        session = state.peek()
        return session.rank or 0 if session is not None else 0
    if name == "nhost":
        session = state.peek()
        known = session.nhost if session is not None else None
        return known if known is not None else int(parallel_context().nhost())
    if name == "pc":  # NEURON's ParallelContext, for models that exchange data themselves
        return parallel_context()
    raise AttributeError(f"module 'neuroloom.sim' has no attribute {name!r}")


__all__ = ["initialize", "create", "setupRecording", "runSim", "gatherData", "saveData",
           "runSimWithIntervalFunc", "intervalSave", "saveDataInNodes", "gatherDataFromFiles",
           "simulate", "analyze", "createSimulateAnalyze", "createSimulate", "load",
           "loadNet", "loadSimCfg", "loadSimData", "readCmdLineArgs", "loadMechanisms",
           "loadAll", "loadNetParams", "loadSimulate", "loadSimulateAnalyze",
           "loadFromIndexFile", "loadModel",
           "importSONATA", "exportSONATA", "importNeuroML2", "importNeuroML2SimulateAnalyze",
           "exportNeuroML2", "createExportNeuroML2", "clearAll", "intervalSimulate",
           "runSimIntervalSaving", "distributedSimulate", "createSimulateAnalyzeInterval",
           "createSimulateAnalyzeDistributed",
           "analysis", "Session"]
