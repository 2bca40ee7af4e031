"""SONATA edges read as the SONATA specification means them and as BMTK 1.2.0 (the
reference simulator) reads its own names: edge groups with their own columns, nsyns and the
synapse sign on point cells (and BMTK's reading of them), synapse models, per-edge
dynamics_params, weight functions, and BMTK's run-time synapse placement."""
import json
import shutil
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import shared
from neuroloom.errors import FormatError
from neuroloom.importers import sonata
from neuroloom.importers.sonata_edges import connections
from neuroloom.sonata.synapse_models import point_processes

COMPONENTS = shared("sonata-examples", "shared_components")
LAYER4 = shared("sonata-examples", "layer4_sample")

SYNAPSES = {"exc.json": {"level_of_detail": "instanteneous", "sign": 1},
            "inh.json": {"level_of_detail": "instanteneous", "sign": -1},
            "ampa.json": {"level_of_detail": "exp2syn", "tau1": 1.0, "tau2": 3.0, "erev": 0.0},
            "expsyn_bmtk.json": {"level_of_detail": "expsyn", "tau1": 2.5, "erev": 0.0},
            "expsyn_tau.json": {"level_of_detail": "expsyn", "tau": 4.0, "erev": -70.0},
            "stp.json": {"level_of_detail": "stp2syn", "erev": 0.0, "p0": 0.5,
                         "tau_r0": 300.0, "tau_FDR": 2000.0, "tau_1": 3.0}}
# a stand-in for a circuit's stp2syn.mod: only its NEURON block is read before running
STP_MOD = "NEURON {\n  POINT_PROCESS stp2syn\n  RANGE e, p0\n}\n"


def write_circuit(folder, edge_types, groups, target="cells", mechanisms=True):
    """A circuit of virtual 'ext' (2 nodes, tuning 0 and 90 degrees), IntFire1 'cells' (3
    nodes, tuning 0, 45, 90) and one biophysical 'bio' cell, with one edge population
    ext -> ``target`` of the ``groups`` given (each {"src", "trg", "type", columns...,
    "dynamics": {...}}) and edge types CSV text ``edge_types``."""
    folder = Path(folder)
    (folder / "syn").mkdir(parents=True)
    for name, params in SYNAPSES.items():
        (folder / "syn" / name).write_text(json.dumps(params))
    mech = folder / "mech" / "modfiles"
    mech.mkdir(parents=True)
    (mech / "stp2syn.mod" if mechanisms else mech / "leak.mod").write_text(
        STP_MOD if mechanisms else "NEURON {\n  SUFFIX leak_x\n}\n")
    nodes = {"ext": ("100 virtual NONE NONE NONE NONE", [0.0, 90.0]),
             "cells": ("100 point_process nrn:IntFire1 IntFire1_exc_1.json NONE NONE",
                       [0.0, 45.0, 90.0]),
             "bio": ("100 biophysical nml:nml/Cell_472363762.cell.nml NONE "
                     "Scnn1a_473845048_m aibs_perisomatic", [30.0])}
    for pop, (row, tuning) in nodes.items():
        (folder / f"{pop}_node_types.csv").write_text(
            "node_type_id model_type model_template dynamics_params morphology "
            f"model_processing\n{row}\n")
        with h5py.File(folder / f"{pop}_nodes.h5", "w") as f:
            g = f.create_group(f"nodes/{pop}")
            n = len(tuning)
            g["node_type_id"] = np.full(n, 100)
            g["node_group_id"] = np.zeros(n, int)
            g["node_group_index"] = np.arange(n)
            g["0/tuning_angle"] = np.array(tuning)
    (folder / "edge_types.csv").write_text(edge_types)
    with h5py.File(folder / "edges.h5", "w") as f:
        g = f.create_group(f"edges/ext_to_{target}")
        src, trg, types, gid, gindex = [], [], [], [], []
        for k, group in enumerate(groups):
            n = len(group["src"])
            src += group["src"]
            trg += group["trg"]
            types += group["type"]
            gid += [k] * n
            gindex += list(range(n))
            h5 = g.create_group(str(k))
            for name, values in group.items():
                if name == "dynamics":
                    for key, own in values.items():
                        h5[f"dynamics_params/{key}"] = np.asarray(own, float)
                elif name not in ("src", "trg", "type"):
                    h5[name] = np.asarray(values)
        g["source_node_id"] = np.array(src, np.uint64)
        g["source_node_id"].attrs["node_population"] = "ext"
        g["target_node_id"] = np.array(trg, np.uint64)
        g["target_node_id"].attrs["node_population"] = target
        g["edge_type_id"] = np.array(types, np.uint32)
        g["edge_group_id"] = np.array(gid, np.uint32)
        g["edge_group_index"] = np.array(gindex, np.uint64)
    config = {
        "components": {"point_neuron_models_dir": str(COMPONENTS / "point_neuron_models_dir"),
                       "synaptic_models_dir": str(folder / "syn"),
                       "morphologies_dir": str(COMPONENTS / "morphologies"),
                       "biophysical_neuron_models_dir": str(
                           COMPONENTS / "biophysical_neuron_templates"),
                       "mechanisms_dir": str(folder / "mech")},
        "networks": {"nodes": [{"nodes_file": str(folder / f"{p}_nodes.h5"),
                                "node_types_file": str(folder / f"{p}_node_types.csv")}
                               for p in nodes],
                     "edges": [{"edges_file": str(folder / "edges.h5"),
                                "edge_types_file": str(folder / "edge_types.csv")}]}}
    path = folder / "circuit_config.json"
    path.write_text(json.dumps(config))
    return path


def read(path, signs="sonata"):
    """The model of a circuit with its edges read the ``signs`` way, and the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sonata.load(path, signs=signs)
    return model, [str(w.message) for w in caught]


POINT_TYPES = ("edge_type_id delay dynamics_params model_template\n"
               "1 1.0 exc.json exp2syn\n"
               "2 1.0 inh.json exp2syn\n")


def test_a_group_without_nsyns_weighs_one_synapse_and_bmtk_drops_its_sign(tmp_path):
    """Group 0 has nsyns (as BMTK's connection rules write it), group 1 has none (BMTK's
    add_properties): no NaN weight, nsyns 1; SONATA applies every sign, BMTK only group
    0's. The exp2syn model_template of edges into point cells is ignored, as BMTK does."""
    groups = [{"src": [0, 1, 0], "trg": [0, 1, 2], "type": [1, 2, 2],
               "syn_weight": [0.5, 0.25, 0.1], "nsyns": [3, 2, 4]},
              {"src": [1, 0, 1], "trg": [0, 1, 2], "type": [2, 2, 1],
               "syn_weight": [0.3, 0.7, 0.2]}]
    path = write_circuit(tmp_path, POINT_TYPES, groups)
    model, caught = read(path)
    conns = model.network.conns
    assert not np.isnan(conns.weight).any()
    np.testing.assert_allclose(conns.weight, [1.5, -0.5, -0.4, -0.3, -0.7, 0.2])
    assert (conns.syn_mech == -1).all()  # events go to the cells themselves
    assert len(caught) == 1 and "2 edges into point cells (edge types [2])" in caught[0]
    assert "signs='bmtk'" in caught[0]
    bmtk, caught = read(path, "bmtk")
    np.testing.assert_allclose(bmtk.network.conns.weight, [1.5, -0.5, -0.4, 0.3, 0.7, 0.2])
    assert not [c for c in caught if "edges into point cells" in c]


def test_bmtk_drops_sign_and_nsyns_in_groups_with_section_ids(tmp_path):
    groups = [{"src": [0, 1], "trg": [0, 1], "type": [2, 2], "syn_weight": [0.5, 0.25],
               "nsyns": [3, 2], "sec_id": [0, 0], "sec_x": [0.5, 0.5]}]
    path = write_circuit(tmp_path, POINT_TYPES, groups)
    model, caught = read(path)
    np.testing.assert_allclose(model.network.conns.weight, [-1.5, -0.5])
    assert "2 edges into point cells" in caught[0]
    bmtk, _ = read(path, "bmtk")
    np.testing.assert_allclose(bmtk.network.conns.weight, [0.5, 0.25])


def test_an_edge_without_syn_weight_is_an_error_naming_its_group_and_type(tmp_path):
    groups = [{"src": [0], "trg": [0], "type": [1], "syn_weight": [0.5]},
              {"src": [1], "trg": [1], "type": [2], "nsyns": [2]}]
    path = write_circuit(tmp_path, POINT_TYPES, groups)
    with pytest.raises(FormatError, match=r"syn_weight.*1 of 2 .*edge 1 \(edge group 1\), "
                                          r"edge_type_id 2"):
        sonata.load(path)


def test_null_in_the_edge_types_csv_is_missing(tmp_path):
    types = ("edge_type_id delay dynamics_params model_template weight_function syn_weight\n"
             "1 1.0 exc.json NULL NULL 0.4\n")
    groups = [{"src": [0, 1], "trg": [0, 1], "type": [1, 1]}]
    model, _ = read(write_circuit(tmp_path, types, groups))
    np.testing.assert_allclose(model.network.conns.weight, [0.4, 0.4])


def test_per_edge_dynamics_params_override_the_edge_type(tmp_path):
    """The group's dynamics_params subgroup: a synapse per parameter set on biophysical
    cells, the sign per edge on point cells."""
    types = ("edge_type_id delay dynamics_params model_template\n"
             "1 2.0 ampa.json exp2syn\n")
    groups = [{"src": [0, 1, 0], "trg": [0, 0, 0], "type": [1, 1, 1],
               "syn_weight": [1e-3] * 3, "afferent_section_id": [0, 0, 0],
               "afferent_section_pos": [0.5, 0.5, 0.5], "dynamics": {"tau2": [3.0, 9.0, 3.0]}}]
    model, _ = read(write_circuit(tmp_path, types, groups, target="bio"))
    mechs = [model.network.syn_mechs[c] for c in model.network.conns.syn_mech]
    assert [dict(m.params)["tau2"] for m in mechs] == [3.0, 9.0, 3.0]
    assert {m.label for m in mechs} == {"ampa", "ampa_2"}
    assert all(m.mod == "Exp2Syn" and dict(m.params)["tau1"] == 1.0 for m in mechs)
    groups = [{"src": [0, 1], "trg": [0, 1], "type": [2, 2], "syn_weight": [0.5, 0.5],
               "nsyns": [1, 1], "dynamics": {"sign": [1.0, -1.0]}}]
    model, _ = read(write_circuit(tmp_path / "point", POINT_TYPES, groups))
    np.testing.assert_allclose(model.network.conns.weight, [0.5, -0.5])


@pytest.mark.parametrize("dynamics, params", [
    ("expsyn_bmtk.json", {"tau": 2.5, "e": 0.0}),  # BMTK's setter reads tau1
    ("expsyn_tau.json", {"tau": 4.0, "e": -70.0}),
    ("stp.json", {"e": 0.0, "p0": 0.5, "tau_r0": 300.0, "tau_FDR": 2000.0, "tau_1": 3.0})])
def test_bmtk_synapse_models(tmp_path, dynamics, params):
    types = ("edge_type_id delay dynamics_params model_template\n"
             f"1 2.0 {dynamics} {SYNAPSES[dynamics]['level_of_detail']}\n")
    groups = [{"src": [0], "trg": [0], "type": [1], "syn_weight": [1e-3],
               "sec_id": [0], "sec_x": [0.5]}]
    model, _ = read(write_circuit(tmp_path, types, groups, target="bio"))
    mech = model.network.syn_mechs[model.network.conns.syn_mech[0]]
    assert dict(mech.params) == params
    assert mech.mod == {"expsyn": "ExpSyn", "stp2syn": "stp2syn"}[
        SYNAPSES[dynamics]["level_of_detail"]]


def test_a_synapse_model_without_its_mechanism_is_an_error_naming_it(tmp_path):
    types = "edge_type_id delay dynamics_params model_template\n7 2.0 stp.json stp2syn\n"
    groups = [{"src": [0], "trg": [0], "type": [7], "syn_weight": [1e-3], "sec_id": [0],
               "sec_x": [0.5]}]
    path = write_circuit(tmp_path, types, groups, target="bio", mechanisms=False)
    with pytest.raises(FormatError, match=r"edge_type_id 7: synapse model 'stp2syn' needs "
                                          r"the NEURON mechanism stp2syn"):
        sonata.load(path)
    types = "edge_type_id delay dynamics_params model_template\n7 2.0 stp.json stp9syn\n"
    path = write_circuit(tmp_path / "b", types, groups, target="bio")
    with pytest.raises(FormatError, match=r"edge_type_id 7: synapse model 'stp9syn' is not "
                                          r"one BMTK 1.2.0 registers.*did you mean"):
        sonata.load(path)


def test_point_processes_are_read_from_mod_files(tmp_path):
    (tmp_path / "a.mod").write_text("COMMENT\nPOINT_PROCESS fake\nENDCOMMENT\n" + STP_MOD)
    (tmp_path / "b.mod").write_text("NEURON { SUFFIX hh2 }\n: POINT_PROCESS no\n")
    assert point_processes(tmp_path) == {"stp2syn"}
    # the corpus's channels are density mechanisms and VecStim an ARTIFICIAL_CELL
    assert point_processes(COMPONENTS / "mechanisms" / "modfiles") == set()


def _gaussian_ll(w0, sigma, source, target):
    delta = abs(abs(abs(180.0 - abs(target - source) % 360.0) - 90.0) - 90.0)
    return w0 * np.exp(-(delta / sigma) ** 2)


def test_weight_functions(tmp_path):
    types = ("edge_type_id delay dynamics_params weight_function weight_sigma\n"
             "1 1.0 exc.json gaussianLL 50.0\n"
             "2 1.0 exc.json wmax NULL\n"
             "3 1.0 exc.json NULL NULL\n")
    groups = [{"src": [0, 1, 1, 0, 1], "trg": [1, 0, 2, 2, 1], "type": [1, 1, 1, 2, 3],
               "syn_weight": [2.0, 2.0, 2.0, 0.3, 0.4], "nsyns": [1] * 5}]
    model, _ = read(write_circuit(tmp_path, types, groups))
    source, target = [0.0, 90.0], [0.0, 45.0, 90.0]
    expected = [_gaussian_ll(2.0, 50.0, source[s], target[t]) for s, t in
                [(0, 1), (1, 0), (1, 2)]] + [0.3, 0.4]
    np.testing.assert_allclose(model.network.conns.weight, expected)
    assert expected[0] == pytest.approx(2.0 * np.exp(-(45 / 50) ** 2))
    assert expected[1] == pytest.approx(2.0 * np.exp(-(90 / 50) ** 2))
    assert expected[2] == pytest.approx(2.0)  # the same orientation


def test_an_unknown_weight_function_is_an_error_naming_it(tmp_path):
    types = "edge_type_id delay dynamics_params weight_function\n1 1.0 exc.json gausianLL\n"
    groups = [{"src": [0], "trg": [0], "type": [1], "syn_weight": [1.0]}]
    with pytest.raises(FormatError, match="weight_function 'gausianLL' is not one of BMTK's "
                                          "built-ins.*did you mean 'gaussianLL'"):
        sonata.load(write_circuit(tmp_path, types, groups))


def test_bmtk_places_synapses_by_target_sections_and_distance_range(tmp_path):
    """Issue 17 changed this from an error: nsyns synapses per edge, placed as BMTK does
    (tests/engine/test_sonata_random_placement.py compares them with BMTK's)."""
    types = ("edge_type_id delay dynamics_params model_template target_sections "
             "distance_range\n"
             "5 2.0 ampa.json exp2syn \"['basal', 'apical']\" \"[0.0, 150.0]\"\n")
    groups = [{"src": [0, 1], "trg": [0, 0], "type": [5, 5], "syn_weight": [1e-3] * 2,
               "nsyns": [3, 2]}]
    model, _ = read(write_circuit(tmp_path, types, groups, target="bio"))
    net = model.network
    conns = net.conns
    assert len(conns) == 5 and conns.pre_gid.tolist() == [0, 0, 0, 1, 1]
    names = [net.section_names[s] for s in conns.sec.tolist()]
    assert all(n.startswith(("dend_", "apic_")) for n in names)
    assert ((conns.loc > 0) & (conns.loc < 1)).all()
    assert model.network.conns.weight.tolist() == [1e-3] * 5  # each synapse the edge's


def test_edges_onto_cells_without_section_ids_or_nsyns_are_an_error(tmp_path):
    types = ("edge_type_id delay dynamics_params model_template target_sections "
             "distance_range\n"
             "5 2.0 ampa.json exp2syn \"['basal', 'apical']\" \"[0.0, 150.0]\"\n")
    groups = [{"src": [0, 1], "trg": [0, 0], "type": [5, 5], "syn_weight": [1e-3] * 2}]
    with pytest.raises(FormatError, match=r"2 edges onto biophysical cells \(edge types "
                                          r"\[5\]\) have no afferent_section_id.*give "
                                          r"target_sections, distance_range.*no nsyns"):
        sonata.load(write_circuit(tmp_path, types, groups, target="bio"))


def test_layer4_point_cell_edges_bmtk_reads_without_their_sign(tmp_path):
    """layer4_sample as shipped (its LGN edges, which need regenerating, left out): the
    1,643 I -> LIF_inh edges are the only ones BMTK reads otherwise."""
    shutil.copytree(LAYER4 / "network", tmp_path / "network")
    config = json.loads((LAYER4 / "circuit_config.json").read_text())
    config["networks"]["edges"] = [e for e in config["networks"]["edges"]
                                   if "lgn" not in e["edges_file"]]
    config["manifest"]["$COMPONENT_DIR"] = str(COMPONENTS)
    path = tmp_path / "circuit_config.json"
    path.write_text(json.dumps(config))
    model, caught = read(path)
    conns = model.network.conns
    assert len(conns) == 47020 and not np.isnan(conns.weight).any()
    assert [c for c in caught if "edges into point cells" in c] == [
        c for c in caught if "1643 edges into point cells (edge types [101])" in c]
    assert len([c for c in caught if "edges into point cells" in c]) == 1
    bmtk, _ = read(path, "bmtk")
    changed = conns.weight != bmtk.network.conns.weight
    assert changed.sum() == 1643
    np.testing.assert_allclose(conns.weight[changed], -bmtk.network.conns.weight[changed])
    assert (bmtk.network.conns.weight[changed] > 0).all()


def test_an_unknown_reading_is_an_error():
    with pytest.raises(ValueError, match="did you mean 'bmtk'"):
        connections(None, [], None, set(), None, [], signs="bmkt")
