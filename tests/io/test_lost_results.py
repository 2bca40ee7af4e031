"""Issue 19 (item 6): a killed save leaves no temporary file behind once the same file is
saved again (but a live writer's stays), and a data file and a spike file of different
runs are told apart."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

from neuroloom import atomic
from neuroloom.model.network import Provenance
from neuroloom.model.catalog import Population
from neuroloom.results import run_id
from neuroloom.results.save import data_payload, save_json
from neuroloom.results.sonata_spikes import write_spikes

WRITER = """
import sys, time
from neuroloom.atomic import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    with open(tmp, 'wb') as f:
        f.write(b'x' * 1_000_000)
        f.flush()
        print('writing', flush=True)
        time.sleep(60)
"""


def start_writer(path):
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    return child


def temporaries(folder, name):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


def test_a_killed_save_leaves_nothing_after_the_next_save(tmp_path):
    path = tmp_path / "run_data.json"
    child = start_writer(path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert len(temporaries(tmp_path, path.name)) == 1  # what the kill left
    atomic.write_bytes_atomic(path, b"{}")
    assert temporaries(tmp_path, path.name) == []
    assert path.read_bytes() == b"{}"


def test_a_live_writers_temporary_file_is_kept(tmp_path):
    path = tmp_path / "run_data.json"
    child = start_writer(path)
    try:
        atomic.write_bytes_atomic(path, b"{}")
        left = temporaries(tmp_path, path.name)
        assert len(left) == 1 and f".{child.pid}@" in left[0]
    finally:
        child.kill()
        child.wait()


def test_old_temporaries_without_a_writer_go_by_age(tmp_path):
    path = tmp_path / "run_data.json"
    old, fresh = tmp_path / ".run_data.json.abcd1234.tmp", tmp_path / ".run_data.json.x9y8.tmp"
    other_file = tmp_path / ".other.json.abcd1234.tmp"
    for each in (old, fresh, other_file):
        each.write_text("x")
    past = time.time() - atomic.STALE_AFTER - 60
    os.utime(old, (past, past))
    os.utime(other_file, (past, past))
    atomic.write_bytes_atomic(path, b"{}")
    assert not old.exists() and fresh.exists() and other_file.exists()


def spikes(path, rid):
    pops = [Population(label="E", cell_type="PYR", cell_model="", gid_start=0, size=3)]
    write_spikes(path, np.array([1.0, 2.0]), np.array([0, 2]), pops,
                 Provenance(version="x", spec_hash="h", seeds=()), run_id=rid)


def test_files_of_one_run_share_its_id_and_others_are_named(tmp_path):
    data = tmp_path / "run_data.json"
    rid = run_id.new_run_id()
    save_json(data, {**data_payload(None, None, None, {"spkt": [1.0]}, ("simData",),
                                    run_id=rid)})
    spike_file = run_id.spike_file_beside(data)
    assert spike_file.name == "run_spikes.h5"
    spikes(spike_file, rid)
    assert run_id.data_file_run_id(data) == run_id.spike_file_run_id(spike_file) == rid
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run_id.check_same_run(data, spike_file)
    spikes(spike_file, run_id.new_run_id())  # another run's spikes
    with pytest.warns(UserWarning, match="not of the same run"):
        assert not run_id.check_same_run(data, spike_file)
