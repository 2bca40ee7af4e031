"""NetPyNE's NetParams and SimConfig methods, as NetPyNE's examples call them (no NEURON):
addXParams, cell rules in JSON and pickle files (NetPyNE's own, Python 2 ones included),
section lists by distance, weightNorm files, renamed sections, importCellParams' conds,
the cfg -> netParams mapping, cfg.addAnalysis."""
import json
import os
import pickle
import shutil
import warnings

import pytest

from helpers import shared
from neuroloom import specs
from neuroloom.errors import FormatError, SpecError
from neuroloom.specs import netparams as netparams_module
from neuroloom.specs.dicts import Dict
from neuroloom.specs.pickles import load_pickle

EXAMPLES = shared("netpyne-examples")


def test_add_params_store_rules_and_number_unlabelled_ones_as_netpyne():
    net = specs.NetParams()
    net.addCellParams("PYR", {"secs": {"soma": {"geom": {"diam": 10, "L": 10}}}})
    net.addPopParams("S", {"cellType": "PYR", "numCells": 5})
    net.addSynMechParams("exc", {"mod": "ExpSyn"})
    net.addStimSourceParams("bkg", {"type": "NetStim", "rate": 10})
    net.addStimTargetParams("bkg->S", {"source": "bkg", "conds": {"pop": "S"}})
    net.addSubConnParams("sub", {"preConds": {}, "postConds": {}})
    first = net.addConnParams(None, {"preConds": {"pop": "S"}, "postConds": {"pop": "S"}})
    net.addConnParams(None, {"preConds": {"pop": "S"}, "postConds": {"pop": "S"}})
    net.addConnParams("named", {"preConds": {"pop": "S"}, "postConds": {"pop": "S"}})
    assert net.cellParams.PYR.secs.soma.geom.diam == 10  # attribute access: a Dict
    assert isinstance(first, Dict) and net.popParams["S"].numCells == 5
    # NetPyNE's counter: 0, 1, ... shared by every kind of rule
    assert list(net.connParams) == [0, 1, "named"] and net._labelid == 2
    net.addPopParams(None, {"cellType": "PYR", "numCells": 1})
    assert list(net.popParams) == ["S", 2]
    assert list(net.subConnParams) == ["sub"] and list(net.stimTargetParams) == ["bkg->S"]
    with pytest.raises(SpecError, match=r"connParams\['bad'\]: the rule must be a dict"):
        net.addConnParams("bad", 3)


def test_json_and_pickle_rules_netpyne_wrote_are_read_with_their_conds(tmp_path):
    net = specs.NetParams()
    from_json = net.loadCellParamsRule("CSTR", EXAMPLES / "rxd_net/cells/CSTR_cellParams.json")
    assert from_json.conds == {"cellType": ["E", "I"]} and "soma" in from_json.secs
    # a pickle of NetPyNE's Dict (protocol 4), read without NetPyNE
    from_pkl = net.loadCellParamsRule(
        "IT5B", EXAMPLES / "sandbox/cells/IT5B_reduced_cellParams.pkl")
    assert from_pkl.conds == {"cellModel": "HH_reduced", "cellType": "IT",
                              "ynorm": [0.52, 0.77]}
    assert set(from_pkl) == {"secs", "secLists", "globals", "conds"}
    assert type(from_pkl.secs.soma.geom.L) is float  # numpy scalars become numbers
    # a Python 2 pickle (copy_reg, __builtin__, latin-1 strings)
    old = net.loadCellParamsRule("PT", EXAMPLES / "M1detailed/cells/PT_full_cellParams.pkl")
    assert len(old.secs) > 50 and old.conds
    assert json.dumps(old.todict())  # plain data all the way down


def test_saved_rules_are_netpyne_files_and_read_back(tmp_path):
    net = specs.NetParams()
    rule = net.loadCellParamsRule("IT5B",
                                  EXAMPLES / "sandbox/cells/IT5B_reduced_cellParams.pkl")
    as_json = net.saveCellParamsRule("IT5B", tmp_path / "rule.json")
    as_pkl = net.saveCellParamsRule("IT5B", str(tmp_path / "rule.pkl"))
    text = as_json.read_text()
    assert text.startswith('{\n    "conds": {') and json.loads(text) == rule.todict()
    with open(as_pkl, "rb") as f:  # plain dicts: any Python (and NetPyNE) reads it
        plain = pickle.load(f)
    assert type(plain) is dict and plain == rule.todict()
    other = specs.NetParams()
    assert other.loadCellParams("A", as_json) == other.loadCellParamsRule("B", as_pkl) == rule
    with pytest.raises(SpecError, match="has no rule 'nope'"):
        net.saveCellParamsRule("nope", tmp_path / "x.json")
    with pytest.raises(FormatError, match=r"a cell rule file is \.json or \.pkl"):
        net.saveCellParamsRule("IT5B", tmp_path / "rule.txt")
    with pytest.raises(FormatError, match="does not exist"):
        net.loadCellParamsRule("X", tmp_path / "missing.json")


class _Runs:
    """A pickle that would run a command when loaded."""

    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_pickle_that_asks_for_code_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = tmp_path / "rule.pkl"
    evil.write_bytes(pickle.dumps({"secs": _Runs()}))
    with pytest.raises(FormatError, match=r"holds a '(posix|nt|os)\.system', which is not "
                                          r"plain data"):
        specs.NetParams().loadCellParamsRule("X", evil)
    assert not (tmp_path / "pwned").exists()
    with pytest.raises(FormatError, match="holds a list, not a cell rule"):
        (tmp_path / "list.pkl").write_bytes(pickle.dumps([1, 2]))
        specs.NetParams().loadCellParamsRule("X", tmp_path / "list.pkl")
    assert load_pickle(EXAMPLES / "M1detailed/cells/popColors.pkl")["popColors"]


def _three_section_rule():
    return {"secs": {
        "soma": {"geom": {"pt3d": [[0, -5, 0, 10], [0, 0, 0, 10], [0, 5, 0, 10]]}},
        "apic": {"geom": {"pt3d": [[0, 5, 0, 2], [0, 100, 0, 2], [0, 200, 0, 2]]},
                 "topol": {"parentSec": "soma", "parentX": 1, "childX": 0}},
        "axon": {"geom": {"L": 100, "diam": 1},
                 "topol": {"parentSec": "soma", "parentX": 0, "childX": 0}}},
        "secLists": {"all": ["soma", "apic", "axon"]}}


def test_section_lists_by_distance_from_the_soma():
    net = specs.NetParams()
    net.cellParams["C"] = _three_section_rule()
    with pytest.warns(UserWarning, match=r"cellParams\['C'\]: secList 'near' leaves out the "
                                         r"sections without 3D points: 'axon'"):
        near = net.addCellParamsSecList("C", "near", somaDist=[0, 50])
    assert near == ["soma"] and net.cellParams.C.secLists.near == ["soma"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert net.addCellParamsSecList("C", "up", somaDistY=[50, 300]) == ["apic"]
        # the middle point is point len // 2, as NetPyNE takes it: apic's is y = 100
        assert net.addCellParamsSecList("C", "far", somaDist=[99, 101]) == ["apic"]
    with pytest.raises(SpecError, match="give somaDist or somaDistY"):
        net.addCellParamsSecList("C", "x")
    with pytest.raises(SpecError, match=r"somaDist must be \[min, max\]"):
        net.addCellParamsSecList("C", "x", somaDist=50)
    with pytest.raises(SpecError, match="has no rule 'D'"):
        net.addCellParamsSecList("D", "x", somaDist=[0, 1])


def test_weight_norm_files_capped_at_threshold_times_the_soma(tmp_path):
    net = specs.NetParams()
    net.cellParams["C"] = _three_section_rule()
    path = tmp_path / "wn.pkl"
    path.write_bytes(pickle.dumps({"soma": [0.5], "apic": [0.1, 2.0, 7.0], "dend": [1.0]}))
    with pytest.warns(UserWarning, match=r"sections the rule does not have: 'dend'"):
        net.addCellParamsWeightNorm("C", path, threshold=10)
    secs = net.cellParams.C.secs
    assert secs.soma.weightNorm == [0.5] and secs.apic.weightNorm == [0.1, 2.0, 5.0]
    assert "weightNorm" not in secs.axon
    # NetPyNE's own file: one factor per segment of each section of its cell
    shutil.copy(EXAMPLES / "PTcell/conn/PT5B_full_weightNorm.pkl", tmp_path / "pt.pkl")
    factors = load_pickle(tmp_path / "pt.pkl")
    assert all(isinstance(v, list) or hasattr(v, "__len__") for v in factors.values())
    path.write_bytes(pickle.dumps({"dend": [1.0]}))
    with pytest.raises(FormatError, match="no soma section"):
        net.addCellParamsWeightNorm("C", path)


def test_renaming_a_section_renames_its_references():
    net = specs.NetParams()
    net.cellParams["C"] = _three_section_rule()
    net.renameCellParamsSec("C", "soma", "soma_0")
    rule = net.cellParams.C
    assert list(rule.secs) == ["apic", "axon", "soma_0"]
    assert rule.secs.apic.topol.parentSec == rule.secs.axon.topol.parentSec == "soma_0"
    assert rule.secLists.all == ["soma_0", "apic", "axon"]
    with pytest.raises(SpecError, match="has no section 'soma'"):
        net.renameCellParamsSec("C", "soma", "x")


def test_import_cell_params_stores_its_conds(monkeypatch):
    monkeypatch.setattr(netparams_module, "import_cell", lambda *args: (
        {"secs": {"soma": {"geom": {"L": 10, "diam": 10}}}, "secLists": {}}, {}))
    net = specs.NetParams()
    rule = net.importCellParams("PT5B_full", "cells/PTcell.hoc", "PTcell",
                                conds={"cellType": "PT", "cellModel": "HH_full"})
    assert rule.conds == {"cellType": "PT", "cellModel": "HH_full"}
    assert net.cellParams.PT5B_full.secs.soma.geom.L == 10
    assert net.importCellParams("plain", "cells/PTcell.hoc", "PTcell").conds == {}


def test_mapping_sets_cfg_values_in_the_rules():
    net, cfg = specs.NetParams(), specs.SimConfig()
    net.synMechParams["NMDA"] = {"mod": "Exp2Syn", "tau1": 15}
    net.mapping["tau1NMDA"] = ["synMechParams", "NMDA", "tau1"]
    net.mapping["notInCfg"] = "synMechParams.NMDA.tau2"
    cfg.tau1NMDA = 20
    net.setCfgMapping(cfg)
    assert net.synMechParams.NMDA.tau1 == 20 and "tau2" not in net.synMechParams.NMDA
    net.setNestedParam("synMechParams.NMDA.e", 0)
    assert net.synMechParams.NMDA.e == 0
    with pytest.raises(SpecError, match="netParams has no 'synMechParams.AMPA'"):
        net.setNestedParam(["synMechParams", "AMPA", "tau1"], 1)


def test_simconfig_methods():
    cfg = specs.SimConfig()
    cfg.addAnalysis("plotRaster", True)
    cfg.addAnalysis("plotTraces", {"include": [("IT_L23", 0)]})
    assert cfg.analysis == {"plotRaster": True, "plotTraces": {"include": [("IT_L23", 0)]}}
    assert list(cfg.analysis) == ["plotRaster", "plotTraces"]
    cfg.setParam("duration", 500)
    assert cfg.duration == 500
