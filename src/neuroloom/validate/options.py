"""Every NetParams and SimConfig option: NetPyNE's (with NetPyNE's defaults) and
neuroloom's own, each with what it does on a neuroloom run.

The one list of options: specs/ makes the user's NetParams and SimConfig from it (every
option is an attribute with its default, as in NetPyNE), and validate/ checks them against
it. An attribute that is not an option is the user's own variable; a name one or two
letters from an option is probably a typo, which validation warns about (NetPyNE keeps it
as a variable, and so does neuroloom).

Each option is an ``Option(default, effect, note)``; ``effect`` is one of:

- IMPLEMENTED: neuroloom does what NetPyNE does with it (some are neuroloom's own);
- NO_EFFECT: accepted, and it cannot change a neuroloom run (display, NetPyNE's own
  bookkeeping, or what neuroloom always does); ``note`` says why;
- PENDING: it would change the run and neuroloom does not do it yet: setting it to anything
  but its default (or one of its ``idle`` values, which ask for nothing either) is an error
  naming ``note``.
"""
from __future__ import annotations

import copy
from typing import NamedTuple

IMPLEMENTED, NO_EFFECT, PENDING = "implemented", "no effect", "pending"


class Option(NamedTuple):
    """One NetParams or SimConfig option: its default and what it does."""

    default: object
    effect: str = IMPLEMENTED
    note: str = ""  # NO_EFFECT: why; PENDING: what is missing; else what it does
    idle: tuple = ()  # PENDING: values besides the default that ask for nothing


def _no_effect(default, why: str) -> Option:
    return Option(default, NO_EFFECT, why)


def _pending(default, what: str, *idle) -> Option:
    return Option(default, PENDING, what, idle)


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

#: NetParams options -> Option; the rule dictionaries start empty
NETPARAMS_TABLE = {
    **{name: Option({}, note="rules") for name in RULE_DICTS},
    # volume that holds the cells (um): a box, or the cylinder (axis y) or ellipsoid in it
    "sizeX": Option(100.0),
    "sizeY": Option(100.0),
    "sizeZ": Option(100.0),
    "shape": Option("cuboid"),
    "scale": Option(1.0, note="multiplies the numbers of cells (numCells, density)"),
    # what a rule gets when it does not say
    "defaultWeight": Option(1.0),
    "defaultDelay": Option(1.0, note="ms"),
    "defaultThreshold": Option(10.0, note="mV, spike detection"),
    "propVelocity": Option(500.0, note="um/ms, for string functions such as "
                                       "'dist_3D/propVelocity'"),
    # global scaling of connection weights
    "scaleConnWeight": Option(1.0),
    "scaleConnWeightNetStims": Option(1.0),
    "defineCellShapes": _no_effect(
        False, "neuroloom lays out sections without 3D points itself wherever positions "
               "are needed (LFP, dipoles, shape plots), as NetPyNE does on demand"),
    "cellsVisualizationSpacingMultiplier": _no_effect(
        [1, 1, 1], "display: spacing of cells in NetPyNE's GUI"),
    "rotateCellsRandomly": _pending(False, "random rotation of cells", None),
    "correctBorder": _pending(False, "border correction of connectivity", None),
    "scaleConnWeightModels": _pending(False, "weight scale per cell model", None, {}),
    "popTagsCopiedToCells": _pending(["cellModel", "cellType"],
                                     "other population tags copied to cells"),
    "mapping": Option({}, note="{simConfig attribute: path in netParams}: copied into the "
                              "rules when the network is made (netParams.setCfgMapping)"),
}

#: SimConfig options -> Option
SIMCONFIG_TABLE = {
    # run
    "duration": Option(1000.0, note="ms"),
    "tstop": _no_effect(1000.0, "NetPyNE sets it to duration and never reads it: duration "
                                "is what runs"),
    "dt": Option(0.025, note="ms"),
    "hParams": Option({"celsius": 6.3, "v_init": -65.0, "clamp_resist": 0.001}),
    "seeds": Option({"conn": 1, "stim": 1, "loc": 1}),
    "verbose": Option(False),
    "progress": Option(True, note="neuroloom's: a bar on an interactive terminal, plain "
                                  "lines elsewhere"),
    "coreneuron": Option(False, note="run on CoreNEURON (same spikes, faster on big "
                                     "networks)"),
    "loadBalance": Option("roundrobin", note="neuroloom's: or 'lpt', by compartments and "
                                             "synapses (MPI)"),
    # synapses: linear mechanisms at one (cell, section, location) are shared by the
    # NetCons that drive them unless oneSynPerNetcon is set (same results, much cheaper)
    "oneSynPerNetcon": Option(False, note="default differs from NetPyNE's (True): shared "
                                          "linear synapses give the same results"),
    "linearSynMechs": Option(["ExpSyn", "Exp2Syn"], note="neuroloom's"),
    "addSynMechs": _pending(True, "a network without synapses"),
    "allowSelfConns": Option(False, note="full and probability rules may connect a cell "
                                         "with sections to itself (as NetPyNE: never "
                                         "convergence, divergence, connList, artificial "
                                         "cells)"),
    "allowConnsWithWeight0": Option(True, note="False: connections and spike-source stimuli "
                                               "of weight 0 onto cells with sections are "
                                               "not made (artificial cells get them, as in "
                                               "NetPyNE)"),
    "connRandomSecFromList": Option(True, note="a single synapse goes to a random section of "
                                               "a 'sec' list; False: to the list's first "
                                               "(and loc's first); a connParams rule may "
                                               "say too"),
    "distributeSynsUniformly": Option(True),
    # folders of the user's own .mod files: compiled into a cache and loaded
    "modFolders": Option([], note="neuroloom's"),
    # the memory a network may need before it is built (docs/memory.md); None: no limit
    "maxMemoryGB": Option(None, note="neuroloom's: the memory (GB) the network may take "
                                     "(None: the memory available; inf: no check)"),
    # NEURON's integrator and random numbers
    "cvode_active": _pending(False, "variable time step (CVode)"),
    "cvode_atol": _no_effect(0.001, "the tolerance of the variable time step, which "
                                    "neuroloom does not use (cvode_active)"),
    "use_local_dt": _pending(False, "local variable time step"),
    "cache_efficient": _no_effect(False, "NEURON's memory layout: speed only, the same "
                                         "results (neuroloom sets it for CoreNEURON)"),
    "use_fast_imem": _no_effect(False, "neuroloom turns NEURON's fast i_membrane_ on "
                                       "itself when the LFP or dipoles need it"),
    "random123": _no_effect(False, "neuroloom's NetStims always draw from Random123 "
                                   "streams keyed by (gid, rule, seed)"),
    "rand123GlobalIndex": _pending(None, "Random123's global index (use seeds['stim'])"),
    "gpu": _pending(False, "CoreNEURON on a GPU"),
    "dump_coreneuron_model": _pending(False, "writing CoreNEURON's model files"),
    # what NetPyNE builds
    "createNEURONObj": Option(True, note="False: sim.create builds the network (cells, "
                                         "connections, stimuli as tables) without NEURON, "
                                         "to save it; nothing can be simulated"),
    "createPyStruct": _no_effect(True, "neuroloom always keeps its tables; sim.net.cells "
                                       "is a view of them"),
    "includeParamsLabel": _no_effect(True, "NetPyNE's bookkeeping: the rule's label in "
                                           "each cell, connection and stimulus dict"),
    "pt3dRelativeToCellLocation": _pending(True, "3D points not moved to the cell's "
                                                 "position"),
    "invertedYCoord": _pending(True, "3D points with y not inverted (depth)"),
    "validateNetParams": _no_effect(False, "neuroloom always checks the whole spec"),
    "checkErrors": _no_effect(False, "older NetPyNE's spec checking: neuroloom always "
                                     "checks the whole spec"),
    "checkErrorsVerbose": _no_effect(False, "older NetPyNE's spec checking: neuroloom "
                                            "always checks the whole spec"),
    # messages
    "timing": Option(True, note="time each step (sim.timingData)"),
    "saveTiming": Option(False),
    "printPopAvgRates": Option(False),
    "printRunTime": _no_effect(False, "display: neuroloom shows the run's progress "
                                      "(simConfig.progress)"),
    "printSynsAfterRule": _no_effect(False, "display: a message per connectivity rule"),
    "progressBar": _no_effect(2, "display: neuroloom's bar is simConfig.progress"),
    # recording
    "recordCells": Option([]),
    "recordTraces": Option({}),
    "recordStep": Option(0.1, note="ms"),
    "recordFinalSample": Option(False, note="traces also hold the sample at t = duration, "
                                            "as jNeuroML's and LEMS runs record (NetPyNE's "
                                            "end one recordStep earlier); recordStep must be "
                                            "a multiple of dt"),
    "recordTime": _no_effect(True, "simData['t'] is always recorded"),
    "recordCellsSpikes": _pending(-1, "spikes of some cells only", ["all"]),
    "recordStim": Option(False, note="spike times of the NetStims and VecStims that drive "
                                     "cells (simData['stims'])"),
    # extracellular potential (engine/lfp.py): electrodes [[x, y, z], ...] in um, y is
    # depth as in cell positions; mV in simData['LFP'] (time x electrode)
    "recordLFP": Option([]),
    "saveLFPCells": Option(False, note="True or a cell list: simData['LFPCells'][gid]"),
    "saveLFPPops": Option(False, note="True or population labels: simData['LFPPops'][pop]"),
    "lfpSigma": Option(0.3, note="neuroloom's: conductivity of the extracellular medium, "
                                 "S/m"),
    "recordDipole": Option(False, note="current dipole moment (nA um) in "
                                       "simData['dipoleSum']"),
    "saveDipoleCells": Option(False, note="True or a cell list: simData['dipoleCells'][gid]"),
    "saveDipolePops": Option(False, note="True or population labels: "
                                         "simData['dipolePops'][pop]"),
    "recordDipolesHNN": _pending(False, "HNN-style dipoles", None),
    "saveIMembrane": _pending(False, "membrane currents of each cell in simData", None),
    # saving
    "filename": Option("model_output"),
    "simLabel": Option("", note="when given, names the outputs instead of filename"),
    "saveFolder": Option(""),
    "timestampFilename": _pending(False, "a time stamp in output file names"),
    "saveJson": Option(True, note="default differs from NetPyNE's (False): a run is saved "
                                  "unless asked not to"),
    "savePickle": Option(False),
    "saveHDF5": Option(False),
    "saveMat": Option(False),
    "saveDat": Option(False, note="traces as text, one file per trace"),
    "saveCSV": Option(False, note="traces as one CSV table"),
    "saveDpk": _pending(False, "gzipped pickle (.dpk) output"),
    "saveSpikesSonata": Option(True, note="neuroloom's: or the spike file's name"),
    "sonataReports": Option({}, note="neuroloom's: {name: {'cells', 'var', 'sections', "
                                     "'file', 'units', 'synType'}}"),
    "sonataPopulations": Option({}, note="neuroloom's: {SONATA node population: "
                                         "[population labels]}"),
    "saveDataInclude": Option(["netParams", "netCells", "netPops", "simConfig", "simData"]),
    "saveCellSecs": Option(True, note="False: saved networks leave out the cell types' "
                                      "sections; loading makes them again from the saved "
                                      "netParams"),
    "saveCellConns": Option(True),
    "gatherOnlySimData": Option(False),
    "compactConnFormat": Option(False),
    "backupCfgFile": _pending([], "copying the cfg file to a folder", None, False),
    # sim.intervalSave (NetPyNE reads these only when set): its folder (None:
    # <saveFolder>/interval_data) and whether it saves sim.allWeights too
    "intervalFolder": Option(None),
    "saveWeights": Option(False, note="sim.intervalSave adds simData['allWeights']: the "
                                      "script's sim.allWeights, else the weights NEURON "
                                      "holds then"),
    # plots
    "analysis": Option({}),
}


def _defaults(table) -> dict:
    return {name: option.default for name, option in table.items()}


def _of(table, effect) -> dict:
    return {name: option.note for name, option in table.items() if option.effect == effect}


#: option -> default: every option is an attribute of a new NetParams / SimConfig
NETPARAMS_OPTIONS = _defaults(NETPARAMS_TABLE)
SIMCONFIG_OPTIONS = _defaults(SIMCONFIG_TABLE)

#: NetPyNE options neuroloom does not implement yet -> what is missing; asking for one
#: (a value other than its default or idle values) is an error that says so
NETPARAMS_PENDING = _of(NETPARAMS_TABLE, PENDING)
SIMCONFIG_PENDING = _of(SIMCONFIG_TABLE, PENDING)

#: NetPyNE options accepted with no effect on a neuroloom run -> why
NETPARAMS_NO_EFFECT = _of(NETPARAMS_TABLE, NO_EFFECT)
SIMCONFIG_NO_EFFECT = _of(SIMCONFIG_TABLE, NO_EFFECT)

#: which rank builds which cell (engine/balance.py): by gid, or by cost
LOAD_BALANCE = ("roundrobin", "lpt")

#: dict-valued options whose order matters to the user (specs.ODict): the rules, plots
ORDERED = (*RULE_DICTS, "analysis")


def asks_for_pending(name: str, value) -> bool:
    """Whether ``value`` of the pending option ``name`` asks for what neuroloom does not do
    yet (a value other than the option's default and its idle values)."""
    option = NETPARAMS_TABLE.get(name) or SIMCONFIG_TABLE.get(name)
    if option is None or option.effect != PENDING:
        return False
    if name == "scaleConnWeightModels" and hasattr(value, "values"):
        return any(v != 1 for v in value.values())  # every model at 1 scales nothing
    return not any(_same(value, quiet) for quiet in (option.default, *option.idle))


def _same(value, quiet) -> bool:
    # NetPyNE tests these options for truth or equality: 0 asks for what False does
    try:
        return bool(value == quiet)
    except (TypeError, ValueError):  # e.g. an array
        return False


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
