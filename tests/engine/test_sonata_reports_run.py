"""SONATA reports of a run: soma and all-compartment reports written as libsonata reads
them, with the values NEURON computed."""
import libsonata
import numpy as np

from helpers import tutorial_specs


def test_soma_and_compartment_reports(tmp_path, run_session):
    net, cfg = tutorial_specs("tut3")  # soma + dendrite cells
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, "spikes.h5"
    cfg.duration, cfg.recordStep = 200.0, cfg.dt
    cfg.saveFolder = str(tmp_path)
    cfg.recordCells = [25]
    cfg.recordTraces = {"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"},
                        "V_dend": {"sec": "dend", "loc": 0.5, "var": "v"}}
    cfg.sonataReports = {"soma_v": {"cells": ["M"], "var": "v", "sections": "soma"},
                         "all_v": {"cells": [25, 3], "var": "v", "sections": "all",
                                   "file": "compartments.h5"}}
    session = run_session(net, cfg)
    paths = session.save_data()
    assert sorted(p.name for p in paths) == ["compartments.h5", "soma_v.h5", "spikes.h5"]
    traces = session.recordings.traces
    frames = int(round(cfg.duration / cfg.dt))
    soma = libsonata.ElementReportReader(str(tmp_path / "soma_v.h5"))["M"]
    assert soma.get_node_ids() == list(range(20))
    assert soma.times == (0.0, cfg.duration, cfg.dt) or np.isclose(soma.times[1],
                                                                    cfg.duration)
    data = soma.get(node_ids=[5])  # gid 25 is M's node 5
    # BMTK's frames: frame k is the value at (k + 1) dt, the trace's sample k + 1
    # (the trace, sampled every recordStep, may lack the sample at tstop)
    expected = traces["V_soma"][25][1:frames + 1].astype(np.float32)
    np.testing.assert_array_equal(np.asarray(data.data)[:len(expected), 0], expected)
    assert np.asarray(data.data).shape == (frames, 1)
    every = libsonata.ElementReportReader(str(tmp_path / "compartments.h5"))
    assert sorted(every.get_population_names()) == ["M", "S"]
    cell = every["M"].get(node_ids=[5])
    ids = np.asarray(cell.ids)  # (node id, section index) per column
    nseg = {s.name: s.nseg for s in session.network.cell_type_of(25).sections}
    assert len(ids) == nseg["soma"] + nseg["dend"]
    dend_middle = [i for i, (_, sec) in enumerate(ids) if sec == 1][nseg["dend"] // 2]
    expected = traces["V_dend"][25][1:frames + 1].astype(np.float32)
    np.testing.assert_array_equal(np.asarray(cell.data)[:len(expected), dend_middle], expected)
