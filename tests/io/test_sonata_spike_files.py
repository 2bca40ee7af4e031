"""Spike files as BMTK writes them and libsonata reads them: root magic/version, sorting
as an enum (libsonata) and as BMTK's string (on node_ids, where BMTK's reader looks first),
the config's order, and only the populations asked for."""
import warnings

import h5py
import libsonata
import numpy as np
import pandas as pd
import pytest

from neuroloom.model.catalog import Population
from neuroloom.model.network import Provenance
from neuroloom.results.sonata_spikes import simulated_populations, write_spikes

POPS = (Population("v1", "cell", "IntFire1", 0, 30),
        Population("lgn", "lgn_0", "VecStim", 30, 10))
PROV = Provenance(spec_hash="h", version="0")


def spikes(n=400, seed=3):
    g = np.random.default_rng(seed)
    return np.round(g.uniform(0, 500, n), 1), g.integers(0, 40, n)  # ties in time


def test_magic_version_and_both_sorting_forms(tmp_path):
    path = tmp_path / "spikes.h5"
    write_spikes(path, *spikes(), POPS, PROV)
    with h5py.File(path) as f:
        assert f.attrs["magic"] == 0x0A7A and f.attrs["magic"].dtype == np.uint32
        assert f.attrs["version"].tolist() == [0, 1] and f.attrs["version"].dtype == np.uint32
        group = f["spikes/v1"]
        assert h5py.check_enum_dtype(group.attrs.get_id("sorting").dtype) == {
            "none": 0, "by_id": 1, "by_time": 2}
        assert group.attrs["sorting"] == 2
        assert group["node_ids"].attrs["sorting"] == "by_time"
    assert libsonata.SpikeReader(str(path))["v1"].sorting == "by_time"
    with warnings.catch_warnings():  # the option is deprecated; BMTK needs it off
        warnings.simplefilter("ignore")
        pd.set_option("future.infer_string", False)
    from bmtk.utils.reports.spike_trains import SpikeTrains  # heavy; only here
    from bmtk.utils.reports.spike_trains.core import SortOrder

    trains = SpikeTrains.from_sonata(str(path))
    assert trains.adaptor._population_sorting_map["v1"] == SortOrder.by_time
    assert trains.n_spikes(population="v1") == int(np.sum(spikes()[1] < 30))


@pytest.mark.parametrize("order", ["by_time", "by_id", "none"])
def test_the_config_order(tmp_path, order):
    t, gid = spikes()
    path = tmp_path / "s.h5"
    write_spikes(path, t, gid, POPS, PROV, sort_order=order)
    with h5py.File(path) as f:
        ids, times = f["spikes/v1/node_ids"][()], f["spikes/v1/timestamps"][()]
        assert f["spikes/v1/node_ids"].attrs["sorting"] == order
    mine = gid < 30
    expected = sorted(zip(gid[mine].tolist(), t[mine].tolist()))
    assert sorted(zip(ids.tolist(), times.tolist())) == expected
    if order == "by_id":
        assert np.all(np.diff(ids.astype(np.int64)) >= 0)
        assert list(zip(ids.tolist(), times.tolist())) == expected
    else:
        assert np.all(np.diff(times) >= 0)
    assert libsonata.SpikeReader(str(path))["v1"].sorting == order


def test_only_the_simulated_populations(tmp_path):
    assert simulated_populations(POPS) == ["v1"]
    path = tmp_path / "s.h5"
    write_spikes(path, *spikes(), POPS, PROV, only=simulated_populations(POPS))
    assert libsonata.SpikeReader(str(path)).get_population_names() == ["v1"]
    write_spikes(path, *spikes(), POPS, PROV)  # default: every population
    assert sorted(libsonata.SpikeReader(str(path)).get_population_names()) == ["lgn", "v1"]
    with pytest.raises(ValueError, match="'v2'"):
        write_spikes(path, *spikes(), POPS, PROV, only=["v2"])
    with pytest.raises(ValueError, match="sort_order"):
        write_spikes(path, *spikes(), POPS, PROV, sort_order="time")
