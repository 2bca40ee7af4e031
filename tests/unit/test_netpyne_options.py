"""Every NetPyNE SimConfig and NetParams attribute exists with NetPyNE's default and is
implemented, accepted with no effect, or refused when asked for (validate/options.py);
a near miss of an option at the top level is a warning (NetPyNE keeps it as a variable),
inside rules and options an error; NetPyNE's plot options and analysis names (no NEURON)."""
import warnings

import pytest

from helpers import tutorial_specs
from neuroloom import specs
from neuroloom.errors import SpecError
from neuroloom.validate import validate
from neuroloom.validate.checker import Checker, NearMissWarning
from neuroloom.validate.options import (IMPLEMENTED, NETPARAMS_OPTIONS, NETPARAMS_TABLE,
                                        NO_EFFECT, PENDING, SIMCONFIG_NO_EFFECT,
                                        SIMCONFIG_OPTIONS, SIMCONFIG_PENDING, SIMCONFIG_TABLE)
from neuroloom.validate.plots import (ANALYSIS_PENDING, FIGURE_OPTIONS, PLOT_NO_EFFECT,
                                      PLOT_NOT_DRAWN, PLOTS, analysis_specs, plot_options)

#: NetPyNE 1.1.1's SimConfig attributes and defaults (netpyne/specs/simConfig.py)
NETPYNE_SIMCONFIG = {
    "duration": 1000.0, "tstop": 1000.0, "dt": 0.025,
    "hParams": {"celsius": 6.3, "v_init": -65.0, "clamp_resist": 0.001},
    "coreneuron": False, "dump_coreneuron_model": False, "random123": False,
    "cache_efficient": False, "gpu": False, "cvode_active": False, "use_fast_imem": False,
    "cvode_atol": 0.001, "rand123GlobalIndex": None, "createNEURONObj": True,
    "createPyStruct": True, "addSynMechs": True, "includeParamsLabel": True,
    "gatherOnlySimData": False, "compactConnFormat": False, "connRandomSecFromList": True,
    "distributeSynsUniformly": True, "pt3dRelativeToCellLocation": True,
    "invertedYCoord": True, "allowSelfConns": False, "allowConnsWithWeight0": True,
    "saveCellSecs": True, "saveCellConns": True, "timing": True, "saveTiming": False,
    "printRunTime": False, "printPopAvgRates": False, "printSynsAfterRule": False,
    "verbose": False, "progressBar": 2, "recordCells": [], "recordTraces": {},
    "recordCellsSpikes": -1, "recordStim": False, "recordLFP": [], "recordDipole": False,
    "recordDipolesHNN": False, "saveIMembrane": False, "saveLFPCells": False,
    "saveLFPPops": False, "saveDipoleCells": False, "saveDipolePops": False,
    "recordStep": 0.1, "recordTime": True, "simLabel": "", "saveFolder": "",
    "filename": "model_output",
    "saveDataInclude": ["netParams", "netCells", "netPops", "simConfig", "simData"],
    "timestampFilename": False, "savePickle": False, "saveMat": False, "saveCSV": False,
    "saveDpk": False, "saveHDF5": False, "saveDat": False, "backupCfgFile": [],
    "validateNetParams": False, "analysis": {},
    # neuroloom's own default differs, as the README says: a run is saved as JSON and
    # shares linear synapses (the same results); NetPyNE's 'cell' seed is helper B's
    "saveJson": False, "oneSynPerNetcon": True, "seeds": {"conn": 1, "stim": 1, "loc": 1},
}
DIFFERENT_DEFAULTS = {"saveJson": True, "oneSynPerNetcon": False}
#: read by NetPyNE when set (hasattr): interval saving, older names of its checks
NETPYNE_OPTIONAL = ("intervalFolder", "saveWeights", "use_local_dt", "checkErrors",
                    "checkErrorsVerbose")
#: NetPyNE 1.1.1's NetParams attributes and defaults (netpyne/specs/netParams.py)
NETPYNE_NETPARAMS = {
    "scale": 1, "sizeX": 100, "sizeY": 100, "sizeZ": 100, "shape": "cuboid",
    "rotateCellsRandomly": False, "defineCellShapes": False, "correctBorder": False,
    "cellsVisualizationSpacingMultiplier": [1, 1, 1], "scaleConnWeight": 1,
    "scaleConnWeightNetStims": 1, "scaleConnWeightModels": False, "defaultWeight": 1,
    "defaultDelay": 1, "defaultThreshold": 10, "propVelocity": 500.0, "mapping": {},
    "popTagsCopiedToCells": ["cellModel", "cellType"],
    **dict.fromkeys(("cellParams", "popParams", "synMechParams", "connParams",
                     "subConnParams", "stimSourceParams", "stimTargetParams", "rxdParams"),
                    {})}
#: the options other helpers implement (issue 16): listed as implemented
IMPLEMENTED_ELSEWHERE = ("recordStim", "saveCellSecs", "saveCellConns", "saveMat",
                         "gatherOnlySimData", "compactConnFormat", "connRandomSecFromList",
                         "distributeSynsUniformly", "allowSelfConns", "allowConnsWithWeight0",
                         "intervalFolder", "saveWeights")


@pytest.fixture
def tut2():
    return tutorial_specs("tut2")


def problems(net, cfg):
    with pytest.raises(SpecError) as info:
        validate(net, cfg)
    return [str(p) for p in info.value.problems]


def test_every_netpyne_attribute_exists_with_netpynes_default():
    cfg, net = specs.SimConfig(), specs.NetParams()
    for name, default in NETPYNE_SIMCONFIG.items():
        assert cfg[name] == DIFFERENT_DEFAULTS.get(name, default), name
    for name in NETPYNE_OPTIONAL:
        assert name in cfg
    for name, default in NETPYNE_NETPARAMS.items():
        assert net[name] == default, name
    assert cfg.user_variables() == {} and net.user_variables() == {}


def test_the_table_has_one_shape_and_is_what_specs_are_made_from():
    for table, defaults in ((SIMCONFIG_TABLE, SIMCONFIG_OPTIONS),
                            (NETPARAMS_TABLE, NETPARAMS_OPTIONS)):
        assert {name: option.default for name, option in table.items()} == defaults
        for name, option in table.items():
            assert option.effect in (IMPLEMENTED, NO_EFFECT, PENDING), name
            if option.effect != IMPLEMENTED:
                assert option.note, f"{name} must say why it has no effect or what is missing"
    assert specs.SimConfig.DEFAULTS.keys() == SIMCONFIG_OPTIONS.keys()
    assert specs.NetParams.DEFAULTS.keys() == NETPARAMS_OPTIONS.keys()
    for name in IMPLEMENTED_ELSEWHERE:
        assert SIMCONFIG_TABLE[name].effect == IMPLEMENTED, name
    assert SIMCONFIG_NO_EFFECT["random123"]
    assert "cvode_active" in SIMCONFIG_PENDING


def test_options_at_their_defaults_or_idle_values_pass(tut2):
    net, cfg = tut2
    # what NetPyNE's examples write: defaults, and values that ask for nothing
    cfg.update(createNEURONObj=True, createPyStruct=True, cvode_active=False,
               cvode_atol=1e-6, cache_efficient=True, printRunTime=0.1, recordTime=False,
               backupCfgFile=None, checkErrors=False, includeParamsLabel=False,
               validateNetParams=True, random123=True, gatherOnlySimData=False,
               saveCellSecs=True, recordStim=False, progressBar=0, tstop=500)
    net.update(defineCellShapes=True, scaleConnWeightModels={"HH_simple": 1.0},
               cellsVisualizationSpacingMultiplier=[2, 2, 2])
    validate(net, cfg)


def test_pending_options_asked_for_are_errors(tut2):
    net, cfg = tut2
    cfg.cvode_active = True
    cfg.recordCellsSpikes = [0, 1]
    cfg.backupCfgFile = ["cfg.py", "backup"]
    cfg.recordDipolesHNN = ["L2"]
    net.rotateCellsRandomly = [0, 3.0]
    net.scaleConnWeightModels = {"HH_simple": 0.5}
    found = problems(net, cfg)
    for name in ("cvode_active", "recordCellsSpikes", "backupCfgFile",
                 "recordDipolesHNN", "rotateCellsRandomly", "scaleConnWeightModels"):
        assert any(p.startswith(f"{name}: '{name}' is not supported yet (") for p in found), \
            name
    assert len(found) == 6


def test_a_near_miss_at_the_top_level_is_a_warning_and_a_variable(tut2):
    net, cfg = tut2
    cfg.hparams = {"celsius": 34}  # CA3model_3pops' typo, which NetPyNE ignores
    net.probLengthConst = 150  # far from every option: a variable, no warning
    with pytest.warns(NearMissWarning) as caught:
        _, run, _ = validate(net, cfg)
    message, = [str(w.message) for w in caught]
    assert message == ("SimConfig attribute 'hparams' is not an option; did you mean "
                       "'hParams'? It is kept as your own variable, as NetPyNE does, and "
                       "'hParams' keeps its value")
    assert caught[0].filename == __file__  # the warning points at the caller's line
    assert dict(run.hparams)["celsius"] == 6.3 and cfg.hparams == {"celsius": 34}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check = Checker(warn=False)  # a spec checked again need not warn again
        check.top_level(cfg, "SimConfig", SIMCONFIG_OPTIONS, SIMCONFIG_PENDING)
        assert check.problems == []


def test_near_misses_inside_rules_and_options_stay_errors(tut2):
    net, cfg = tut2
    net.connParams["S->M"]["probabilty"] = 0.5
    cfg.seeds = {"con": 2}
    cfg.recordTraces["V_soma"]["lco"] = 0.5
    cfg.analysis["plotRaster"] = {"orderBi": "y"}
    found = problems(net, cfg)
    assert "connParams['S->M'].probabilty: unknown key 'probabilty'; did you mean " \
           "'probability'?" in found
    assert any(p.startswith("seeds.con: unknown key 'con'") for p in found)
    assert any(p.startswith("recordTraces['V_soma'].lco: unknown key") for p in found)
    assert "analysis['plotRaster'].orderBi: unknown key 'orderBi'; did you mean " \
           "'orderBy'?" in found


#: the analysis options NetPyNE's examples give (examples/*/cfg.py)
CORPUS_ANALYSIS = {
    "plotRaster": [
        {"orderInverse": False}, {"saveFig": "out_raster.png"}, {"saveFig": True},
        {"saveData": "raster_data.json", "saveFig": True, "showFig": True},
        {"orderBy": "y", "orderInverse": True, "saveFig": False, "figSize": (9, 3)},
        {"include": ["allCells"], "saveFig": True, "timeRange": [100, 600],
         "colorbyPhase": {"signal": "LFP", "electrode": 1, "filtFreq": [4, 8],
                          "filtOrder": 3, "pop_background": True, "include_signal": True}},
        {"include": ["S", "M"], "saveFig": True, "showFig": False, "labels": "overlay",
         "popRates": True, "orderInverse": True, "timeRange": [0, 500],
         "popColors": {"S": "red", "IT2": "blue"}, "figSize": (6, 6), "lw": 0.3,
         "markerSize": 10, "marker": ".", "dpi": 300},
        {"include": ["S"], "spikeHist": "subplot", "spikeHistBin": 10, "figSize": (14, 8),
         "dpi": 300, "saveFig": "raster.png", "marker": ".", "markerSize": 3}],
    "plotTraces": [
        {"include": [1, 21]}, {"include": [0], "saveFig": "out_V_cell0.png"},
        {"include": ["S"], "ylim": [0, 0.0001], "overlay": True},
        {"include": [("S", 0), ("M", 0)], "timeRange": [0, 500], "oneFigPer": "cell",
         "figSize": (10, 4), "saveFig": True, "showFig": False}],
    "plot2Dnet": [{"saveFig": "out_net2D.png", "figSize": (8, 8)}, {"showConns": False},
                  {"include": ["S"]}, {"saveFig": True, "showFig": True}],
    "plotConn": [
        True, {"includePre": ["S", "M"], "includePost": ["S", "M"], "feature": "strength",
               "figSize": (10, 10), "groupBy": "pop", "graphType": "matrix",
               "synOrConn": "conn", "synMech": None, "saveData": None, "saveFig": 1,
               "showFig": 0}],
    "plotSpikeHist": [{"include": ["S", "M"], "timeRange": [0, 500], "saveFig": True,
                       "showFig": False, "popColors": {"S": "k"}, "figSize": (10, 4),
                       "dpi": 300}],
    "plotShape": [{"includePre": ["S"], "includePost": [0], "cvar": "numSyns",
                   "dist": 0.7, "saveFig": True},
                  {"includePre": ["all"], "includePost": [0, 20], "cvar": "numSyns",
                   "dist": 0.7, "saveFig": True}],
    "plotLFP": [{"includeAxon": False, "figSize": (6, 10), "NFFT": 256, "noverlap": 48,
                 "nperseg": 64, "saveFig": True},
                {"includeAxon": False, "figSize": (6, 10), "timeRange": [100, 1000],
                 "saveFig": True},
                {"separation": 1.0, "plots": ["timeSeries", "locations"]}],
    "plotLFPTimeSeries": [{"showFig": True, "saveFig": True}],
}


@pytest.mark.parametrize("name", list(CORPUS_ANALYSIS))
def test_the_examples_plot_options_are_accepted(tut2, name):
    net, cfg = tut2
    for options in CORPUS_ANALYSIS[name]:
        cfg.analysis = {name: options}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, _, output = validate(net, cfg)
        (drawn, _), = output.analysis


def test_every_netpyne_plot_option_is_in_its_entry():
    for name, plot in PLOTS.items():
        assert FIGURE_OPTIONS.keys() <= plot.options.keys(), name
        for key in (*PLOT_NO_EFFECT.get(name, {}), *PLOT_NOT_DRAWN.get(name, {})):
            assert key in plot.options, (name, key)
    # NetPyNE's signatures (analysis and plotting), a few of each
    assert {"includePre", "includePost", "dist", "elev", "azim", "showSyns", "synStyle",
            "showElectrodes", "cvals", "bkgColor", "axisLabels", "kind"} <= \
        PLOTS["plotShape"].options.keys()
    assert {"colorbyPhase", "maxSpikes", "labels", "lw", "marker", "popColors",
            "colorList", "legendKwargs", "rcParams", "fileName", "fileDesc"} <= \
        PLOTS["plotRaster"].options.keys()
    assert {"rerun", "subtitles", "colors", "ylim", "axis", "scaleBarLoc"} <= \
        PLOTS["plotTraces"].options.keys()
    assert {"LFPData", "electrodes", "separation", "colorList", "scalebar"} <= \
        PLOTS["plotLFPTimeSeries"].options.keys()


def test_plot_option_values_are_checked():
    check = Checker()
    options = plot_options("plotTraces", {"ylim": [1, 0], "saveData": "data.txt",
                                          "legendKwargs": 3, "dpi": 0, "title": 5},
                           "analysis['plotTraces']", ["S", "M"], check)
    assert [str(p) for p in check.problems] == [
        "analysis['plotTraces'].ylim: must be [min, max] with min < max, not [1, 0]",
        "analysis['plotTraces'].title: must be a string, not 5",
        "analysis['plotTraces'].legendKwargs: must be a dict, not int 3",
        "analysis['plotTraces'].dpi: must be > 0, not 0",
        "analysis['plotTraces'].saveData: must be True, False or a file name ending in "
        ".pkl or .json, not 'data.txt'"]
    assert options["saveFig"] is False
    check = Checker()
    raster = plot_options("plotRaster", {"saveFig": 1, "fileType": "csv",
                                         "spikeHist": "below"},
                          "analysis['plotRaster']", ["S"], check)
    assert raster["saveFig"] is True
    assert [str(p) for p in check.problems] == [
        "analysis['plotRaster'].spikeHist: unknown spikeHist 'below'; valid names are "
        "'False', 'None', 'True', 'overlay', 'subplot'",
        "analysis['plotRaster'].fileType: unknown fileType 'csv'; valid names are "
        "'.json', '.pkl', 'json', 'pickle', 'pkl'"]


def test_a_population_the_network_lacks_draws_nothing_with_a_warning():
    check = Checker()
    with pytest.warns(UserWarning) as caught:
        options = plot_options("plotRaster", {"include": ["S", "IT2", ("PT5B", 0),
                                                          "eachPop", "allNetStims"]},
                               "analysis['plotRaster']", ["S", "M"], check)
    assert check.problems == []
    assert options["include"] == ("S", "allCells")
    assert [str(w.message) for w in caught] == [
        "analysis['plotRaster'].include[1]: the network has no population 'IT2' (valid "
        "names are 'M', 'S'): it draws nothing, as in NetPyNE",
        "analysis['plotRaster'].include[2]: the network has no population 'PT5B' (valid "
        "names are 'M', 'S'): it draws nothing, as in NetPyNE",
        "analysis['plotRaster'].include[4]: NetStims are not drawn yet"]


def test_netpyne_analysis_functions_neuroloom_lacks_are_named(tut2):
    net, cfg = tut2
    cfg.analysis = {"plotRates": {"include": ["S"]}, "iplotRaster": {}}
    assert problems(net, cfg) == [
        "analysis['plotRates']: 'plotRates' is not supported yet (not in neuroloom's table "
        "of plots)",
        "analysis['iplotRaster']: 'iplotRaster' is not supported yet (NetPyNE's "
        "interactive (bokeh) plots)"]
    assert {"plotRates", "granger"} <= ANALYSIS_PENDING.keys()
    assert analysis_specs({"plotRaster": False}, ["S"], Checker()) == ()
