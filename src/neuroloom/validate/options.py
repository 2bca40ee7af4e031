"""Every NetParams and SimConfig option neuroloom knows, with its default (NetPyNE's names
and defaults), and the NetPyNE options it does not implement yet.

The one list of options: specs/ makes the user's NetParams and SimConfig from it, and
validate/ checks them against it (an attribute that is not an option is the user's own
variable, unless its name is one or two letters from an option: then it is a typo).
"""
from __future__ import annotations

import copy

#: The rule dictionaries a NetParams holds, in the order the network is built from them.
RULE_DICTS = (
    "cellParams",
    "popParams",
    "synMechParams",
    "connParams",
    "subConnParams",
    "stimSourceParams",
    "stimTargetParams",
    "rxdParams",
)

#: NetParams options -> defaults; the rule dictionaries start empty
NETPARAMS_OPTIONS = {
    **{name: {} for name in RULE_DICTS},
    # volume that holds the cells (um): a box, or the cylinder (axis y) or ellipsoid in it
    "sizeX": 100.0,
    "sizeY": 100.0,
    "sizeZ": 100.0,
    "shape": "cuboid",
    "scale": 1.0,  # multiplies the numbers of cells (numCells, density)
    # what a rule gets when it does not say
    "defaultWeight": 1.0,
    "defaultDelay": 1.0,  # ms
    "defaultThreshold": 10.0,  # mV, spike detection
    "propVelocity": 500.0,  # um/ms, for string functions such as 'dist_3D/propVelocity'
    # global scaling of connection weights
    "scaleConnWeight": 1.0,
    "scaleConnWeightNetStims": 1.0,
}

#: SimConfig options -> defaults
SIMCONFIG_OPTIONS = {
    # run
    "duration": 1000.0,  # ms
    "dt": 0.025,  # ms
    "hParams": {"celsius": 6.3, "v_init": -65.0, "clamp_resist": 0.001},
    "seeds": {"conn": 1, "stim": 1, "loc": 1},
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
    "recordTraces": {},
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
    "analysis": {},
}

#: which rank builds which cell (engine/balance.py): by gid, or by cost
LOAD_BALANCE = ("roundrobin", "lpt")

#: dict-valued options whose order matters to the user (specs.ODict): the rules, plots
ORDERED = (*RULE_DICTS, "analysis")

#: NetPyNE options neuroloom does not implement yet: an error that says so
NETPARAMS_PENDING = dict.fromkeys(("rotateCellsRandomly", "correctBorder",
                                   "scaleConnWeightModels", "popTagsCopiedToCells"),
                                  "not supported")
SIMCONFIG_PENDING = {
    **dict.fromkeys(("recordStim", "saveMat", "gatherOnlySimData", "compactConnFormat",
                     "saveCellSecs", "saveCellConns", "createNEURONObj", "createPyStruct",
                     "addSynMechs", "includeParamsLabel", "backupCfgFile", "checkErrors",
                     "checkErrorsVerbose", "recordDipolesHNN"), "not supported"),
    **dict.fromkeys(("cache_efficient", "gpu", "cvode_active", "cvode_atol",
                     "allowSelfConns"), "engine options (issue 8)"),
}


class Options:
    """Default options as attributes (``options.duration``): what validation reads when no
    SimConfig is given."""

    def __init__(self, defaults: dict):
        self._values = copy.deepcopy(defaults)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name):
        return self._values[name]

    def keys(self):
        return self._values.keys()

    def items(self):
        return self._values.items()
