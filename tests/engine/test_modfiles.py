"""NMODL folders: compiled into a cache keyed by content, loaded once, errors explained."""
import shutil
import time

import pytest

from helpers import ROOT
from neuroloom.engine import modfiles
from neuroloom.errors import MechanismError

TEST_MODS = ROOT / "tests" / "data" / "mod"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROLOOM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_compiling_twice_reuses_the_cache_and_a_change_recompiles(cache, tmp_path):
    folder = tmp_path / "mods"
    folder.mkdir()
    shutil.copy(TEST_MODS / "selfv.mod", folder)
    first = modfiles.compiled(folder)
    library = first / "x86_64" / "libnrnmech.so"
    assert library.exists() and first.parent == cache / "mechanisms"
    stamp = library.stat().st_mtime_ns
    start = time.perf_counter()
    assert modfiles.compiled(folder) == first
    assert time.perf_counter() - start < 0.5  # no compiler run
    assert library.stat().st_mtime_ns == stamp
    (folder / "selfv.mod").write_text((folder / "selfv.mod").read_text() + "\n: changed\n")
    second = modfiles.compiled(folder)
    assert second != first and (second / "x86_64" / "libnrnmech.so").exists()
    assert not list((cache / "mechanisms").glob(".*"))  # no half-built folders left


def test_a_broken_mod_file_reports_the_compiler_message(cache):
    with pytest.raises(MechanismError, match=r"(?s)nrnivmodl could not compile.*broken\.mod"):
        modfiles.compiled(ROOT / "tests" / "data" / "mod_broken")
    assert [p for p in (cache / "mechanisms").iterdir() if p.is_dir()] == []


def test_names_loading_once_and_conflicts(tmp_path):
    assert sorted(modfiles.mechanism_names(sorted(TEST_MODS.glob("*.mod")))) == [
        "ElectSyn", "GradedSyn", "SelfV"]
    assert modfiles.load(TEST_MODS) == modfiles.load(TEST_MODS)  # the second is a no-op
    clash = tmp_path / "clash"
    clash.mkdir()
    shutil.copy(TEST_MODS / "selfv.mod", clash)
    (clash / "other.mod").write_text("NEURON { SUFFIX neuroloomtestother }\n")
    with pytest.raises(MechanismError, match="NEURON already has SelfV"):
        modfiles.load(clash)
    with pytest.raises(MechanismError, match="holds no .mod files"):
        modfiles.load(tmp_path)


def test_the_facade_loads_a_folder():
    from neuroloom import sim
    assert sorted(sim.loadMechanisms(str(TEST_MODS))) == ["ElectSyn", "GradedSyn", "SelfV"]


def test_package_mechanisms_are_there():
    names = modfiles.load_package_mechanisms()
    assert sorted(names) == ["Izhi2003b", "Izhi2007b", "VecStim"]
