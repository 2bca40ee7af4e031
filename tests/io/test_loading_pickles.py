"""Pickles never run code when loaded (issue 19, item 4): sim.load and its kin read only
plain data from the pickle the user names; the command line and batch.load read a pickle
only when told it is trusted (--trust-pickle, trust_pickle=True), and otherwise say so
naming the file and the flag."""
import json
import shutil

import pytest

from neuroloom import sim
from neuroloom.batch import load as load_batch
from neuroloom.cli import main
from neuroloom.errors import FormatError
from neuroloom.results.save import load_payload
from saved_runs import evil_pickle, write_run


@pytest.mark.parametrize("loader", [sim.load, sim.loadNet, sim.loadSimCfg, sim.loadSimData,
                                    sim.loadAll, sim.loadNetParams])
def test_no_loader_runs_the_code_of_a_pickle(tmp_path, loader):
    path = evil_pickle(tmp_path / "run_data.pkl")
    with pytest.raises(FormatError, match=r"run_data\.pkl.*'posix\.system', which is not "
                                          "plain data"):
        loader(str(path))
    assert not (tmp_path / "CODE_RAN").exists()


def test_load_payload_reads_a_pickle_only_when_trusted(tmp_path):
    path = write_run(tmp_path / "run_data.pkl")
    with pytest.raises(FormatError, match=r"run_data\.pkl' is a pickle.*--trust-pickle.*"
                                          r"trust_pickle=True"):
        load_payload(path)
    assert load_payload(path, trust_pickle=True)["simConfig"]["duration"] == 100


@pytest.mark.parametrize("command", [["info"], ["validate"], ["convert", "out.json"]])
def test_the_command_line_reads_a_pickle_only_with_trust_pickle(tmp_path, capsys, command,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil_pickle(tmp_path / "run_data.pkl")
    assert main([command[0], "run_data.pkl", *command[1:]]) == 1
    out = capsys.readouterr()
    assert "'run_data.pkl' is a pickle" in out.out + out.err
    assert "--trust-pickle" in out.out + out.err
    assert not (tmp_path / "CODE_RAN").exists() and not (tmp_path / "out.json").exists()
    # trusted: read as plain data, the code refused all the same
    assert main([command[0], "run_data.pkl", *command[1:], "--trust-pickle"]) == 1
    out = capsys.readouterr()
    assert "not plain data" in out.out + out.err and "Traceback" not in out.out + out.err
    assert not (tmp_path / "CODE_RAN").exists()


def test_info_reads_a_trusted_pickle(tmp_path, capsys):
    path = write_run(tmp_path / "run_data.pkl")
    assert main(["info", str(path), "--trust-pickle"]) == 0
    assert "cells: 40 in 2 populations" in capsys.readouterr().out


def batch_folder(folder, data_file):
    folder.mkdir()
    (folder / "tb_batch.json").write_text(json.dumps({"params": [{"label": "w",
                                                                  "values": [1]}]}))
    (folder / "tb_0_cfg.json").write_text(json.dumps({"simConfig": {"w": 1,
                                                                    "savePickle": True}}))
    shutil.copy(data_file, folder / "tb_0.pkl")
    return folder


def test_batch_load_reads_pickles_only_when_trusted(tmp_path):
    good = batch_folder(tmp_path / "good", write_run(tmp_path / "run_data.pkl"))
    with pytest.raises(FormatError, match=r"tb_0\.pkl' is a pickle.*trust_pickle=True"):
        load_batch(good)
    table = load_batch(good, trust_pickle=True)
    assert table["numSpikes"].tolist() == [3.0] and table["avgRate"].tolist() == [0.75]

    evil = batch_folder(tmp_path / "evil", evil_pickle(tmp_path / "evil.pkl"))
    for trust in (False, True):
        with pytest.raises(FormatError, match=r"tb_0\.pkl"):
            load_batch(evil, trust_pickle=trust)
    assert not (tmp_path / "CODE_RAN").exists()
