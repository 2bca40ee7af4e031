"""Issue 19 (items 6 and 9): what is checked before a network is built, without NEURON:
every output folder can be written, and the network's estimated size fits in memory."""
from __future__ import annotations

import pytest

from neuroloom import sim, specs
from neuroloom.builder import estimate as est
from neuroloom.errors import SpecError
from neuroloom.validate import validate


def small_specs(cells=4, **conn):
    net = specs.NetParams()
    net.cellParams["PYR"] = {"secs": {"soma": {"geom": {"diam": 18.8, "L": 18.8},
                                               "mechs": {"hh": {}}}}}
    net.popParams["E"] = {"cellType": "PYR", "numCells": cells}
    net.synMechParams["exc"] = {"mod": "Exp2Syn", "tau1": 0.1, "tau2": 5.0, "e": 0}
    if conn:
        net.connParams["E->E"] = {"preConds": {"pop": "E"}, "postConds": {"pop": "E"},
                                  "weight": 0.01, "delay": 5, "synMech": "exc", **conn}
    cfg = specs.SimConfig()
    cfg.duration = 10
    cfg.saveJson = True
    return net, cfg


@pytest.mark.parametrize("where", ["parent is a file", "is a file", "under /proc"])
def test_an_unwritable_save_folder_is_refused_before_building(tmp_path, where):
    (tmp_path / "afile").write_text("x")
    folder = {"parent is a file": tmp_path / "afile" / "out",
              "is a file": tmp_path / "afile",
              "under /proc": "/proc/neuroloom_out"}[where]
    net, cfg = small_specs()
    cfg.saveFolder = str(folder)
    with pytest.raises(SpecError) as err:
        sim.initialize(net, cfg)
    assert err.value.problems[0].path == "simConfig.saveFolder"
    assert str(folder) in str(err.value)
    assert not (tmp_path / "afile").is_dir()  # nothing made


def test_other_outputs_are_checked_and_named(tmp_path):
    (tmp_path / "afile").write_text("x")
    net, cfg = small_specs()
    cfg.saveJson = False
    cfg.saveSpikesSonata = False
    cfg.analysis["plotRaster"] = {"saveFig": str(tmp_path / "afile" / "raster.png")}
    with pytest.raises(SpecError, match=r"simConfig.analysis\['plotRaster'\].saveFig"):
        sim.initialize(net, cfg)
    cfg.analysis["plotRaster"] = {"saveFig": str(tmp_path / "figs" / "raster.png")}
    sim.initialize(net, cfg)  # a folder to make is fine
    assert not (tmp_path / "figs").exists()  # and is not made before the run


def test_a_writable_folder_passes_and_stays_untouched(tmp_path):
    net, cfg = small_specs()
    cfg.saveFolder = str(tmp_path / "new" / "deeper")
    sim.initialize(net, cfg)
    assert list(tmp_path.iterdir()) == []


def test_expected_connections_per_rule():
    cases = {("probability", 0.1): 1000, ("convergence", 5): 500, ("divergence", 3): 300}
    for (key, amount), expected in cases.items():
        net, cfg = small_specs(cells=100, **{key: amount})
        spec, run, _ = validate(net, cfg)
        assert est.estimate(spec, run).connections == expected
    net, cfg = small_specs(cells=10, connList=[[0, 1], [2, 3], [4, 5]])
    assert est.estimate(*validate(net, cfg)[:2]).connections == 3
    net, cfg = small_specs(cells=10, probability="0.1*exp(-dist_3D/100)")
    found = est.estimate(*validate(net, cfg)[:2])
    assert found.uncounted_rules == ("'E->E'",) and "at least" in found.describe()


def test_all_to_all_among_a_million_cells_is_refused_with_the_estimate():
    net, cfg = small_specs(cells=10**6, probability=1.0)
    with pytest.raises(SpecError) as err:
        sim.initialize(net, cfg)
    message = str(err.value)
    assert err.value.problems[0].path == "simConfig.maxMemoryGB"
    assert "1,000,000 cells" in message and "1,000,000,000,000 connections" in message
    assert " GB" in message and "set simConfig.maxMemoryGB" in message


def test_the_override_lets_it_through_the_estimate():
    net, cfg = small_specs(cells=10**6, probability=1.0)
    cfg.maxMemoryGB = float("inf")
    sim.initialize(net, cfg)  # not built: initialize only validates and estimates
    cfg.maxMemoryGB = 0.001  # a limit smaller than a small network is an error too
    net, _ = small_specs(cells=1000, probability=0.5)
    with pytest.raises(SpecError, match="simConfig.maxMemoryGB is 0.001"):
        sim.initialize(net, cfg)


@pytest.mark.parametrize("value", ["2", -1, 0, True])
def test_max_memory_must_be_a_positive_number(value):
    net, cfg = small_specs()
    cfg.maxMemoryGB = value
    with pytest.raises(SpecError, match="maxMemoryGB"):
        sim.initialize(net, cfg)


def test_available_memory_is_read_and_capped(monkeypatch):
    assert est.available_bytes() > 0
    monkeypatch.setattr(est, "_cgroup_room", lambda: 1e6)
    assert est.available_bytes() == 1e6
