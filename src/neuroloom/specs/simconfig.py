"""SimConfig: how to simulate, record, save and plot, as in the tutorial."""
from __future__ import annotations

from .base import SpecObject
from .dicts import Dict, ODict


class SimConfig(SpecObject):
    """Simulation options. Attributes that are not options (``cfg.connWeight = 0.01``) are
    the user's own variables, e.g. parameters explored by a batch."""

    DEFAULTS = {
        # run
        "duration": 1000.0,  # ms
        "dt": 0.025,  # ms
        "hParams": Dict({"celsius": 6.3, "v_init": -65.0, "clamp_resist": 0.001}),
        "seeds": Dict({"conn": 1, "stim": 1, "loc": 1}),
        "verbose": False,
        "progress": True,  # a bar on an interactive terminal, plain lines elsewhere
        "coreneuron": False,  # run on CoreNEURON (same spikes, faster on big networks)
        "loadBalance": "roundrobin",  # or 'lpt': by compartments and synapses (MPI)
        # synapses: linear mechanisms at one (cell, section, location) are shared by the
        # NetCons that drive them unless oneSynPerNetcon is set (same results, much cheaper)
        "oneSynPerNetcon": False,
        "linearSynMechs": ["ExpSyn", "Exp2Syn"],
        # folders of the user's own .mod files: compiled into a cache and loaded
        "modFolders": [],
        # recording
        "recordCells": [],
        "recordTraces": Dict(),
        "recordStep": 0.1,  # ms
        # extracellular potential (engine/lfp.py): electrodes [[x, y, z], ...] in um, y is
        # depth as in cell positions; mV in simData['LFP'] (time x electrode)
        "recordLFP": [],
        "saveLFPCells": False,  # True or a cell list: simData['LFPCells'][gid]
        "saveLFPPops": False,  # True or population labels: simData['LFPPops'][pop]
        "lfpSigma": 0.3,  # conductivity of the extracellular medium, S/m
        "recordDipole": False,  # current dipole moment (nA um) in simData['dipoleSum']
        "saveDipoleCells": False,  # True or a cell list: simData['dipoleCells'][gid]
        "saveDipolePops": False,  # True or population labels: simData['dipolePops'][pop]
        # saving
        "filename": "model_output",
        "simLabel": "",  # when given, names the outputs instead of filename
        "saveFolder": "",
        "saveJson": True,
        "savePickle": False,
        "saveHDF5": False,
        "saveDat": False,  # traces as text, one file per trace
        "saveCSV": False,  # traces as one CSV table
        "saveSpikesSonata": True,  # or the spike file's name
        "sonataReports": {},  # {name: {'cells', 'var', 'sections', 'file', 'units'}}
        "sonataPopulations": {},  # {SONATA node population: [population labels]}
        "saveDataInclude": ["netParams", "netCells", "netPops", "simConfig", "simData"],
        "timing": True,  # time each step (sim.timingData)
        "saveTiming": False,
        "printPopAvgRates": False,
        # plots
        "analysis": ODict(),
    }
