"""SONATA configs and nodes read as BMTK writes and reads them (no NEURON): manifests with
BMTK's built-ins, split configs, node sets of every kind, missing values in type CSVs,
several node groups, per-node dynamics_params, rotations, components that are missing,
NEST templates."""
import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pandas
import pytest

from helpers import writable_copy
from neuroloom.errors import FormatError
from neuroloom.importers import sonata
from neuroloom.sonata.files import load_config, read_types

EXAMPLES = Path("/work/shared/sonata-examples")



def write_json(path, data):
    path.write_text(json.dumps(data))
    return path


# -- configs -----------------------------------------------------------------------------
def test_configdir_and_workingdir_are_bmtk_builtins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net").mkdir()
    config = write_json(tmp_path / "circuit_config.json", {
                            "manifest": {"$NETWORK_DIR": "$BASE_DIR/net",  # before BASE_DIR
                                         "$BASE_DIR": "${configdir}"},
                            "components": {"here": "${workingdir}/x"},
                            "networks": {"nodes": [{"nodes_file": "$NETWORK_DIR/n.h5",
                                                    "node_types_file": "${NETWORK_DIR}/t.csv"}]}})
    circuit = load_config(config).circuit
    assert circuit["networks"]["nodes"][0]["nodes_file"] == str(tmp_path / "net" / "n.h5")
    assert circuit["networks"]["nodes"][0]["node_types_file"] == str(tmp_path / "net/t.csv")
    assert circuit["components"]["here"] == str(tmp_path / "x")


def test_an_undefined_manifest_variable_is_named_with_the_closest(tmp_path):
    config = write_json(tmp_path / "c.json", {
        "manifest": {"$BASE_DIR": ".", "$NETWORK_DIR": "$BASE_DRI/net"},
        "networks": {"nodes": []}})
    with pytest.raises(FormatError, match=r"NETWORK_DIR.*\$BASE_DRI.*did you mean 'BASE_DIR'"):
        load_config(config)
    write_json(config, {"manifest": {"$A": "$B/x", "$B": "$A/y"}, "networks": {}})
    with pytest.raises(FormatError, match="refer to each other in a circle"):
        load_config(config)


def test_a_circuit_config_naming_its_simulation_and_components_in_the_simulation(tmp_path):
    writable_copy(EXAMPLES / "300_intfire", tmp_path / "c")
    writable_copy(EXAMPLES / "shared_components", tmp_path / "shared_components")
    folder = tmp_path / "c"
    circuit = json.loads((folder / "circuit_config.json").read_text())
    simulation = json.loads((folder / "simulation_config.json").read_text())
    simulation["manifest"]["$COMPONENT_DIR"] = "${configdir}/../shared_components"
    simulation["components"] = circuit.pop("components")
    simulation.pop("network", None)
    circuit["simulation"] = "${configdir}/simulation_config.json"
    write_json(folder / "circuit_config.json", circuit)
    write_json(folder / "simulation_config.json", simulation)
    config = load_config(folder / "circuit_config.json")
    assert config.simulation_path == folder / "simulation_config.json"
    assert config.component("point_neuron_models_dir").resolve() == \
        (tmp_path / "shared_components/point_neuron_models_dir").resolve()
    model = sonata.load(folder / "circuit_config.json")
    assert len(model.network.cells.x) == 420


@pytest.mark.parametrize("example", ["300_intfire", "9_cells"])
def test_old_and_new_style_configs_read_the_same(example, tmp_path):
    """The shipped configs are old style (no populations); with the populations (type
    given there, as libsonata wants) the network is the same."""
    old = sonata.load(EXAMPLES / example / "config.json").network
    shutil.copytree(EXAMPLES / example, tmp_path / example,
                    ignore=shutil.ignore_patterns("output*"))
    writable_copy(EXAMPLES / "shared_components", tmp_path / "shared_components")
    path = tmp_path / example / "circuit_config.json"
    circuit = json.loads(path.read_text())
    for entry in circuit["networks"]["nodes"]:
        nodes = entry["nodes_file"].replace("$NETWORK_DIR", str(tmp_path / example / "network"))
        with h5py.File(nodes, "r") as f:
            entry["populations"] = {name: {} for name in f["nodes"]}
    write_json(path, circuit)
    new = sonata.load(tmp_path / example / "config.json").network
    assert [p.label for p in new.pops] == [p.label for p in old.pops]
    assert len(new.conns.pre_gid) == len(old.conns.pre_gid) > 0


# -- type CSVs ---------------------------------------------------------------------------
def test_null_none_and_empty_are_missing_as_bmtk_reads_them(tmp_path):
    path = tmp_path / "types.csv"
    path.write_text('node_type_id a b c d\n1 NULL NONE "" 2.5\n2 x NaN 3 NA\n')
    types = read_types(path, "node_type_id")
    assert types[1] == {"node_type_id": 1, "a": None, "b": None, "c": None, "d": 2.5}
    assert types[2] == {"node_type_id": 2, "a": "x", "b": None, "c": 3, "d": None}
    theirs = pandas.read_csv(path, sep=" ", na_values="NONE")  # BMTK's reading
    assert theirs.isna().to_numpy().tolist() == [
        [v is None for v in row.values()] for row in types.values()]


# -- nodes: groups, per-node dynamics, rotations, NEST -----------------------------------
def _point_circuit(tmp_path, groups, types_csv, dynamics_files=None):
    """A circuit of one population 'cells' of IntFire1 nodes in ``groups`` (group id ->
    {column: values}, with 'node_type_id' and optional 'dynamics_params' dict)."""
    (tmp_path / "models").mkdir(exist_ok=True)
    for name, params in (dynamics_files or {"if1.json": {"tau": 0.02, "refrac": 0.003}}).items():
        write_json(tmp_path / "models" / name, params)
    (tmp_path / "types.csv").write_text(types_csv)
    with h5py.File(tmp_path / "nodes.h5", "w") as f:
        pop = f.create_group("nodes/cells")
        type_ids, group_ids, group_index = [], [], []
        for gid, columns in groups.items():
            g = pop.create_group(str(gid))
            n = len(columns["node_type_id"])
            type_ids += list(columns["node_type_id"])
            group_ids += [gid] * n
            group_index += list(range(n))
            for name, values in columns.items():
                if name == "dynamics_params":
                    for key, v in values.items():
                        g.create_dataset(f"dynamics_params/{key}", data=v)
                elif name != "node_type_id":
                    g.create_dataset(name, data=values)
        pop["node_type_id"] = np.array(type_ids)
        pop["node_id"] = np.arange(len(type_ids))
        pop["node_group_id"] = np.array(group_ids)
        pop["node_group_index"] = np.array(group_index)
    return write_json(tmp_path / "circuit_config.json", {
        "components": {"point_neuron_models_dir": "models"},
        "networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": "types.csv"}]}})


TYPES = "node_type_id model_type model_template dynamics_params rotation_angle_zaxis pop\n" \
        "1 point_process nrn:IntFire1 if1.json NULL e\n" \
        "2 point_process nrn:IntFire1 if1.json 0.5 i\n"


def test_several_node_groups_with_their_own_columns(tmp_path):
    config = _point_circuit(tmp_path, {
        0: {"node_type_id": [1, 1], "x": [1.0, 2.0], "rotation_angle_yaxis": [0.1, 0.2]},
        1: {"node_type_id": [2, 2, 1], "tuning": [10.0, 20.0, 30.0]}}, TYPES)
    cells = sonata.load(config).network.cells
    assert cells.x.tolist() == [1.0, 2.0, 0.0, 0.0, 0.0]
    assert np.isnan(cells.extra["tuning"][:2]).all()
    assert cells.extra["tuning"][2:].tolist() == [10.0, 20.0, 30.0]
    # no rotation where the group lacks the column or the CSV says NULL: 0, not NaN
    assert cells.extra["rotation_angle_yaxis"].tolist() == [0.1, 0.2, 0.0, 0.0, 0.0]
    assert cells.extra["rotation_angle_zaxis"].tolist() == [0.0, 0.0, 0.5, 0.5, 0.0]


def test_dynamics_params_per_node_replace_the_types(tmp_path):
    config = _point_circuit(tmp_path, {
        0: {"node_type_id": [1, 1, 1], "dynamics_params": {"tau": [0.01, 0.01, 0.04]}},
        1: {"node_type_id": [1]}}, TYPES)
    net = sonata.load(config).network
    taus = [dict(net.cell_type_of(g).artificial.params)["tau"] for g in range(4)]
    assert taus == [10.0, 10.0, 40.0, 20.0]  # ms: BMTK's seconds converted
    assert net.cell_types[net.cells.cell_type[0]] is not net.cell_types[net.cells.cell_type[2]]
    assert len({t.label for t in net.cell_types}) == len(net.cell_types) == 3


def test_a_dict_written_as_dynamics_params_is_named_for_what_it_is(tmp_path):
    # BMTK's NetworkBuilder writes add_nodes(dynamics_params={...}) as the dict's repr
    types = "node_type_id model_type model_template dynamics_params\n" \
            "1 point_process nrn:IntFire1 \"{'tau': [0.007, 0.009]}\"\n"
    config = _point_circuit(tmp_path, {0: {"node_type_id": [1, 1]}}, types)
    with pytest.raises(FormatError, match=r"\{'tau': \[0.007, 0.009\]\}.*not found.*looks like "
                                          r"a Python dict.*NetworkBuilder"):
        sonata.load(config)


def test_a_nest_model_without_a_neuron_counterpart_is_named():
    with pytest.raises(FormatError, match=r"internal_node_types.csv.*nest:iaf_psc_alpha.*"
                                          r"NEST model 'iaf_psc_alpha'.*no NEURON counterpart"):
        sonata.load(EXAMPLES / "300_pointneurons" / "config.json")


# -- components --------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["modfiles", "flat"])
def test_mechanisms_dir_with_or_without_modfiles(layout, tmp_path):
    writable_copy(EXAMPLES / "9_cells", tmp_path / "9_cells")
    writable_copy(EXAMPLES / "shared_components", tmp_path / "shared_components")
    mechanisms = tmp_path / "shared_components/mechanisms"
    if layout == "flat":
        for mod in (mechanisms / "modfiles").glob("*.mod"):
            mod.rename(mechanisms / mod.name)
        (mechanisms / "modfiles").rmdir()
    model = sonata.load(tmp_path / "9_cells/config.json")
    folder = Path(model.network.mod_folders[0])
    assert folder == (mechanisms / "modfiles" if layout == "modfiles" else mechanisms)
    assert (folder / "CaDynamics.mod").is_file()


@pytest.mark.parametrize("what, edit, message", [
    ("mechanisms_dir", lambda c: c["components"].update(mechanisms_dir="$COMPONENT_DIR/mechs"),
     r"components.mechanisms_dir '.*/shared_components/mechs' does not exist"),
    ("morphologies_dir", lambda c: c["components"].update(
        morphologies_dir="$COMPONENT_DIR/morphs"),
     r"components.morphologies_dir '.*/shared_components/morphs' does not exist"),
    ("templates", lambda c: c["components"].update(
        biophysical_neuron_models_dir="$COMPONENT_DIR/morphologies"),
     r"model_template 'nml:.*' is not in components.biophysical_neuron_models_dir"),
])
def test_a_missing_component_names_the_config_key_and_the_path(what, edit, message, tmp_path):
    writable_copy(EXAMPLES / "9_cells", tmp_path / "9_cells")
    writable_copy(EXAMPLES / "shared_components", tmp_path / "shared_components")
    path = tmp_path / "9_cells/circuit_config.json"
    circuit = json.loads(path.read_text())
    edit(circuit)
    write_json(path, circuit)
    with pytest.raises(FormatError, match=message):
        sonata.load(tmp_path / "9_cells/config.json")


def test_a_missing_morphology_and_dynamics_file_name_the_key(tmp_path):
    writable_copy(EXAMPLES / "9_cells", tmp_path / "9_cells")
    writable_copy(EXAMPLES / "shared_components", tmp_path / "shared_components")
    swc = tmp_path / "shared_components/morphologies/Scnn1a_473845048_m.swc"
    swc.unlink()
    with pytest.raises(FormatError, match=rf"morphology '{swc.stem}.*' is not in "
                                          r"components.morphologies_dir"):
        sonata.load(tmp_path / "9_cells/config.json")
    (tmp_path / "p").mkdir()
    config = _point_circuit(tmp_path / "p", {0: {"node_type_id": [1]}}, TYPES,
                            {"other.json": {}})
    with pytest.raises(FormatError, match=r"if1.json not found.*components."
                                          r"point_neuron_models_dir"):
        sonata.load(config)


# -- node sets ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def intfire():
    return sonata.load(EXAMPLES / "300_intfire" / "config.json")


def test_node_sets_of_every_kind(intfire):
    sets = intfire.node_sets
    v1, lgn, tw = sets.gids("v1"), sets.gids({"population": "lgn"}), sets.gids("TW")
    assert (len(v1), len(lgn)) == (300, 90) and len(tw) > 0
    assert sets.gids("all").tolist() == sorted([*v1, *lgn, *tw])  # BMTK's implicit 'all'
    assert sets.gids({"population": "v1", "node_id": [0, 5]}).tolist() == v1[[0, 5]].tolist()
    assert sets.gids([0, 5]).tolist() == sorted(  # BMTK: a list of ints is node ids
        [*v1[[0, 5]], *lgn[[0, 5]], *tw[[0, 5]]])
    sets.definitions.update({"e": {"population": "v1", "ei": "e"},
                             "i": {"population": "v1", "ei": ["i"]}})
    e, i = sets.gids("e"), sets.gids("i")
    assert len(e) and len(i) and len(e) + len(i) == 300
    assert sets.gids(["e", "i"]).tolist() == v1.tolist()  # compound: the union
    assert sets.gids(["LGN", {"population": "v1", "node_id": 0}]).tolist() == \
        sorted([*lgn, v1[0]])
    assert sets.gids({"population": "v1", "model_name": {"$regex": "LIF_e.*"}}).tolist() \
        == e.tolist()
    with pytest.raises(FormatError, match="unknown node set 'v11'.*did you mean 'v1'"):
        sets.gids("v11")
    with pytest.raises(FormatError, match="unknown operator '\\$gtt'.*did you mean '\\$gt'"):
        sets.gids({"ei": {"$gtt": 1}})
    with pytest.raises(FormatError, match="no node has the attribute"):
        sets.gids({"colour": "red"})
    with pytest.warns(UserWarning, match="'gids' is not SONATA's"):
        assert sets.gids({"population": "v1", "gids": [0]}).tolist() == v1.tolist()


def test_node_sets_compare_numbers(tmp_path):
    config = _point_circuit(tmp_path, {0: {"node_type_id": [1, 1, 2], "x": [-1.0, 0.0, 2.0]},
                                       1: {"node_type_id": [2]}}, TYPES)
    sets = sonata.load(config).node_sets
    assert sets.gids({"x": {"$gte": 0}}).tolist() == [1, 2]
    assert sets.gids({"x": {"$gt": -5, "$lt": 0}}).tolist() == [0]
    assert sets.gids({"populations": "cells", "x": {"$lte": 0}}).tolist() == [0, 1]
