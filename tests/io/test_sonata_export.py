"""SONATA export: every example network is written, opens in the strict readers
(libsonata, bluepysnap, the independent checker), and imports back equal."""
import json
import subprocess
import sys

import bluepysnap
import h5py
import libsonata
import numpy as np
import pytest

from helpers import built_network as built, shared
from neuroloom.errors import FormatError
from neuroloom.exporters.sonata import export
from neuroloom.importers import sonata
from neuroloom.sonata.index import edges_of

VALIDATOR = str(shared("tools", "validate_sonata.py"))
EXAMPLES = ["tut1", "tut2", "tut3", "tut4", "tut5", "tut6", "tut7"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_network_comes_back_equal(name, tmp_path):
    network, cfg = built(name)
    files = export(network, tmp_path / "circuit", cfg)
    assert (tmp_path / "circuit" / "circuit_config.json") in files
    back = sonata.load(tmp_path / "circuit" / "simulation_config.json").network
    for part in ("cells", "conns", "stims", "pops", "cell_types", "syn_mechs",
                 "stim_sources", "section_names", "conn_rules", "stim_rules", "size",
                 "spike_trains", "stim_trains"):
        assert getattr(back, part) == getattr(network, part), part
    assert back == network


@pytest.mark.parametrize("name", ["tut2", "tut5"])
def test_strict_readers_accept_the_export(name, tmp_path):
    network, cfg = built(name)
    folder = tmp_path / "circuit"
    export(network, folder, cfg)
    checked = subprocess.run([sys.executable, VALIDATOR, str(folder / "circuit_config.json")],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 error(s), 0 warning(s)" in checked.stdout
    circuit = libsonata.CircuitConfig.from_file(str(folder / "circuit_config.json"))
    snap = bluepysnap.Circuit(str(folder / "circuit_config.json"))
    c = network.conns
    for pop in network.pops:
        nodes = circuit.node_population(pop.label)
        assert nodes.size == pop.size == snap.nodes[pop.label].size
        gids = np.arange(pop.gid_start, pop.gid_start + pop.size)
        np.testing.assert_array_equal(nodes.get_attribute("y", nodes.select_all()),
                                      network.cells.y[gids])
    edge_names = [n for n in circuit.edge_populations if not n.startswith("stim_")]
    assert sum(circuit.edge_population(n).size for n in edge_names) == len(c)
    for name_ in edge_names:
        edges = circuit.edge_population(name_)
        source, target = network.pop(edges.source), network.pop(edges.target)
        rows = np.flatnonzero((c.pre_gid >= source.gid_start)
                              & (c.pre_gid < source.gid_start + source.size)
                              & (c.post_gid >= target.gid_start)
                              & (c.post_gid < target.gid_start + target.size))
        everything = edges.select_all()
        np.testing.assert_array_equal(edges.get_attribute("syn_weight", everything),
                                      c.weight[rows])
        np.testing.assert_array_equal(edges.target_nodes(everything),
                                      c.post_gid[rows] - target.gid_start)
        post = c.post_gid[rows] - target.gid_start
        for node in range(target.size):  # the index answers as a linear scan does
            scan = np.flatnonzero(post == node)
            np.testing.assert_array_equal(np.sort(edges.afferent_edges([node]).flatten()),
                                          scan)
        assert snap.edges[name_].size == len(rows)


def test_edge_index_layout(tmp_path):
    network, cfg = built("tut2")
    export(network, tmp_path / "c", cfg)
    with h5py.File(tmp_path / "c" / "network" / "S_to_M_edges.h5", "r") as f:
        index = f["edges/S_to_M/indices/target_to_source"]
        assert index["node_id_to_range"].id == index["node_id_to_ranges"].id  # hard link
        target = f["edges/S_to_M/target_node_id"][()]
        for node in range(20):
            np.testing.assert_array_equal(
                edges_of(node, index["node_id_to_ranges"][()], index["range_to_edge_id"][()]),
                np.flatnonzero(target == node))
        assert f["edges/S_to_M/target_node_id"].attrs["node_population"] == "M"


def test_configs_name_what_simulators_need(tmp_path):
    network, cfg = built("tut2")
    export(network, tmp_path / "c", cfg)
    circuit = json.loads((tmp_path / "c" / "circuit_config.json").read_text())
    kinds = {name: spec["type"] for entry in circuit["networks"]["nodes"]
             for name, spec in entry["populations"].items()}
    assert kinds == {"S": "biophysical", "M": "biophysical", "stim_bkg__PYR": "virtual"}
    simulation = json.loads((tmp_path / "c" / "simulation_config.json").read_text())
    assert simulation["run"]["tstop"] == 1000.0 and simulation["run"]["dt"] == 0.025
    assert simulation["conditions"] == {"celsius": 6.3, "v_init": -65.0}
    # issue 17: NetStims are written as the spike trains they fire, which any simulator runs
    assert simulation["inputs"]["bkg->PYR"]["module"] == "h5"
    assert simulation["inputs"]["bkg->PYR"]["input_type"] == "spikes"
    template = (tmp_path / "c" / "components" / "templates" / "PYR.hoc").read_text()
    assert "insert hh" in template and "gnabar_hh = 0.12" in template


def test_export_refuses_what_sonata_cannot_hold_and_leaves_nothing(tmp_path):
    from dataclasses import replace

    network, cfg = built("tut2")
    pops = list(network.pops)
    pops[0] = replace(pops[0], label="S/1")
    with pytest.raises(FormatError, match="'S/1'.*cannot be empty or contain '/'"):
        export(replace(network, pops=tuple(pops)), tmp_path / "c", cfg)
    assert not (tmp_path / "c").exists()
    assert list(tmp_path.iterdir()) == []  # no temporary folder left either
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(FileExistsError):
        export(network, tmp_path / "mine", cfg)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"
    export(network, tmp_path / "c", cfg)
    export(network, tmp_path / "c", cfg)  # an earlier export is replaced
    assert sonata.load(tmp_path / "c" / "circuit_config.json").network == network


GROUPS = {"excitatory": ["E2", "E4", "E5"], "inhibitory": ["I5", "I4", "I2"]}


def test_grouped_populations_are_one_node_population_each(tmp_path):
    network, cfg = built("tut5")
    folder = tmp_path / "circuit"
    export(network, folder, cfg, populations=GROUPS)
    checked = subprocess.run([sys.executable, VALIDATOR, str(folder / "circuit_config.json")],
                             capture_output=True, text=True, timeout=120)
    assert "0 error(s), 0 warning(s)" in checked.stdout, checked.stdout + checked.stderr
    snap = bluepysnap.Circuit(str(folder / "circuit_config.json"))
    assert {"excitatory", "inhibitory"} <= set(snap.nodes.population_names)
    assert not {"E2", "I4"} & set(snap.nodes.population_names)
    gids_of = {}
    for name, labels in GROUPS.items():
        pops = [network.pop(label) for label in labels]
        gids_of[name] = np.concatenate([np.arange(p.gid_start, p.gid_start + p.size)
                                        for p in pops])
        nodes = snap.nodes[name].get(properties=["y", "pop_name"])
        np.testing.assert_array_equal(nodes["y"], network.cells.y[gids_of[name]])
        assert nodes["pop_name"].tolist() == [p.label for p in pops for _ in range(p.size)]
    c = network.conns
    seen = 0
    for name in snap.edges.population_names:
        edges = snap.edges[name]
        if edges.source.name not in GROUPS:
            continue
        found = edges.get(None, ["@source_node", "@target_node", "syn_weight"])
        pre = gids_of[edges.source.name][found["@source_node"].to_numpy()]
        post = gids_of[edges.target.name][found["@target_node"].to_numpy()]
        got = sorted(zip(pre.tolist(), post.tolist(), found["syn_weight"].tolist()))
        rows = np.isin(c.pre_gid, pre) & np.isin(c.post_gid, post)
        assert got == sorted(zip(c.pre_gid[rows].tolist(), c.post_gid[rows].tolist(),
                                 c.weight[rows].tolist()))
        seen += len(found)
    assert seen == len(c)
    model = sonata.load(folder / "simulation_config.json")
    assert model.network == network
    assert model.sim_config.sonataPopulations == GROUPS
    i4 = network.pop("I4")  # a node set on the node types' pop_name
    np.testing.assert_array_equal(model.node_sets.gids("I4"),
                                  np.arange(i4.gid_start, i4.gid_start + i4.size))


@pytest.mark.parametrize("groups, message", [
    ({"cortex": ["E2", "E22"]},
     r"^populations\['cortex'\]: unknown population 'E22'; did you mean 'E2'"),
    ({"a": ["E2"], "b": ["E2", "I2"]}, r"\['b'\]: population 'E2' is also in 'a'"),
    ({"E4": ["E2"]}, r"\['E4'\]: 'E4' is the name of a population outside this group"),
    ({"x/y": ["E2"]}, "not a valid SONATA population name"),
])
def test_bad_groupings_are_refused(groups, message, tmp_path):
    network, cfg = built("tut5")
    with pytest.raises(FormatError, match=message):
        export(network, tmp_path / "c", cfg, populations=groups)
    assert list(tmp_path.iterdir()) == []
