"""SONATA compartment reports: what we write, libsonata, bluepysnap, BMTK and the independent
checker read back exactly, with frame k at start + k*dt."""
import json
import subprocess
import sys
from pathlib import Path

import h5py
import libsonata
import numpy as np
import pytest

from helpers import shared
from neuroloom.errors import FormatError
from neuroloom.results.sonata_reports import (
    Report, ReportBlock, bmtk_frame_samples, frame_count, read_report, report_stop, write_report)

VALIDATOR = shared("tools", "validate_sonata.py")
SIZES = {"soma_pop": 6, "multi": 4}  # circuit population sizes
START, DT, N_FRAMES = 0.3, 0.1, 7  # (1.0 - 0.3) / 0.1 = 6.999..., BMTK would truncate to 6


def blocks(n_frames=N_FRAMES, seed=0):
    rng = np.random.default_rng(seed)
    soma = ReportBlock.soma("soma_pop", [0, 2, 3, 5],
                            rng.normal(-65, 5, (n_frames, 4)).astype(np.float32))
    # node 1: soma + 3 segments of section 1 + 1 of section 2; node 3: soma + 1 dendrite
    multi = ReportBlock("multi", np.array([1, 3]), np.array([5, 2]),
                        np.array([0, 1, 1, 1, 2, 0, 4]),
                        np.array([0.5, 1 / 6, 0.5, 5 / 6, 0.5, 0.5, 0.25]),
                        rng.normal(-65, 5, (n_frames, 7)).astype(np.float32))
    return soma, multi


@pytest.fixture
def report_path(tmp_path):
    path = tmp_path / "v_report.h5"
    write_report(path, blocks(), start=START, dt=DT, variable="v", units="mV",
                 attrs={"neuroloom_version": "0.1.0"})
    return path


def test_round_trip_is_exact(report_path):
    soma, multi = blocks()
    report = read_report(report_path)
    assert isinstance(report, Report)
    assert sorted(report.blocks) == ["multi", "soma_pop"]
    assert report["soma_pop"] == soma and report["multi"] == multi
    got = report["multi"]
    assert got.data.dtype == np.float32 and np.array_equal(got.data, multi.data)
    assert got.node_ids.tolist() == [1, 3] and got.element_counts.tolist() == [5, 2]
    assert got.index_pointers.tolist() == [0, 5, 7]
    assert got.element_ids.tolist() == [0, 1, 1, 1, 2, 0, 4]
    assert np.array_equal(got.element_pos, multi.element_pos)
    assert got.data[:, got.columns(3)].shape == (N_FRAMES, 2)
    assert report["soma_pop"].element_counts.tolist() == [1, 1, 1, 1]
    assert report.variable == "v" and report.units == "mV"
    assert report.attrs == {"neuroloom_version": "0.1.0"}
    assert report.start == START and report.dt == DT and report.n_frames == N_FRAMES
    assert report.stop == pytest.approx(START + N_FRAMES * DT, abs=1e-12)
    assert np.allclose(report.times, START + DT * np.arange(N_FRAMES))
    # a changed value is noticed
    assert ReportBlock.soma("soma_pop", [0, 2, 3, 5], soma.data + 1) != report["soma_pop"]


def test_layout_dtypes_and_hard_link(report_path):
    with h5py.File(report_path) as f:
        assert f.attrs["magic"] == 0x0A7A and list(f.attrs["version"]) == [0, 1]
        g = f["report/multi"]
        assert g["data"].dtype == np.float32 and g["data"].compression is None
        assert g["data"].chunks is None
        assert g["data"].attrs["units"] == "mV" and g["data"].attrs["variable"] == "v"
        m = g["mapping"]
        for name in ("node_ids", "index_pointers", "element_ids"):
            assert m[name].dtype == np.uint64
        assert m["element_pos"].dtype == np.float64 and m["time"].dtype == np.float64
        assert m["time"].attrs["units"] == "ms"
        assert m["index_pointer"].id == m["index_pointers"].id  # one dataset, two names
        assert m["index_pointers"][()].tolist() == [0, 5, 7]


def test_libsonata_reads_the_same(report_path):
    reader = libsonata.ElementReportReader(str(report_path))
    assert sorted(reader.get_population_names()) == ["multi", "soma_pop"]
    for block in blocks():
        pop = reader[block.population]
        assert pop.get_node_ids() == block.node_ids.tolist()
        assert pop.time_units == "ms" and pop.data_units == "mV"
        start, stop, dt = pop.times
        assert (start, dt) == (START, DT) and frame_count(start, stop, dt) == N_FRAMES
        frame = pop.get()
        assert np.allclose(frame.times, START + DT * np.arange(N_FRAMES))
        assert np.array_equal(np.asarray(frame.data), block.data)
        expected_ids = [(int(n), int(e)) for n, e in zip(
            np.repeat(block.node_ids, block.element_counts), block.element_ids)]
        assert [tuple(map(int, p)) for p in np.asarray(frame.ids)] == expected_ids
        # one node, a time window: frames 2..4 (t = 0.5 .. 0.7, both ends included)
        node = int(block.node_ids[-1])
        part = pop.get(node_ids=[node], tstart=START + 2 * DT, tstop=START + 4 * DT)
        assert np.array_equal(np.asarray(part.data), block.data[2:5, block.columns(node)])


def test_libsonata_frame_count_matches_ours(tmp_path):
    for i, (start, dt, n) in enumerate([(0.0, 0.025, 40), (0.3, 0.1, 7), (3.3, 0.01, 13),
                                        (0.0, 0.1, 1)]):
        path = tmp_path / f"r{i}.h5"
        soma = ReportBlock.soma("p", [0], np.arange(n, dtype=np.float32)[:, None])
        write_report(path, [soma], start=start, dt=dt, variable="v", units="mV")
        frame = libsonata.ElementReportReader(str(path))["p"].get()
        assert len(frame.times) == n == frame_count(*read_report(path).time)
        assert np.asarray(frame.data)[:, 0].tolist() == list(range(n))
        stop = report_stop(start, dt, n)
        assert int((stop - start) / dt) == n  # BMTK's count
        assert round((stop - start) / dt) == n  # the checker's count


def test_bluepysnap_reads_the_same(report_path, tmp_path):
    import bluepysnap

    circuit = build_circuit(tmp_path)
    sim = tmp_path / "simulation_config.json"
    sim.write_text(json.dumps({
        "network": str(circuit), "run": {"tstop": 1.0, "dt": DT, "random_seed": 1},
        "output": {"output_dir": str(tmp_path)},
        "reports": {"v_all": {"cells": "All", "type": "compartment", "variable_name": "v",
                              "sections": "all", "dt": DT, "start_time": START,
                              "end_time": 1.0, "file_name": report_path.name}}}))
    report = bluepysnap.Simulation(str(sim)).reports["v_all"]
    assert report.population_names == ["multi", "soma_pop"]
    assert report.data_units == "mV" and report.time_units == "ms"
    for block in blocks():
        df = report[block.population].get()
        assert np.allclose(df.index.to_numpy(), START + DT * np.arange(N_FRAMES))
        assert np.array_equal(df.to_numpy(), block.data)
        assert [n for n, _ in df.columns] == np.repeat(block.node_ids,
                                                       block.element_counts).tolist()
        assert report[block.population].node_ids.tolist() == block.node_ids.tolist()


def test_bmtk_reads_the_same(report_path):
    from bmtk.utils.reports.compartment import CompartmentReport

    bmtk = CompartmentReport(str(report_path), mode="r")
    assert sorted(bmtk.populations) == ["multi", "soma_pop"]
    for block in blocks():
        pop = block.population
        assert bmtk[pop].n_steps() == N_FRAMES  # stop was nudged past BMTK's truncation
        assert bmtk.tstart(pop) == START and bmtk.dt(pop) == DT
        assert bmtk.units(pop) == "mV" and bmtk.variable(pop) == "v"
        assert bmtk.node_ids(pop).tolist() == block.node_ids.tolist()
        assert np.array_equal(bmtk.data(population=pop), block.data)
        node = int(block.node_ids[0])
        assert np.array_equal(bmtk.element_ids(node, population=pop),
                              block.element_ids[block.columns(node)])
        assert np.array_equal(bmtk.element_pos(node, population=pop),
                              block.element_pos[block.columns(node)])
    multi = blocks()[1]
    assert np.array_equal(bmtk.data(node_id=1, population="multi"), multi.data[:, 0:5])


def test_bmtk_frame_k_is_our_sample_k_plus_1():
    assert bmtk_frame_samples(3).tolist() == [1, 2, 3]
    # report dt = 4 sim steps, starting at step 8
    assert bmtk_frame_samples(3, step=4, start_step=8).tolist() == [9, 13, 17]


def test_independent_checker_accepts_the_report(report_path, tmp_path):
    circuit = build_circuit(tmp_path)
    run = subprocess.run([sys.executable, str(VALIDATOR), str(circuit), "--report",
                          str(report_path), "--quiet"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 error(s), 0 warning(s)" in run.stdout


# -- bad inputs --------------------------------------------------------------------------------

def bad(**changes):
    soma = blocks()[0]
    fields = dict(population=soma.population, node_ids=soma.node_ids,
                  element_counts=soma.element_counts, element_ids=soma.element_ids,
                  element_pos=soma.element_pos, data=soma.data)
    fields.update(changes)
    return ReportBlock(**fields)


@pytest.mark.parametrize("block, message", [
    (bad(data=np.zeros((N_FRAMES, 3), np.float32)), r"'soma_pop'.*data has shape \(7, 3\)"),
    (bad(element_counts=[1, 1, 1]), r"'soma_pop'.*element_counts has shape \(3,\)"),
    (bad(element_ids=[0, 0, 0]), r"'soma_pop'.*element_ids has shape \(3,\).*4"),
    (bad(element_pos=[0.5, 0.5, 1.5, 0.5]), r"'soma_pop'.*element_pos must be .* \[0, 1\]"),
    (bad(node_ids=[0, 3, 2, 5]), r"'soma_pop'.*ascending"),
    (bad(element_counts=[1, 0, 2, 1]), r"'soma_pop'.*element_counts must be integers >= 1"),
    (bad(data=np.zeros((0, 4))), r"'soma_pop'.*no frame"),
    (bad(population="a/b"), r"'a/b'"),
])
def test_bad_blocks_raise_format_error_and_write_nothing(tmp_path, block, message):
    path = tmp_path / "r.h5"
    with pytest.raises(FormatError, match=message):
        write_report(path, [block], start=0, dt=DT, variable="v", units="mV")
    assert list(tmp_path.iterdir()) == []


def test_populations_must_agree_on_frames_and_be_unique(tmp_path):
    soma, multi = blocks()
    short = ReportBlock("multi", multi.node_ids, multi.element_counts, multi.element_ids,
                        multi.element_pos, multi.data[:5])
    with pytest.raises(FormatError, match="same number of frames.*'soma_pop': 7.*'multi': 5"):
        write_report(tmp_path / "r.h5", [soma, short], start=0, dt=DT, variable="v",
                     units="mV")
    with pytest.raises(FormatError, match="'soma_pop' appears twice"):
        write_report(tmp_path / "r.h5", [soma, soma], start=0, dt=DT, variable="v",
                     units="mV")
    with pytest.raises(FormatError, match="dt > 0"):
        write_report(tmp_path / "r.h5", [soma], start=0, dt=0, variable="v", units="mV")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, report_path,
                                                               monkeypatch):
    before = report_path.read_bytes()
    calls = []

    def explode(self, name, *args, **kwargs):
        calls.append(name)
        if len(calls) > 3:  # fail half-way through the first population
            raise RuntimeError("disk full")
        return original(self, name, *args, **kwargs)

    original = h5py.Group.create_dataset
    monkeypatch.setattr(h5py.Group, "create_dataset", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(tmp_path / "new.h5", blocks(), start=START, dt=DT, variable="v",
                     units="mV")
    calls.clear()
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(report_path, blocks(), start=START, dt=DT, variable="v", units="mV")
    assert sorted(p.name for p in tmp_path.iterdir()) == [report_path.name]
    assert report_path.read_bytes() == before


@pytest.mark.parametrize("damage, message", [
    (lambda f: f.__delitem__("report/multi/mapping/node_ids"),
     r"/report/multi/mapping/node_ids is missing"),
    (lambda f: [f["report/soma_pop/mapping"].__delitem__(n)
                for n in ("index_pointers", "index_pointer")],
     r"/report/soma_pop/mapping/index_pointers is missing"),
    (lambda f: f.__delitem__("report/multi/data"), r"/report/multi/data is missing"),
    (lambda f: replace(f, "report/multi/mapping/index_pointers",
                       np.array([0, 5, 6], np.uint64)),
     r"/report/multi/mapping/index_pointers must rise from 0 to the 7 columns"),
    (lambda f: replace(f, "report/multi/mapping/index_pointers", np.array([0, 7], np.uint64)),
     r"index_pointers has shape \(2,\), expected \(3,\)"),
    (lambda f: replace(f, "report/multi/mapping/time", np.array([START, 2.0, DT])),
     r"/report/multi/data has 7 frames, mapping/time .* implies 17"),
    (lambda f: f["report/multi/data"].attrs.__delitem__("units"), r"data has no 'units'"),
])
def test_incomplete_files_raise_format_error(report_path, damage, message):
    with h5py.File(report_path, "r+") as f:
        damage(f)
    with pytest.raises(FormatError, match=message) as err:
        read_report(report_path)
    assert str(report_path) in str(err.value)


def test_truncated_file_raises_format_error(report_path):
    data = report_path.read_bytes()
    report_path.write_bytes(data[:len(data) // 2])
    with pytest.raises(FormatError, match=str(report_path)):
        read_report(report_path)


def test_reads_bmtk_style_singular_index_pointer(report_path):
    with h5py.File(report_path, "r+") as f:
        del f["report/multi/mapping/index_pointers"]  # only BMTK's name is left
    assert read_report(report_path)["multi"] == blocks()[1]


# -- helpers -----------------------------------------------------------------------------------

def replace(f, name, value):
    attrs = dict(f[name].attrs)
    del f[name]
    f[name] = value
    f[name].attrs.update(attrs)


def build_circuit(tmp_path) -> Path:
    """A tiny valid circuit with one biophysical node population per report population."""
    with h5py.File(tmp_path / "nodes.h5", "w") as f:
        f.attrs.create("magic", 0x0A7A, dtype=np.uint32)
        f.attrs.create("version", np.array([0, 1], np.uint32))
        for pop, n in SIZES.items():
            g = f.create_group(f"nodes/{pop}")
            g["node_type_id"] = np.full(n, 100, np.int64)
            g["node_group_id"] = np.zeros(n, np.int64)
            g["node_group_index"] = np.arange(n, dtype=np.int64)
            g.create_group("0")["x"] = np.zeros(n)
    (tmp_path / "node_types.csv").write_text("node_type_id model_type\n100 biophysical\n")
    for folder in ("morphologies", "models"):  # libsonata wants these for biophysical nodes
        (tmp_path / folder).mkdir(exist_ok=True)
    config = tmp_path / "circuit_config.json"
    config.write_text(json.dumps({
        "components": {"morphologies_dir": "morphologies",
                       "biophysical_neuron_models_dir": "models"},
        "networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": "node_types.csv",
                                "populations": {p: {"type": "biophysical"} for p in SIZES}}],
                     "edges": []}}))
    return config
