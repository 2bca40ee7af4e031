"""NetPyNE's wrappers: several steps of a model in one call (create, simulate, analyse,
export, save by node or at intervals)."""
from __future__ import annotations

from . import analysis, state
from .files import load
from .interchange import exportNeuroML2
from .steps import (_created, analyze, create, gatherData, gatherDataFromFiles, intervalSave,
                    runSim, runSimWithIntervalFunc, saveDataInNodes, simulate)


def createSimulateAnalyze(netParams=None, simConfig=None, output: bool = False):
    """``sim.create``, then ``sim.simulate``, then ``sim.analyze``.

    Parameters
    ----------
    netParams : specs.NetParams
        The network.
    simConfig : specs.SimConfig
        How to simulate, record, save and plot it.
    output : bool, default False
        Return (pops, cells, conns, stims, simData), as NetPyNE does.

    Returns
    -------
    tuple or None
    """
    made = create(netParams, simConfig, output=True)
    simulate()
    analyze()
    return _simulated(made) if output else None


def createSimulate(netParams=None, simConfig=None, output: bool = False):
    """``sim.create``, then ``sim.simulate``.

    Parameters
    ----------
    netParams : specs.NetParams
        The network.
    simConfig : specs.SimConfig
        How to simulate, record, save and plot it.
    output : bool, default False
        Return (pops, cells, conns, stims, simData), as NetPyNE does.

    Returns
    -------
    tuple or None
    """
    made = create(netParams, simConfig, output=True)
    simulate()
    return _simulated(made) if output else None


def loadSimulate(filename, simConfig=None, output: bool = False):
    """``sim.load`` (instantiated), then ``sim.simulate``.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run (neuroloom's or NetPyNE's) or a model index.
    simConfig : specs.SimConfig, optional
        Replaces the saved simConfig.
    output : bool, default False
        Return (pops, cells, conns, stims, simData), as NetPyNE does.

    Returns
    -------
    tuple or None
    """
    load(filename, simConfig)
    simulate()
    return _simulated(_created(state.current())) if output else None


def loadSimulateAnalyze(filename, simConfig=None, output: bool = False):
    """``sim.load`` (instantiated), then ``sim.simulate`` and ``sim.analyze``.

    Parameters
    ----------
    filename : str or pathlib.Path
        A saved run (neuroloom's or NetPyNE's) or a model index.
    simConfig : specs.SimConfig, optional
        Replaces the saved simConfig.
    output : bool, default False
        Return (pops, cells, conns, stims, simData), as NetPyNE does.

    Returns
    -------
    tuple or None
    """
    made = loadSimulate(filename, simConfig, output=True)
    analyze()
    return made if output else None


def _simulated(made) -> tuple:
    """NetPyNE's (pops, cells, conns, stims, simData) after a run."""
    pops, cells, conns, _, stims, _ = made
    return pops, cells, conns, stims, state.current().sim_data


def createExportNeuroML2(netParams=None, simConfig=None, output: bool = False, reference=None,
                         connections: bool = True, stimulations: bool = True,
                         format: str = "xml"):
    """``sim.create``, then ``sim.exportNeuroML2`` (nothing is simulated).

    Parameters
    ----------
    netParams : specs.NetParams
        The network.
    simConfig : specs.SimConfig
        Its simConfig (the LEMS file's duration and dt, the files' folder).
    output : bool, default False
        Return (pops, cells, conns, stims, rxd, simData), as NetPyNE does.
    reference : str
        Names the network and the files (``<reference>.net.nml``, ``LEMS_<reference>.xml``).
    connections, stimulations : bool, default True
        Write the projections, the inputs.
    format : {'xml', 'hdf5'}
        The network file's format.

    Returns
    -------
    tuple or None
    """
    made = create(netParams, simConfig, output=True)
    exportNeuroML2(reference, connections, stimulations, format)
    pops, cells, conns, rxd, stims, sim_data = made
    return (pops, cells, conns, stims, rxd, sim_data) if output else None


def intervalSimulate(interval) -> None:
    """Run, saving the recordings every ``interval`` ms (``sim.intervalSave``), then
    gather them.

    Parameters
    ----------
    interval : float
        Simulated ms between two saves.
    """
    runSimWithIntervalFunc(interval, intervalSave)
    gatherData()


def runSimIntervalSaving(interval=1000) -> None:
    """Run, saving the recordings every ``interval`` ms (``sim.intervalSave``).

    Parameters
    ----------
    interval : float, default 1000
        Simulated ms between two saves.
    """
    runSimWithIntervalFunc(interval, intervalSave)


def distributedSimulate(filename=None, includeLFP: bool = True) -> None:
    """Run; each rank saves its recordings (``sim.saveDataInNodes``), which are then merged
    (``sim.gatherDataFromFiles``).

    Parameters
    ----------
    filename : str, optional
        Names the node files (default simConfig.simLabel).
    includeLFP : bool, default True
        Save and merge the LFP and dipole signals too.
    """
    runSim()
    saveDataInNodes(filename=filename, saveLFP=includeLFP, removeTraces=False)
    gatherDataFromFiles(gatherLFP=includeLFP)


def createSimulateAnalyzeInterval(netParams, simConfig, output: bool = False, interval=None):
    """``sim.create``, ``sim.intervalSimulate(interval)``, then ``sim.analyze``.

    Parameters
    ----------
    netParams : specs.NetParams
    simConfig : specs.SimConfig
    output : bool, default False
        Return (pops, cells, conns, stims, simData), as NetPyNE does.
    interval : float
        Simulated ms between two saves.

    Returns
    -------
    tuple or None
    """
    if interval is None or interval <= 0:
        raise ValueError(f"interval must be a positive number of ms, not {interval!r}")
    made = create(netParams, simConfig, output=True)
    intervalSimulate(interval)
    analyze()
    return _simulated(made) if output else None


def createSimulateAnalyzeDistributed(netParams, simConfig, output: bool = False, filename=None,
                                     includeLFP: bool = True):
    """``sim.create``, run, save by rank and merge (with the merged run saved, as NetPyNE
    does), then draw the plots.

    Parameters
    ----------
    netParams : specs.NetParams
    simConfig : specs.SimConfig
    output : bool, default False
        Return (pops, cells, conns, stims, simData), as NetPyNE does.
    filename : str, optional
        Names the node files (default simConfig.simLabel).
    includeLFP : bool, default True
        Save and merge the LFP and dipole signals too.

    Returns
    -------
    tuple or None
    """
    made = create(netParams, simConfig, output=True)
    runSim()
    saveDataInNodes(filename=filename, saveLFP=includeLFP, removeTraces=False)
    gatherDataFromFiles(gatherLFP=includeLFP, saveMerged=True)
    analysis.plotData()
    return _simulated(made) if output else None

