"""BMTK's netcon_report and clamp_report read from a simulation config (no NEURON): what
they become in simConfig.sonataReports, the keys refused with the report named, and the
synapse report file (src_ids/trg_ids) written, read back and read by libsonata."""
import json
import shutil
import warnings
from pathlib import Path

import h5py
import libsonata
import numpy as np
import pytest

from neuroloom.errors import FormatError
from neuroloom.importers import sonata
from neuroloom.results.sonata_reports import ReportBlock, read_report, write_report

EXAMPLES = Path("/work/shared/sonata-examples")
SYN_REPORT = {"cells": "biophys_cells", "variable_name": "g", "module": "netcon_report",
              "sections": "all", "syn_type": "Exp2Syn", "file_name": "syns_g.h5"}


@pytest.fixture
def nine(tmp_path):
    """9_cells (9 biophysical cortex cells, two virtual populations), writable."""
    folder = tmp_path / "9_cells"
    shutil.copytree(EXAMPLES / "9_cells", folder, ignore=shutil.ignore_patterns("output*"),
                    copy_function=shutil.copyfile)
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    (tmp_path / "shared_components").symlink_to(EXAMPLES / "shared_components")
    return folder


def with_reports(folder, **reports):
    path = folder / "simulation_config.json"
    config = json.loads(path.read_text())
    config["reports"] = reports
    path.write_text(json.dumps(config))
    return folder / "config.json"


def test_netcon_report_records_synapses_one_per_netcon(nine):
    model = sonata.load(with_reports(nine, syn_report=SYN_REPORT))
    report = model.sim_config.sonataReports["syn_report"]
    assert report["sections"] == "synapses" and report["synType"] == "Exp2Syn"
    assert report["var"] == "g" and report["file"] == "syns_g.h5"
    assert len(report["cells"]) == 9 and "units" not in report  # the writer's: uS
    assert model.sim_config.oneSynPerNetcon  # BMTK reports each NetCon's own synapse


def test_membrane_reports_alone_keep_shared_synapses(nine):
    model = sonata.load(nine / "config.json")
    assert not model.sim_config.oneSynPerNetcon


@pytest.mark.parametrize("change, message", [
    ({"syn_type": "netcon"}, r"reports\['syn_report'\]\.syn_type: 'netcon'"),
    ({"syn_type": 3}, r"reports\['syn_report'\]\.syn_type: 3 is not a synapse class"),
    ({"dt": 0.5}, r"reports\['syn_report'\]: dt 0.5 differs from the run's"),
])
def test_netcon_report_keys_are_checked(nine, change, message):
    with pytest.raises(FormatError, match=message):
        sonata.load(with_reports(nine, syn_report={**SYN_REPORT, **change}))


def test_clamp_report_writes_the_current_and_says_what_bmtk_writes(nine):
    with pytest.warns(UserWarning, match=r"reports\['ic_report'\]: neuroloom writes the "
                                         r"current .* BMTK 1.2.0 writes this file with no "
                                         r"column"):
        model = sonata.load(with_reports(nine, ic_report={"variable_name": "ic",
                                                          "module": "clamp_report"}))
    report = model.sim_config.sonataReports["ic_report"]
    assert (report["sections"], report["var"], report["file"]) == ("clamps", "ic",
                                                                     "ic_report.h5")


def test_clamp_report_of_file_clamps_is_refused(nine):
    with warnings.catch_warnings(), pytest.raises(
            FormatError, match=r"reports\['r'\]\.variable_name: 'f_ic' .* not supported"):
        sonata.load(with_reports(nine, r={"variable_name": "f_ic", "module": "clamp_report"}))


def test_synapse_report_file_round_trips_and_libsonata_reads_it(tmp_path):
    data = np.arange(12, dtype=np.float32).reshape(4, 3) * 1e-4
    block = ReportBlock("cortex", [0, 2], [2, 1], [0, 5, 3], [0.5, 0.25, 0.5], data,
                        src_ids=[2, -1, -1], trg_ids=[0, 0, 2])
    path = tmp_path / "syns_g.h5"
    write_report(path, [block], start=0.0, dt=0.025, variable="g", units="uS")
    back = read_report(path)
    assert back["cortex"] == block
    assert back["cortex"].src_ids.tolist() == [2, -1, -1]
    with h5py.File(path) as f:
        assert f["report/cortex/mapping/trg_ids"].dtype == np.int64
    pop = libsonata.ElementReportReader(str(path))["cortex"]
    assert np.allclose(pop.get().data, data)


def test_synapse_ids_need_one_per_element(tmp_path):
    block = ReportBlock("cortex", [0], [2], [0, 1], [0.5, 0.5], np.zeros((2, 2)),
                        src_ids=[1], trg_ids=[0, 0])
    with pytest.raises(FormatError, match=r"src_ids must be 2 integers"):
        write_report(tmp_path / "r.h5", [block], start=0.0, dt=0.1, variable="g", units="uS")
