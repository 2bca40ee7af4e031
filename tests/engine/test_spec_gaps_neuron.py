"""Issue 19, item 7, with NEURON: what NEURON knows of mechanisms (after the user's
modFolders) is checked with the spec, before anything is built, by the API and by
`neuroloom validate`."""
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT, tutorial_specs
from neuroloom.engine.modfiles import mechanism_catalog
from neuroloom.errors import SpecError
from neuroloom.sim import Session

TEST_MODS = str(ROOT / "tests" / "data" / "mod")
NEUROLOOM = str(Path(sys.executable).parent / "neuroloom")


def test_the_catalog_says_what_neuron_knows():
    catalog = mechanism_catalog()
    assert catalog["hh"]["kind"] == "density mechanism" and "gnabar" in catalog["hh"]["params"]
    assert catalog["Exp2Syn"] == {"kind": "point process",
                                  "params": ("A", "B", "e", "g", "i", "tau1", "tau2")}
    assert catalog["NetStim"]["kind"] == catalog["IntFire1"]["kind"] == "artificial cell"
    assert "morphology" not in catalog and "na_ion" in catalog
    # neuroloom's own mechanisms are known by kind before they are loaded
    assert catalog["Izhi2007b"]["kind"] == "point process"


def test_the_api_checks_mechanisms_before_building(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut3")
    cfg.duration, cfg.analysis = 10.0, {}
    net.cellParams['PYR']['secs']['soma']['mechs']['hhh'] = \
        net.cellParams['PYR']['secs']['soma']['mechs'].pop('hh')
    net.synMechParams['exc']['mod'] = 'Exp3Syn'
    session = Session(net, cfg, echo=None)
    with pytest.raises(SpecError) as info:
        session.create()
    assert [str(p) for p in info.value.problems] == [
        "cellParams['PYR'].secs['soma'].mechs['hhh']: NEURON has no density mechanism 'hhh'; "
        "did you mean 'hh'?",
        "synMechParams['exc'].mod: NEURON has no point process 'Exp3Syn'; did you mean "
        "'ExpSyn' or 'Exp2Syn'?"]
    assert session.network is None and session.model is None  # nothing was built


def test_mechanisms_of_the_users_mod_folders_are_known(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut3")
    cfg.duration, cfg.analysis, cfg.modFolders = 10.0, {}, [TEST_MODS]
    net.synMechParams['gap'] = {'mod': 'ElectSyn', 'gg': 0.1}
    session = Session(net, cfg, echo=None)
    with pytest.raises(SpecError, match=r"synMechParams\['gap'\]\.gg: 'ElectSyn' has no "
                                        r"parameter 'gg'; did you mean 'g'\?"):
        session.create()


def test_validate_command_reports_every_spec_gap(tmp_path):
    script = tmp_path / "gaps.py"
    script.write_text((EXAMPLES / "tut3.py").read_text().replace(
        "sim.createSimulateAnalyze", """
netParams.cellParams['PYR']['secs']['soma']['mechs']['hh']['gnabarr'] = 0.1
netParams.cellParams['PYR']['secs']['dend']['mechs']['pass'] = {'g': 1e-5}
netParams.synMechParams['exc']['mod'] = 'Exp3Syn'
netParams.synMechParams['inh'] = {'mod': 'ExpSyn', 'tau': -1}
simConfig.recordTraces['V_x'] = {'sec': 'axon', 'loc': 0.5, 'var': 'v'}
sim.createSimulateAnalyze"""))
    done = subprocess.run([NEUROLOOM, "validate", script], capture_output=True, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines == [f"{script}: {line}" for line in (
        "synMechParams['inh'].tau: must be > 0, not -1",
        "recordTraces['V_x'].sec: cell type 'PYR' has no section or secList 'axon'; valid "
        "names are 'dend', 'soma'",
        "cellParams['PYR'].secs['soma'].mechs['hh'].gnabarr: 'hh' has no parameter "
        "'gnabarr'; did you mean 'gnabar'?",
        "cellParams['PYR'].secs['dend'].mechs['pass']: NEURON has no density mechanism "
        "'pass'; did you mean 'pas'?",
        "synMechParams['exc'].mod: NEURON has no point process 'Exp3Syn'; did you mean "
        "'ExpSyn' or 'Exp2Syn'?")] + ["5 problems"]
    good = subprocess.run([NEUROLOOM, "validate", EXAMPLES / "tut3.py"], capture_output=True,
                          text=True)
    assert good.returncode == 0 and "could not be checked" not in good.stdout


def test_validate_command_checks_a_saved_runs_mechanisms(tmp_path):
    saved = tmp_path / "tut2.json"
    done = subprocess.run([NEUROLOOM, "convert", EXAMPLES / "tut2.py", saved],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    saved.write_text(saved.read_text().replace('"gnabar"', '"gnabarr"'))
    done = subprocess.run([NEUROLOOM, "validate", saved], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{saved}: MechanismError: cellType 'PYR', section 'soma', mechanism 'hh': 'hh' has "
        "no parameter 'gnabarr'; did you mean 'gnabar'?", "1 problem"]
