"""SONATA spike files: libsonata reads back exactly the spikes of the run."""
import h5py
import libsonata
import numpy as np
import pytest

from neuroloom.model.catalog import Population
from neuroloom.model.network import Provenance
from neuroloom.results.sonata_spikes import read_spikes, write_spikes

POPS = (Population("S", "PYR", "HH", 0, 20), Population("M", "PYR", "HH", 20, 20),
        Population("quiet", "PYR", "HH", 40, 5))
PROV = Provenance(seeds=(("conn", 1), ("loc", 1), ("stim", 7)), spec_hash="abc", version="0.1.0")


def random_spikes(n=500, seed=0):
    g = np.random.default_rng(seed)
    return np.round(g.uniform(0, 1000, n), 3), g.integers(0, 40, n)


def test_libsonata_reads_exactly_what_was_written(tmp_path):
    t, gid = random_spikes()
    path = tmp_path / "out_spikes.h5"
    write_spikes(path, t, gid, POPS, PROV)
    reader = libsonata.SpikeReader(str(path))
    assert sorted(reader.get_population_names()) == ["M", "S", "quiet"]
    got_t, got_gid = [], []
    for pop in POPS:
        population = reader[pop.label]
        assert population.sorting == "by_time"
        pairs = population.get()
        got_gid += [pop.gid_start + node for node, _ in pairs]
        got_t += [time for _, time in pairs]
    order = np.lexsort((gid, t))
    back = np.lexsort((got_gid, got_t))
    assert np.array_equal(np.asarray(got_t)[back], t[order])
    assert np.array_equal(np.asarray(got_gid)[back], gid[order])
    assert reader["quiet"].get() == []


def test_layout_dtypes_units_and_provenance(tmp_path):
    t, gid = random_spikes()
    path = tmp_path / "s.h5"
    write_spikes(path, t, gid, POPS, PROV)
    with h5py.File(path) as f:
        group = f["spikes/S"]
        assert group["node_ids"].dtype == np.uint64
        assert group["timestamps"].dtype == np.float64
        assert group["timestamps"].attrs["units"] == "ms"
        assert group["timestamps"].compression is None
        assert h5py.check_enum_dtype(group.attrs.get_id("sorting").dtype) == {
            "none": 0, "by_id": 1, "by_time": 2}
        assert np.all(np.diff(group["timestamps"][()]) >= 0)
        assert f.attrs["neuroloom_version"] == "0.1.0"
        assert '"stim": 7' in f.attrs["seeds"]
    back_t, back_gid = read_spikes(path, POPS)
    order = np.lexsort((gid, t))
    assert np.array_equal(back_t, t[order]) and np.array_equal(back_gid, gid[order])


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    path = tmp_path / "s.h5"

    class Boom(Exception):
        pass

    def explode(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(h5py.Group, "create_dataset", explode)
    with pytest.raises(Boom):
        write_spikes(path, *random_spikes(), POPS, PROV)
    assert list(tmp_path.iterdir()) == []
