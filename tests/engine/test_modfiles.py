"""NMODL folders: compiled into a cache keyed by content, loaded once, errors explained."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT
from neuroloom.engine import mechanisms, modfiles
from neuroloom.errors import MechanismError

TEST_MODS = ROOT / "tests" / "data" / "mod"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROLOOM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _no_compiler(*args, **kwargs):
    raise AssertionError("nrnivmodl was run again")


def test_compiling_twice_reuses_the_cache_and_a_change_recompiles(cache, tmp_path,
                                                                  monkeypatch):
    folder = tmp_path / "mods"
    folder.mkdir()
    shutil.copy(TEST_MODS / "selfv.mod", folder)
    first = modfiles.compiled(folder)
    library = first / "x86_64" / "libnrnmech.so"
    assert library.exists() and first.parent == cache / "mechanisms"
    stamp = library.stat().st_mtime_ns
    with monkeypatch.context() as patched:  # a second call runs no compiler
        patched.setattr(modfiles.subprocess, "run", _no_compiler)
        assert modfiles.compiled(folder) == first
    assert library.stat().st_mtime_ns == stamp
    (folder / "selfv.mod").write_text((folder / "selfv.mod").read_text() + "\n: changed\n")
    second = modfiles.compiled(folder)
    assert second != first and (second / "x86_64" / "libnrnmech.so").exists()
    assert not list((cache / "mechanisms").glob(".*"))  # no half-built folders left


def test_files_the_mod_files_include_are_compiled_with_them(cache, tmp_path):
    # NetPyNE's batchCell: its mod files INCLUDE "ghk.inc" from their folder
    folder = tmp_path / "mods"
    folder.mkdir()
    (folder / "scaled.inc").write_text("FUNCTION twice(x) {\n    twice = 2 * x\n}\n")
    (folder / "scaled.mod").write_text(
        "NEURON { SUFFIX scaled RANGE g }\nPARAMETER { g = 1 }\nINCLUDE \"scaled.inc\"\n")
    built = modfiles.compiled(folder)
    assert (built / "x86_64" / "libnrnmech.so").exists()
    (folder / "scaled.inc").write_text("FUNCTION twice(x) {\n    twice = x + x\n}\n")
    assert modfiles.compiled(folder) != built  # the included file is part of the content


def test_a_broken_mod_file_reports_the_compiler_message(cache):
    with pytest.raises(MechanismError, match=r"(?s)nrnivmodl could not compile.*broken\.mod"):
        modfiles.compiled(ROOT / "tests" / "data" / "mod_broken")
    assert [p for p in (cache / "mechanisms").iterdir() if p.is_dir()] == []


def test_names_loading_once_and_conflicts(tmp_path):
    assert sorted(modfiles.mechanism_names(sorted(TEST_MODS.glob("*.mod")))) == [
        "ElectSyn", "GradedSyn", "SelfV"]
    assert modfiles.load(TEST_MODS) == modfiles.load(TEST_MODS)  # the second is a no-op
    # a folder holding a copy of a loaded file (a SONATA export's mechanisms_dir): the
    # copy is skipped and the folder's other files are loaded
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(TEST_MODS / "selfv.mod", copy)
    (copy / "other.mod").write_text("NEURON { SUFFIX neuroloomtestother }\n")
    assert sorted(modfiles.load(copy)) == ["SelfV", "neuroloomtestother"]
    assert mechanisms.exists("neuroloomtestother")
    # a different file defining a loaded name is a clash
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "selfv.mod").write_text((TEST_MODS / "selfv.mod").read_text() + "\n: changed\n")
    (clash / "another.mod").write_text("NEURON { SUFFIX neuroloomtestanother }\n")
    with pytest.raises(MechanismError, match="NEURON already has SelfV"):
        modfiles.load(clash)
    assert not mechanisms.exists("neuroloomtestanother")
    with pytest.raises(MechanismError, match="holds no .mod files"):
        modfiles.load(tmp_path)


def test_the_facade_loads_a_folder():
    from neuroloom import sim
    assert sorted(sim.loadMechanisms(str(TEST_MODS))) == ["ElectSyn", "GradedSyn", "SelfV"]


def test_package_mechanisms_load_when_used():
    modfiles.load_package_mechanisms({"Izhi2007b"})
    assert mechanisms.exists("Izhi2007b") and mechanisms.exists("Izhi2003b")
    modfiles.load_package_mechanisms({"NlRandomStim"})
    assert mechanisms.exists("NlRandomStim")


def test_each_package_folder_is_used_alone_and_nlrandomstim_never_on_coreneuron():
    izhi, randomstim = modfiles.PACKAGE_MOD_FOLDERS
    assert modfiles.package_folders_used({"Izhi2003b", "hh"}) == [izhi]
    assert modfiles.package_folders_used({"NlRandomStim"}) == [randomstim]
    assert modfiles.package_folders_used({"hh", "pas"}) == []
    # CoreNEURON compiles every file of a folder: the Izhikevich cells' has no NlRandomStim
    assert "NlRandomStim" not in modfiles.mechanism_names(modfiles.mod_files(izhi))
    assert modfiles.package_folders_used({"Izhi2007b"}, coreneuron=True) == [izhi]
    with pytest.raises(MechanismError, match="NlRandomStim .*cannot run on CoreNEURON"):
        modfiles.package_folders_used({"NlRandomStim"}, coreneuron=True)


SPIKE_TRAINS_ONLY = """
import json
from neuroloom import specs, sim
from neuroloom.engine import mechanisms
net = specs.NetParams()
net.popParams['src'] = {'cellModel': 'VecStim', 'numCells': 2, 'spkTimes': [5.0, 20.0]}
net.popParams['lif'] = {'cellModel': 'IntFire1', 'numCells': 1, 'tau': 10, 'refrac': 1}
net.connParams['c'] = {'preConds': {'pop': 'src'}, 'postConds': {'pop': 'lif'},
                       'weight': 0.6, 'delay': 1}
net.cellParams['PYR'] = {'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8},
                                           'mechs': {'hh': {}}}}}
net.popParams['hh'] = {'cellType': 'PYR', 'numCells': 1}
net.synMechParams['exc'] = {'mod': 'ExpSyn', 'tau': 2, 'e': 0}
net.stimSourceParams['train'] = {'type': 'VecStim', 'spkTimes': [40.0]}
net.stimTargetParams['train->hh'] = {'source': 'train', 'conds': {'pop': 'hh'},
                                     'weight': 0.05, 'delay': 2, 'synMech': 'exc'}
cfg = specs.SimConfig()
cfg.duration, cfg.saveJson, cfg.saveSpikesSonata = 50, False, False
sim.createSimulate(net, cfg)
print(json.dumps(sorted(zip(sim.allSimData['spkt'].round(1).tolist(),
                            sim.allSimData['spkid'].tolist()))))
print(mechanisms.exists('VecStim'), mechanisms.exists('Izhi2007b'))
"""


def test_spike_trains_need_no_compiled_mechanism(tmp_path):
    """VecStim cells and stimuli are replayed by NEURON's built-in PatternStim: a model
    that uses no other mechanism compiles and loads nothing."""
    cache = tmp_path / "cache"
    result = subprocess.run([sys.executable, "-c", SPIKE_TRAINS_ONLY], capture_output=True,
                            text=True, timeout=120, env={**os.environ,
                                                        "NEUROLOOM_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr
    spikes, loaded = result.stdout.strip().splitlines()[-2:]
    # both trains fire; two coincident inputs of 0.6 make the IntFire1 fire 1 ms later;
    # the stimulus train's spike at 40 ms, 2 ms on, makes the HH cell fire once
    spikes = json.loads(spikes)
    assert spikes[:6] == [[5.0, 0], [5.0, 1], [6.0, 2], [20.0, 0], [20.0, 1], [21.0, 2]]
    assert len(spikes) == 7 and spikes[6][1] == 3 and 42 < spikes[6][0] < 46
    assert loaded == "False False"
    assert not cache.exists() or not any(cache.iterdir())



TWO_VECSTIMS = """
import sys
from pathlib import Path
from neuroloom.engine import mechanisms, modfiles
ours, bmtk_like = Path(sys.argv[1]), Path(sys.argv[2])
modfiles.load(ours)  # an export's vecstim.mod first
print(sorted(modfiles.load(bmtk_like)), mechanisms.exists('neuroloomtestbeside'))
"""


def test_a_second_vecstim_is_skipped_and_the_rest_of_its_folder_loads(tmp_path):
    """neuroloom never makes a VecStim (trains are replayed), so an export's vecstim.mod
    and a circuit's own VecStim (BMTK's vecevent.mod) may meet in one process."""
    ours = modfiles.PACKAGE_MODS / "vecstim"
    other = tmp_path / "bmtk_like"
    other.mkdir()
    (other / "vecevent.mod").write_text((ours / "vecstim.mod").read_text()
                                        + "\n: another library's copy\n")
    (other / "beside.mod").write_text("NEURON { SUFFIX neuroloomtestbeside }\n")
    done = subprocess.run([sys.executable, "-c", TWO_VECSTIMS, str(ours), str(other)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NEUROLOOM_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[-2] == "['VecStim', 'neuroloomtestbeside'] True"
