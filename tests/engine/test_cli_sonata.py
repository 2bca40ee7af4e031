"""`neuroloom run` on a SONATA circuit: it is simulated and its outputs written where the
config says; a .json is never executed; `validate` and `info` accept corpus circuits."""
import json
import shutil
from pathlib import Path

import h5py
import libsonata
import numpy as np
import pytest

from neuroloom.cli import main

CORPUS = Path("/work/shared/sonata-examples")
INTFIRE = CORPUS / "300_intfire"


def sorted_spikes(path, population):
    with h5py.File(path) as f:
        ids = f[f"spikes/{population}/node_ids"][()].astype(np.int64)
        times = f[f"spikes/{population}/timestamps"][()]
    order = np.lexsort((times, ids))
    return ids[order], times[order]


@pytest.fixture
def intfire(tmp_path):
    folder = tmp_path / "300_intfire"
    shutil.copytree(INTFIRE, folder, ignore=shutil.ignore_patterns("output"))
    (tmp_path / "shared_components").symlink_to(CORPUS / "shared_components")
    return folder


@pytest.mark.parametrize("target", ["config.json", "."])
def test_run_writes_bmtk_spike_file(intfire, target, capsys):
    assert main(["run", str(intfire / target)]) == 0
    out = intfire / "output" / "spikes.h5"
    assert str(out) in capsys.readouterr().out
    reader = libsonata.SpikeReader(str(out))
    assert reader.get_population_names() == ["v1"]  # not the virtual lgn/tw inputs
    assert reader["v1"].sorting == "by_time"  # spikes_sort_order "time"
    ids, times = sorted_spikes(out, "v1")
    ref_ids, ref_times = sorted_spikes(INTFIRE / "output" / "spikes.h5", "v1")
    assert len(ids) == 4322
    np.testing.assert_array_equal(ids, ref_ids)
    np.testing.assert_allclose(times, ref_times, rtol=0, atol=1e-9)
    with h5py.File(out) as f:
        assert f.attrs["magic"] == 0x0A7A and f.attrs["version"].tolist() == [0, 1]
        assert np.all(np.diff(f["spikes/v1/timestamps"][()]) >= 0)


def test_virtual_spikes_when_asked_and_id_order(intfire):
    sim = json.loads((intfire / "simulation_config.json").read_text())
    sim["output"]["spikes_sort_order"] = "id"
    sim["neuroloom"] = {"virtual_spikes": True}
    (intfire / "simulation_config.json").write_text(json.dumps(sim))
    assert main(["run", str(intfire / "config.json")]) == 0
    reader = libsonata.SpikeReader(str(intfire / "output" / "spikes.h5"))
    assert sorted(reader.get_population_names()) == ["lgn", "tw", "v1"]
    assert reader["v1"].sorting == "by_id"
    ids = np.array([node for node, _ in reader["v1"].get()])
    assert len(ids) == 4322 and np.all(np.diff(ids) >= 0)


def test_a_json_is_never_executed(tmp_path, capsys):
    config = tmp_path / "config.json"
    marker = tmp_path / "ran"
    # valid Python too: executed, it would create the marker
    config.write_text(json.dumps({"x": f"open({str(marker)!r}, 'w')"}))
    assert main(["run", str(config)]) == 1
    assert not marker.exists()
    assert "config.json" in capsys.readouterr().err


def test_a_missing_input_names_key_and_path(intfire, capsys):
    (intfire / "inputs" / "lgn_spikes.h5").unlink()
    assert main(["run", str(intfire / "config.json")]) == 1
    err = capsys.readouterr().err
    assert "inputs['LGN_spikes'].input_file" in err
    assert str(intfire / "inputs" / "lgn_spikes.h5") in err
    assert not (intfire / "output" / "spikes.h5").exists()


def test_a_script_must_be_python(tmp_path):
    other = tmp_path / "model.txt"
    other.write_text("print('hello')")
    with pytest.raises(SystemExit) as stop:
        main(["run", str(other)])
    assert stop.value.code == 2


@pytest.mark.parametrize("circuit", ["300_intfire", "9_cells", "5_cells_iclamp"])
def test_validate_and_info_accept_corpus_circuits(circuit, capsys):
    assert main(["validate", str(CORPUS / circuit)]) == 0
    assert "valid SONATA" in capsys.readouterr().out
    assert main(["info", str(CORPUS / circuit)]) == 0
    assert "cells:" in capsys.readouterr().out
