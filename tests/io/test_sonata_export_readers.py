"""Issue 17: an exported SONATA circuit is complete for any reader: the strict readers open
the circuit and the simulation config, every node set the config names is defined, spike
inputs (of virtual populations and of NetStims) are written, and hoc templates stay in
procedures NEURON accepts."""
import json
import re
import subprocess
import sys
from dataclasses import replace

import h5py
import numpy as np
import pytest

from helpers import built_network as built, shared
from neuroloom.exporters.hoc_template import PROC_STATEMENTS, hoc_template, template_name
from neuroloom.exporters.sonata import export
from neuroloom.importers import sonata

VALIDATOR = str(shared("tools", "validate_sonata.py"))


def _validate(folder):
    # not --simulation-config: libsonata 0.2.2 wants spike inputs as module
    # 'synapse_replay' with 'spike_file', BMTK 1.2.0 as module 'h5'/'sonata' with
    # 'input_file'; the export follows BMTK (issue 17's report states the conflict)
    return subprocess.run([sys.executable, VALIDATOR, str(folder / "circuit_config.json")],
                          capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("name", ["tut2", "tut3", "HHTut"])
def test_circuit_and_simulation_config_open_in_strict_readers(name, tmp_path):
    network, cfg = built(name)
    cfg.sonataReports = {"soma_v": {"cells": [0, 1], "var": "v"}}
    folder = tmp_path / "circuit"
    export(network, folder, cfg)
    checked = _validate(folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    simulation = json.loads((folder / "simulation_config.json").read_text())
    assert simulation["run"]["random_seed"] == cfg.seeds["stim"]
    node_sets = json.loads((folder / "node_sets.json").read_text())
    named = [spec["node_set"] for spec in simulation["inputs"].values()]
    named += [spec["cells"] for spec in simulation["reports"].values()]
    assert named and all(n in node_sets for n in named)


def test_netstims_are_spike_trains_of_virtual_nodes(tmp_path):
    network, cfg = built("tut2")
    folder = tmp_path / "circuit"
    export(network, folder, cfg)
    simulation = json.loads((folder / "simulation_config.json").read_text())
    spec = simulation["inputs"]["bkg->PYR"]
    assert (spec["input_type"], spec["module"]) == ("spikes", "h5")
    path = folder / "inputs" / spec["input_file"].split("/")[-1]
    with h5py.File(path, "r") as f:
        group = f["spikes"][spec["node_set"]]
        node_ids, times = group["node_ids"][()], group["timestamps"][()]
    # one virtual node per target (40 cells), firing ~10 Hz for 1 s
    assert sorted(set(node_ids.tolist())) == list(range(network.num_cells))
    assert 200 < len(times) < 800 and times.max() <= cfg.duration
    # and neuroloom's re-import still has NetStims (its own catalog says so)
    back = sonata.load(folder / "simulation_config.json").network
    assert back.stim_sources == network.stim_sources and back.stims == network.stims


def test_virtual_population_inputs_are_kept(tmp_path):
    original = sonata.load(shared("sonata-examples", "300_intfire", "config.json"))
    folder = tmp_path / "export"
    export(original.network, folder, original.sim_config)
    simulation = json.loads((folder / "simulation_config.json").read_text())
    assert simulation["inputs"], "the virtual population's spikes were dropped"
    for spec in simulation["inputs"].values():
        assert (folder / "inputs" / spec["input_file"].split("/")[-1]).is_file()
    back = sonata.load(folder / "simulation_config.json").network
    assert back.spike_trains == original.network.spike_trains
    assert len(back.spike_trains.times) > 0
    # the specification's twin (synapse_replay, spike_file) reads back the same inputs
    twin = sonata.load(folder / "simulation_config.sonata.json").network
    assert twin.spike_trains == original.network.spike_trains
    checked = _validate(folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_3d_cells_are_templates_in_small_procedures():
    network, _ = built("tut3")
    cell_type = network.cell_types[0]
    points = tuple((float(i), 0.0, 0.0, 1.0) for i in range(3000))
    sections = (replace(cell_type.sections[0], pt3d=points),) + cell_type.sections[1:]
    text = hoc_template(replace(cell_type, sections=sections), "Big")
    procs = re.findall(r"proc (\w+)\(\) \{\n(.*?)\n\}", text, re.S)
    assert len(procs) > 3000 // PROC_STATEMENTS
    assert all(len(body.splitlines()) <= PROC_STATEMENTS + 3 for _, body in procs)
    assert text.count("pt3dadd(") == 3000
    assert "create soma[1]" in text or "soma[1]" in text


def test_template_names_avoid_hoc_constants():
    assert template_name("E", set()) == "cell_E"
    assert template_name("PYR", set()) == "PYR"


# -- issue 17, export: what BMTK and the specification each read --------------------------
def test_bmtk_keeps_the_segments_of_exported_templates(tmp_path):
    # BMTK re-segments biophysical cells by run.dL (20 um by default): tut3's 150 um
    # dendrite of nseg 1 became 7 segments and BMTK fired 539 spikes where neuroloom 532
    from neuroloom.exporters.segmentation import bmtk_nseg, section_length

    network, cfg = built("tut3")
    folder = tmp_path / "circuit"
    export(network, folder, cfg)
    dl = json.loads((folder / "simulation_config.json").read_text())["run"]["dL"]
    sections = [sec for t in network.cell_types for sec in t.sections]
    assert {sec.name for sec in sections} >= {"soma", "dend"}
    assert all(bmtk_nseg(section_length(sec), dl) == sec.nseg for sec in sections)
    assert bmtk_nseg(150.0, 20.0) == 7  # BMTK's default would change the dendrite


def test_a_dl_keeps_every_odd_nseg_or_the_export_says_which_it_cannot():
    from neuroloom.exporters.segmentation import bmtk_nseg, dl_keeping

    dl, lost = dl_keeping([("a", 150.0, 1), ("b", 18.8, 1), ("c", 300.0, 3), ("d", 90.0, 1)])
    assert lost == [] and all(bmtk_nseg(L, dl) == n for L, n in
                              ((150.0, 1), (18.8, 1), (300.0, 3), (90.0, 1)))
    dl, lost = dl_keeping([("a", 100.0, 9), ("b", 100.0, 1)])  # no dL gives both
    assert dl is None and len(lost) == 2
    assert dl_keeping([("e", 100.0, 4)]) == (None, ["e (nseg 4 is even)"])


def test_clamps_that_differ_by_target_are_one_current_clamp_per_value(tmp_path):
    network, cfg = built("tut6")
    folder = tmp_path / "circuit"
    with pytest.warns(UserWarning) as caught:
        export(network, folder, cfg)
    # VClamp and AlphaSynapse have no SONATA form: said, not dropped
    said = " ".join(str(w.message) for w in caught)
    assert "Input_2->S" in said and "Input_3->M1" in said
    simulation = json.loads((folder / "simulation_config.json").read_text())
    node_sets = json.loads((folder / "node_sets.json").read_text())
    clamps = {k: v for k, v in simulation["inputs"].items() if k.startswith("Input_1->S[")}
    assert len(clamps) == 15  # amp 'uniform(0.4,0.5)': one value per target
    rule = network.stim_rules.index("Input_1->S")
    rows = np.flatnonzero(network.stims.rule == rule)
    amp_of = dict(zip(network.stims.gid[rows].tolist(),
                      network.stims.extra["amp"][rows].tolist()))
    for spec in clamps.values():
        assert (spec["input_type"], spec["module"]) == ("current_clamp", "IClamp")
        assert (spec["delay"], spec["duration"]) == (300.0, 100.0)
        (node,) = node_sets[spec["node_set"]]["node_id"]
        assert spec["amp"] == amp_of[node]  # population S starts at gid 0
    assert simulation["inputs"]["Input_2->S"]["input_type"] == "neuroloom"


def test_the_specification_twin_opens_in_libsonata_and_bluepysnap(tmp_path):
    import bluepysnap  # optional readers, test dependencies
    import libsonata

    from neuroloom.exporters.sonata import SPEC_SIMULATION

    network, cfg = built("tut6")
    folder = tmp_path / "circuit"
    with pytest.warns(UserWarning):
        export(network, folder, cfg)
    bmtk_form = json.loads((folder / "simulation_config.json").read_text())
    twin = libsonata.SimulationConfig.from_file(str(folder / SPEC_SIMULATION))
    names = set(twin.list_input_names)
    assert "Input_4->PYR" in names and len([n for n in names if n.startswith("Input_1")]) == 15
    replay = twin.input("Input_4->PYR")
    assert replay.module.name == "synapse_replay"
    assert replay.spike_file.endswith("stim_Input_4__PYR_spikes.h5")
    assert bmtk_form["inputs"]["Input_4->PYR"]["module"] == "h5"  # what BMTK reads
    assert twin.input("Input_1->S[0]").module.name == "linear"
    spec = json.loads((folder / SPEC_SIMULATION).read_text())
    assert set(spec["neuroloom"]["inputs"]) == {"Input_2->S", "Input_3->M1"}
    assert bluepysnap.Simulation(str(folder / SPEC_SIMULATION)).circuit.nodes.population_names
    circuit = json.loads((folder / "circuit_config.json").read_text())
    assert set(circuit["neuroloom"]["simulation_configs"]) == {"simulation_config.json",
                                                              SPEC_SIMULATION}


def test_exports_with_virtual_nodes_bring_their_own_vecstim(tmp_path):
    from neuroloom.exporters.sonata_cells import VECSTIM_MOD

    network, cfg = built("tut2")
    folder = tmp_path / "circuit"
    export(network, folder, cfg)
    circuit = json.loads((folder / "circuit_config.json").read_text())
    assert circuit["components"]["mechanisms_dir"] == "$COMPONENTS_DIR/mechanisms"
    copied = folder / "components/mechanisms/modfiles/vecstim.mod"
    assert copied.read_bytes() == VECSTIM_MOD.read_bytes()
    assert "ARTIFICIAL_CELL VecStim" in copied.read_text()
