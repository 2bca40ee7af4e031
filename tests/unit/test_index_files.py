"""sim.loadFromIndexFile: NetPyNE's model index (index.npjson) read as NetPyNE reads it."""
import json
import os
import subprocess
import sys

import pytest

from neuroloom import sim
from neuroloom.errors import FormatError

CFG = "from neuroloom import specs\ncfg = specs.SimConfig()\ncfg.duration = 123\ncfg.w = 0.5\n"
# as NetPyNE's examples write it: the cfg comes from __main__ (loadModel puts it there), and
# the files named in it are relative to the index's folder
NET = ("from neuroloom import specs\n"
       "from __main__ import cfg\n"
       "netParams = specs.NetParams()\n"
       "netParams.weight = cfg.w\n"
       "netParams.note = open('data/note.txt').read()\n")


@pytest.fixture
def model(tmp_path):
    folder = tmp_path / "model"
    (folder / "src").mkdir(parents=True)
    (folder / "data").mkdir()
    (folder / "data" / "note.txt").write_text("hello")
    (folder / "src" / "cfg.py").write_text(CFG)
    (folder / "src" / "netParams.py").write_text(NET)
    (folder / "index.npjson").write_text(json.dumps(
        {"simConfig": "src/cfg.py", "netParams": "src/netParams.py",
         "python_run": "src/init.py"}))
    return folder


def test_specs_are_read_from_the_index_folder_with_cfg_in_main(model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg, net = sim.loadFromIndexFile(str(model / "index.npjson"))
    assert cfg.duration == 123 and net.weight == 0.5 and net.note == "hello"
    assert os.getcwd() == str(tmp_path)  # the working folder is given back
    cfg, net = sim.loadFromIndexFile(model)  # the folder holding index.npjson
    assert net.weight == 0.5


def test_a_script_run_as_main_by_runpy_gives_its_netparams_the_cfg(model):
    # the conformance harness (and python -m tools) run scripts through runpy, which puts a
    # module of its own in sys.modules['__main__'] while the script runs
    (model / "src" / "init.py").write_text(
        "from neuroloom import sim\n"
        "cfg, netParams = sim.loadFromIndexFile('index.npjson')\n"
        "print('weight', netParams.weight)\n")
    # (neuroloom imported first, as a runner that uses it would)
    done = subprocess.run([sys.executable, "-c", "import runpy, neuroloom.sim; "
                           "runpy.run_path('src/init.py', run_name='__main__')"], cwd=model,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "weight 0.5" in done.stdout


def test_bad_indexes_are_named(model):
    index = model / "index.npjson"
    index.write_text(json.dumps({"simConfig": "src/cfg.py", "netParms": "src/netParams.py"}))
    with pytest.raises(FormatError, match=r"unknown key 'netParms'; did you mean 'netParams'"):
        sim.loadFromIndexFile(index)
    index.write_text(json.dumps({"simConfig": "src/cfg.py"}))
    with pytest.raises(FormatError, match=r"names no netParams file"):
        sim.loadFromIndexFile(index)
    index.write_text("{not json")
    with pytest.raises(FormatError, match=r"is not a readable model index"):
        sim.loadFromIndexFile(index)
