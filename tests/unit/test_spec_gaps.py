"""Spec gaps of issue 19 (item 7), without NEURON: mechanisms checked against a catalog of
what NEURON knows (given as plain data, as the engine makes it), recordTraces against the
cells, cell index lists against the populations, synMech bounds, and a population defined
wrongly reported once."""
import warnings

import pytest

from helpers import tutorial_specs
from neuroloom.builder import network_from_specs
from neuroloom.errors import SpecError
from neuroloom.validate import validate

#: a catalog as engine/mechanisms.py catalog() makes it (a few of NEURON's built-ins)
CATALOG = {
    "hh": {"kind": "density mechanism",
           "params": ("el", "gkbar", "gl", "gnabar", "h", "m", "n")},
    "pas": {"kind": "density mechanism", "params": ("e", "g", "i")},
    "na_ion": {"kind": "density mechanism", "params": ("ena", "ina", "nai", "nao")},
    "ExpSyn": {"kind": "point process", "params": ("e", "g", "i", "tau")},
    "Exp2Syn": {"kind": "point process", "params": ("e", "g", "i", "tau1", "tau2")},
    "IClamp": {"kind": "point process", "params": ("amp", "del", "dur", "i")},
    "NetStim": {"kind": "artificial cell", "params": ("interval", "noise", "number",
                                                      "start")},
    "IntFire1": {"kind": "artificial cell", "params": ("m", "refrac", "tau")},
    "Izhi2007b": {"kind": "point process", "params": None},  # not loaded yet
}


def known(folders, used):
    known.calls.append((tuple(folders), set(used)))
    return CATALOG


known.calls = []


@pytest.fixture
def tut3():
    return tutorial_specs("tut3")


def problems(net, cfg, **kwargs):
    with pytest.raises(SpecError) as info:
        validate(net, cfg, **kwargs)
    return [str(p) for p in info.value.problems]


def test_the_tutorial_is_valid_against_the_catalog(tut3):
    known.calls.clear()
    validate(*tut3, mechanisms=known)
    assert known.calls == [((), {"hh", "pas", "Exp2Syn"})]


@pytest.mark.parametrize("change, expected", [
    (lambda n: n.cellParams['PYR']['secs']['soma']['mechs'].__setitem__(
        'hhh', n.cellParams['PYR']['secs']['soma']['mechs'].pop('hh')),
     "cellParams['PYR'].secs['soma'].mechs['hhh']: NEURON has no density mechanism 'hhh'; "
     "did you mean 'hh'?"),
    (lambda n: n.cellParams['PYR']['secs']['soma']['mechs']['hh'].__setitem__('gnabarr', 1),
     "cellParams['PYR'].secs['soma'].mechs['hh'].gnabarr: 'hh' has no parameter 'gnabarr'; "
     "did you mean 'gnabar'?"),
    (lambda n: n.synMechParams['exc'].__setitem__('mod', 'Exp3Syn'),
     "synMechParams['exc'].mod: NEURON has no point process 'Exp3Syn'; did you mean "
     "'ExpSyn' or 'Exp2Syn'?"),
    (lambda n: n.synMechParams['exc'].__setitem__('tauu2', 3),
     "synMechParams['exc'].tauu2: 'Exp2Syn' has no parameter 'tauu2'; did you mean 'tau2'?"),
    (lambda n: n.synMechParams['exc'].__setitem__('mod', 'hh'),
     "synMechParams['exc'].mod: 'hh' is a NEURON density mechanism, not a point process"),
    (lambda n: n.cellParams['PYR']['secs']['soma'].__setitem__('ions', {'naa': {'e': 50}}),
     "cellParams['PYR'].secs['soma'].ions['naa']: NEURON has no ion 'naa' (no mechanism "
     "declares it); did you mean 'na'?"),
    (lambda n: n.cellParams['PYR']['secs']['soma'].__setitem__(
        'pointps', {'syn': {'mod': 'ExpSyn', 'tauu': 2}}),
     "cellParams['PYR'].secs['soma'].pointps['syn'].tauu: 'ExpSyn' has no parameter 'tauu'; "
     "did you mean 'tau'?"),
    (lambda n: n.popParams.__setitem__('A', {'cellModel': 'IntFire11', 'numCells': 2}),
     "popParams['A'].cellModel: NEURON has no artificial cell 'IntFire11'; did you mean "
     "'IntFire1'?"),
    (lambda n: n.popParams.__setitem__('A', {'cellModel': 'IntFire1', 'numCells': 2,
                                             'tauu': 3}),
     "popParams['A'].tauu: 'IntFire1' has no parameter 'tauu'; did you mean 'tau'?"),
    (lambda n: n.stimSourceParams['bkg'].__setitem__('rate', 'variable'),
     "stimSourceParams['bkg']: NEURON has no point process or artificial cell 'NSLOC' (a "
     "NetStim made as NSLOC: its mod file, e.g. NetPyNE examples' nsloc.mod, must be in "
     "modFolders)"),
])
def test_mechanism_names_and_parameters_are_checked_with_their_paths(tut3, change, expected):
    net, cfg = tut3
    change(net)
    assert problems(net, cfg, mechanisms=known) == [expected]
    validate(net, cfg)  # without a catalog nothing is checked here (the engine checks)


@pytest.mark.parametrize("trace, expected", [
    ({'sec': 'soma', 'mech': 'hh', 'var': 'gnaa'},
     "recordTraces['g'].var: 'gnaa' is not a variable of mechanism 'hh'; did you mean "
     "'gnabar'?"),
    ({'sec': 'soma', 'synMech': 'exc', 'var': 'gg'},
     "recordTraces['g'].var: 'gg' is not a variable of synMech 'exc' (Exp2Syn); did you "
     "mean 'g'?"),
])
def test_trace_variables_are_checked_against_the_catalog(tut3, trace, expected):
    net, cfg = tut3
    cfg.recordTraces['g'] = trace
    assert problems(net, cfg, mechanisms=known) == [expected]


def test_parameters_of_a_mechanism_not_loaded_yet_are_left_to_the_engine(tut3):
    net, cfg = tut3
    net.cellParams['PYR']['secs']['soma']['pointps'] = {'Izhi': {'mod': 'Izhi2007b', 'kk': 1}}
    validate(net, cfg, mechanisms=known)


def test_a_mod_folder_that_fails_is_a_problem_of_modfolders(tut3):
    from neuroloom.errors import MechanismError

    def failing(folders, used):
        raise MechanismError("mod folder 'nowhere' does not exist")

    net, cfg = tut3
    net.synMechParams['exc']['tau1'] = -1
    assert problems(net, cfg, mechanisms=failing) == [
        "synMechParams['exc'].tau1: must be > 0, not -1",
        "modFolders: mod folder 'nowhere' does not exist"]


@pytest.mark.parametrize("trace, expected", [
    ({'sec': 'dendd', 'loc': 0.5, 'var': 'v'},
     "recordTraces['V_x'].sec: cell type 'PYR' has no section or secList 'dendd'; did you "
     "mean 'dend'?"),
    ({'sec': 'axon', 'loc': 0.5, 'var': 'v', 'conds': {'pop': 'S'}},
     "recordTraces['V_x'].sec: cell type 'PYR' has no section or secList 'axon'; valid names "
     "are 'dend', 'soma'"),
    ({'sec': 'soma', 'mech': 'hhh', 'var': 'm'},
     "recordTraces['V_x'].mech: section 'soma' of cell type 'PYR' has no mechanism 'hhh'; "
     "did you mean 'hh'?"),
    ({'sec': 'soma', 'pointp': 'Izhi', 'var': 'u'},
     "recordTraces['V_x'].pointp: section 'soma' of cell type 'PYR' has no point process "
     "'Izhi'; none are defined"),
])
def test_record_traces_name_what_the_cells_have(tut3, trace, expected):
    net, cfg = tut3
    cfg.recordTraces['V_x'] = trace
    assert problems(net, cfg) == [expected]


def test_a_trace_records_the_cells_that_have_its_section_unless_conds_say_otherwise(tut3):
    net, cfg = tut3
    net.cellParams['BALL'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10}}}}
    net.popParams['B'] = {'cellType': 'BALL', 'numCells': 2}
    cfg.recordTraces['V_dend'] = {'sec': 'dend', 'loc': 0.5, 'var': 'v'}
    validate(net, cfg)  # PYR cells record it, BALL cells have no dend (as in NetPyNE)
    cfg.recordTraces['V_dend']['conds'] = {'pop': ['S', 'B']}
    assert problems(net, cfg) == [
        "recordTraces['V_dend'].sec: the cells of population B its conds select have no "
        "section or secList 'dend'"]


def test_a_trace_whose_conds_select_no_population_warns(tut3):
    net, cfg = tut3
    net.popParams['N'] = {'cellModel': 'NetStim', 'numCells': 2, 'rate': 10}
    cfg.recordTraces['V_x'] = {'sec': 'soma', 'var': 'v',
                               'conds': {'pop': 'S', 'cellModel': 'IntFire1'}}
    with pytest.warns(UserWarning, match=r"recordTraces\['V_x'\]\.conds: select no cells"):
        validate(net, cfg)


@pytest.mark.parametrize("where, index, message", [
    ("stim", 100, "stimTargetParams['bkg->PYR'].conds.cellList: index 100 is out of range: "
                  "the conds select 20 cells"),
    ("recordCells", 20, "recordCells[0]: index 20 is out of range: population 'S' has 20 "
                        "cells"),
    ("gid", 40, "recordCells[0]: gid 40 is out of range: the network has 40 cells"),
    ("include", 99, "analysis['plotTraces'].include[0]: gid 99 is out of range: the network "
                    "has 40 cells"),
    ("pair", 25, "analysis['plotRaster'].include[0]: index 25 is out of range: population "
                 "'M' has 20 cells"),
])
def test_cell_indices_past_the_population_are_errors(tut3, where, index, message):
    net, cfg = tut3
    if where == "stim":
        net.stimTargetParams['bkg->PYR']['conds'] = {'pop': 'S', 'cellList': [0, index]}
    elif where == "recordCells":
        cfg.recordCells = [('S', [1, index])]
    elif where == "gid":
        cfg.recordCells = [index]
    elif where == "include":
        cfg.analysis['plotTraces']['include'] = [index]
    else:
        cfg.analysis['plotRaster'] = {'include': [('M', [0, index])]}
    with pytest.raises(SpecError) as info:
        network_from_specs(net, cfg)
    assert [str(p) for p in info.value.problems] == [message]


def test_indices_within_the_populations_build(tut3):
    net, cfg = tut3
    net.stimTargetParams['bkg->PYR']['conds'] = {'pop': 'S', 'cellList': [0, 19]}
    cfg.recordCells = [('S', [0, 19]), 39]
    network = network_from_specs(net, cfg)
    assert sorted(network.stims.gid.tolist()) == [0, 19]


@pytest.mark.parametrize("param, value, message", [
    ("tau1", -1, "synMechParams['exc'].tau1: must be > 0, not -1"),
    ("tau2", 0, "synMechParams['exc'].tau2: must be > 0, not 0"),
    ("e", float("inf"), "synMechParams['exc'].e: must be finite, not inf"),
    ("e", float("nan"), "synMechParams['exc'].e: must be a number, not nan"),
    ("tau1", "fast", "synMechParams['exc'].tau1: must be a number, not the string 'fast' (string "
                          "functions are not supported here yet)"),
])
def test_syn_mech_parameters_out_of_range(tut3, param, value, message):
    net, cfg = tut3
    net.synMechParams['exc'][param] = value
    assert problems(net, cfg) == [message]


def test_exp_syn_tau_and_exp2syn_tau1_above_tau2(tut3):
    net, cfg = tut3
    net.synMechParams['fast'] = {'mod': 'ExpSyn', 'tau': -0.5, 'e': 0}
    assert problems(net, cfg) == ["synMechParams['fast'].tau: must be > 0, not -0.5"]
    net.synMechParams['fast']['tau'] = 2
    net.synMechParams['exc']['tau1'] = 6
    with pytest.warns(UserWarning, match=r"synMechParams\['exc'\]\.tau1: 6 >= tau2 5: "
                                         "NEURON's Exp2Syn then uses tau1 = 0.9999\\*tau2"):
        validate(net, cfg)


def test_a_population_defined_wrongly_is_reported_once(tut3):
    net, cfg = tut3
    net.popParams['S']['numCells'] = -3
    net.connParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                              'probability': 0.5, 'weight': 0.01, 'delay': 5, 'synMech': 'exc'}
    net.stimTargetParams['bkg->S'] = {'source': 'bkg', 'conds': {'pop': 'S'}, 'weight': 0.01,
                                      'delay': 5, 'synMech': 'exc'}
    cfg.recordCells = [('S', 1)]
    cfg.analysis['plotRaster'] = {'include': ['S']}
    cfg.recordTraces['V_S'] = {'sec': 'soma', 'var': 'v', 'conds': {'pop': 'S'}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert problems(net, cfg) == ["popParams['S'].numCells: must be >= 0, not -3"]
    # a population nobody defines is still unknown
    net.connParams['X->M'] = {'preConds': {'pop': 'X'}, 'postConds': {'pop': 'M'},
                              'probability': 0.5}
    assert "connParams['X->M'].preConds.pop: unknown pop 'X'; valid names are 'M', 'S'" \
        in problems(net, cfg)


def test_validate_says_mechanisms_could_not_be_checked_without_neuron(tmp_path):
    import subprocess
    import sys

    from helpers import EXAMPLES

    script = tmp_path / "hhh.py"
    script.write_text((EXAMPLES / "tut2.py").read_text().replace("['mechs']['hh']", "['mechs']['hhh']"))
    code = ("import sys; sys.modules['neuron'] = None\n"  # as if NEURON were not installed
            "from neuroloom.cli import main\n"
            f"sys.exit(main(['validate', {str(script)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == (f"{script}: valid script (40 cells, "
                                   f"{done.stdout.split('cells, ')[1].split(' ')[0]} "
                                   "connections); its mechanisms could not be checked: NEURON "
                                   "is not installed")
