"""NetPyNE's own saved runs read without NEURON (results/netpyne_data.py): the cells, tags,
connections and spikes of the reference files NetPyNE 1.1.1 wrote
(tests/data/netpyne_saved/make_reference.py), and the data parts and MATLAB files."""
import json
from pathlib import Path

import numpy as np
import pytest
from scipy.io import loadmat

from neuroloom.errors import FormatError, SpecError
from neuroloom.results.netpyne_data import (NetPyNEUnpickler, is_netpyne, netpyne_net_params,
                                            netpyne_run)
from neuroloom.results.save import load_payload, save_mat
from neuroloom.validate.checker import Checker
from neuroloom.validate.simconfig import compact_conn_format, data_parts

SAVED = Path(__file__).resolve().parents[1] / "data" / "netpyne_saved"


@pytest.fixture(scope="module")
def saved():
    return json.loads((SAVED / "small_data.json").read_text())


@pytest.fixture(scope="module")
def run():
    return netpyne_run(load_payload(SAVED / "small_data.json"))


def rows(net, labels=True):
    """The connections as sorted tuples, whatever the catalogs' order."""
    c = net.conns
    return sorted(zip(c.pre_gid.tolist(), c.post_gid.tolist(), c.weight.tolist(),
                      c.delay.tolist(), [net.section_names[s] for s in c.sec],
                      c.loc.tolist(), [net.syn_mechs[m].label for m in c.syn_mech],
                      *([[net.conn_rules[r] for r in c.rule]] if labels else [])))


def synaptic(cell):
    return [c for c in cell["conns"] if not isinstance(c["preGid"], str)]


def test_cells_and_tags_are_the_saved_ones(saved, run):
    net = run.network
    cells = saved["net"]["cells"]
    assert net.num_cells == len(cells) == 24
    assert [p.label for p in net.pops] == ["S", "M"]  # gid order, not the JSON's
    for cell in cells:
        gid, tags = cell["gid"], cell["tags"]
        mine = net.tags(gid)
        assert mine["pop"] == tags["pop"] and mine["cellType"] == tags["cellType"]
        for key in ("x", "y", "z", "xnorm", "ynorm", "znorm"):
            assert mine[key] == tags[key]
    for label, pop in saved["net"]["pops"].items():
        assert list(net.pop(label).gids) == pop["cellGids"]


def test_connections_are_the_saved_ones_not_rebuilt(saved, run):
    net = run.network
    c = net.conns
    expected = sorted((conn["preGid"], cell["gid"], conn["weight"], conn["delay"],
                       conn["sec"], conn["loc"], conn["synMech"], conn["label"])
                      for cell in saved["net"]["cells"] for conn in synaptic(cell))
    assert rows(net) == expected and len(expected) > 50
    # the delays depend on the saved positions (1 + dist/100 um/ms): none is a default
    assert (c.delay > 1.0).all() and len(set(c.delay.tolist())) > 20
    # the NetStim connections are stimuli with the saved weights and delays
    s = net.stims
    bkg = s.syn_mech >= 0
    assert bkg.sum() == 24 and set(s.weight[bkg]) == {0.008} and set(s.delay[bkg]) == {2.0}


def test_sim_data_is_the_saved_one(saved, run):
    data = run.sim_data
    np.testing.assert_array_equal(data["spkt"], saved["simData"]["spkt"])
    np.testing.assert_array_equal(data["spkid"], np.asarray(saved["simData"]["spkid"], int))
    np.testing.assert_array_equal(data["V_soma"]["cell_12"], saved["simData"]["V_soma"]["cell_12"])
    np.testing.assert_array_equal(data["stims"]["cell_3"]["bkg"],
                                  saved["simData"]["stims"]["cell_3"]["bkg"])
    assert run.sim_config.duration == 200.0 and run.sim_config.recordStim is True


def test_the_pickle_and_the_compact_format_give_the_same_network(run):
    from_pickle = netpyne_run(load_payload(SAVED / "small_data.pkl", trust_pickle=True))
    assert from_pickle.network.cells == run.network.cells
    assert rows(from_pickle.network) == rows(run.network)
    np.testing.assert_array_equal(from_pickle.sim_data["spkt"], run.sim_data["spkt"])
    compact = json.loads((SAVED / "compact_data.json").read_text())
    assert isinstance(compact["net"]["cells"][0]["conns"][0], list)  # lists, no secs
    assert compact["net"]["cells"][0]["secs"] == {}
    assert rows(netpyne_run(compact).network, labels=False) == rows(run.network, False)


def test_netpyne_additions_to_the_rules_are_removed(saved):
    params = netpyne_net_params(saved["net"]["params"], saved["net"]["pops"])
    assert list(params.popParams) == ["S", "M"]
    assert dict(params.popParams["M"]) == {"cellType": "PYR", "numCells": 12,
                                           "yRange": [100, 200]}
    assert "loc" not in params.stimTargetParams["bkg->all"]
    assert not params.get("mapping")  # NetPyNE's empty {'__dict__': {}}


def test_files_that_cannot_be_read_are_clear_errors(saved, tmp_path):
    no_params = {**saved, "net": {k: v for k, v in saved["net"].items() if k != "params"}}
    with pytest.raises(FormatError, match="not the netParams"):
        netpyne_run(no_params)
    bad = json.loads(json.dumps(saved))
    bad["net"]["cells"][3]["conns"][0]["synMech"] = "AMPA"
    with pytest.raises(FormatError, match="cell 3 uses synMech 'AMPA'"):
        netpyne_run(bad)
    assert is_netpyne(saved) and not is_netpyne({"neuroloom_version": "1", **saved})

    path = tmp_path / "x.pkl"  # a NetPyNE object that is not a dict: refused, never made
    path.write_bytes(b"cnetpyne.cell.compartCell\nCompartCell\n.")
    with pytest.raises(FormatError, match="netpyne.cell.compartCell.CompartCell"):
        with open(path, "rb") as f:
            NetPyNEUnpickler(f).load()


def test_data_parts_and_compact_conn_format():
    check = Checker()
    assert data_parts(["net", "simData"], check) == ("netCells", "netPops", "simData")
    assert data_parts(["netCels"], check) == ()
    assert "unknown parts ['netCels']" in check.problems[0].message
    assert compact_conn_format(True, True) == ("preGid", "preLabel", "sec", "loc", "synMech",
                                               "weight", "delay")
    assert compact_conn_format(False, True) == ()
    assert compact_conn_format(["preGid", "wieght"], False, check) == ("preGid",)
    assert "did you mean 'weight'" in check.problems[-1].message
    with pytest.raises(SpecError, match="saveData"):
        from neuroloom.sim.session import _parts
        _parts(["simDat"])


def test_mat_files_hold_the_payload(tmp_path):
    payload = {"neuroloom_version": "x", "simData": {"spkt": np.array([1.0, 2.5]),
                                                     "V": {"cell_0": [1.0, 2.0]}},
               "simConfig": {"recordCells": ["all"], "saveFolder": None, "seeds": {"conn": 1}}}
    path = save_mat(tmp_path / "run_data.mat", payload)
    data = loadmat(path, squeeze_me=True, struct_as_record=False)
    np.testing.assert_array_equal(data["simData"].spkt, [1.0, 2.5])
    np.testing.assert_array_equal(data["simData"].V.cell_0, [1.0, 2.0])
    assert data["simConfig"].saveFolder == "__np_none__"
    assert data["simConfig"].recordCells == "all" and data["simConfig"].seeds.conn == 1
