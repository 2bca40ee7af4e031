"""simConfig's allowSelfConns, allowConnsWithWeight0, connRandomSecFromList and
saveCellSecs, without NEURON. The expected counts were measured with NetPyNE 1.1.1 (its
venv) on the same spec: 5 cells with sections (E) and 4 IntFire1 cells (A)."""
import json

import numpy as np
import pytest

from neuroloom import sim, specs
from neuroloom.builder import network_from_specs
from neuroloom.errors import FormatError, SpecError
from neuroloom.model.serialize import network_from_dict
from neuroloom.results.save import data_payload, load_payload, save_json
from neuroloom.results.saved_network import with_cell_secs


def spec(**cfg_options):
    net = specs.NetParams()
    net.cellParams['PYR'] = {
        'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8}, 'mechs': {'hh': {}}},
                 'dendA': {'geom': {'diam': 1, 'L': 100},
                           'topol': {'parentSec': 'soma', 'parentX': 1, 'childX': 0}},
                 'dendB': {'geom': {'diam': 1, 'L': 100},
                           'topol': {'parentSec': 'soma', 'parentX': 1, 'childX': 0}}},
        'secLists': {'dends': ['dendA', 'dendB']}}
    net.popParams['E'] = {'cellType': 'PYR', 'numCells': 5}
    net.popParams['A'] = {'cellModel': 'IntFire1', 'numCells': 4}
    net.synMechParams['exc'] = {'mod': 'Exp2Syn'}
    e_to_e = {'preConds': {'pop': 'E'}, 'postConds': {'pop': 'E'}, 'weight': 0.01}
    net.connParams['full'] = {**e_to_e, 'sec': 'soma'}
    net.connParams['prob'] = {**e_to_e, 'probability': 1.0, 'sec': 'dends'}
    net.connParams['probf'] = {**e_to_e, 'probability': '1.0*post_ynorm/post_ynorm',
                               'loc': [0.2, 0.7], 'sec': ['dendA', 'dendB']}
    net.connParams['conv'] = {**e_to_e, 'convergence': 4}
    net.connParams['div'] = {**e_to_e, 'divergence': 4}
    net.connParams['list'] = {**e_to_e, 'connList': [[0, 0], [1, 2]]}
    net.connParams['zero'] = {**e_to_e, 'probability': 1.0, 'weight': [0.0, 0.01],
                              'synMech': ['exc', 'exc']}
    net.connParams['art'] = {'preConds': {'pop': 'A'}, 'postConds': {'pop': 'A'},
                             'weight': 0.0}
    net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
    net.stimSourceParams['clamp'] = {'type': 'IClamp', 'del': 1, 'dur': 5, 'amp': 0.1}
    net.stimTargetParams['bkg->E'] = {'source': 'bkg', 'conds': {'pop': 'E'}, 'weight': 0.0,
                                      'delay': 1, 'synMech': 'exc'}
    net.stimTargetParams['bkg->A'] = {'source': 'bkg', 'conds': {'pop': 'A'}, 'weight': 0.0,
                                      'delay': 1}
    net.stimTargetParams['clamp->E'] = {'source': 'clamp', 'conds': {'pop': 'E'},
                                        'sec': 'soma'}
    cfg = specs.SimConfig()
    cfg.duration = 10
    cfg.update(cfg_options)
    return net, cfg


def by_rule(network):
    """rule -> (pre, post, section names, locations) of its rows."""
    c = network.conns
    out = {}
    for code, label in enumerate(network.conn_rules):
        rows = c.rule == code
        out[label] = (c.pre_gid[rows], c.post_gid[rows],
                      [network.section_names[s] if s >= 0 else None for s in c.sec[rows]],
                      c.loc[rows])
    return out


def stims_by_rule(network):
    s = network.stims
    return {label: int(np.sum(s.rule == code)) for code, label in enumerate(network.stim_rules)}


def counts(network):
    """rule -> (rows, self-connections), as the NetPyNE measurement lists them."""
    return {label: (len(pre), int(np.sum(pre == post)))
            for label, (pre, post, _, _) in by_rule(network).items()}


# NetPyNE 1.1.1: rule -> (connections, self-connections)
NETPYNE_DEFAULT = {"full": (20, 0), "prob": (20, 0), "probf": (20, 0), "conv": (20, 0),
                   "div": (20, 0), "list": (1, 0), "zero": (40, 0), "art": (12, 0)}
NETPYNE_SELF = {**NETPYNE_DEFAULT, "full": (25, 5), "prob": (25, 5), "probf": (25, 5),
                "zero": (50, 10)}
NETPYNE_NO_WEIGHT0 = {**NETPYNE_DEFAULT, "zero": (20, 0)}


def test_self_connections_only_with_allow_self_conns_and_only_as_netpyne_makes_them():
    assert counts(network_from_specs(*spec())) == NETPYNE_DEFAULT
    # full and probability rules onto cells with sections; never convergence, divergence,
    # connList, nor artificial cells
    assert counts(network_from_specs(*spec(allowSelfConns=True))) == NETPYNE_SELF


def test_connections_of_weight_0_are_left_out_only_when_asked():
    network = network_from_specs(*spec(allowConnsWithWeight0=False))
    assert counts(network) == NETPYNE_NO_WEIGHT0
    assert np.all(network.conns.weight[network.conns.rule == 6] == 0.01)
    # the NetStim of weight 0 onto cells with sections goes too; artificial cells keep
    # theirs, and the IClamp (not a connection) stays
    assert stims_by_rule(network) == {"bkg->E": 0, "bkg->A": 4, "clamp->E": 5}
    assert stims_by_rule(network_from_specs(*spec())) == {"bkg->E": 5, "bkg->A": 4,
                                                         "clamp->E": 5}


def test_a_single_synapse_goes_to_a_random_section_of_the_list_or_its_first():
    rules = by_rule(network_from_specs(*spec()))
    assert set(rules["prob"][2]) == {"dendA", "dendB"}
    # with a location per listed section, the location goes with the section
    secs, locs = rules["probf"][2], rules["probf"][3]
    assert {(s, round(float(x), 3)) for s, x in zip(secs, locs)} == {("dendA", 0.2),
                                                                     ("dendB", 0.7)}
    rules = by_rule(network_from_specs(*spec(connRandomSecFromList=False)))
    assert set(rules["prob"][2]) == {"dendA"}
    assert set(rules["probf"][2]) == {"dendA"} and set(np.round(rules["probf"][3], 3)) == {0.2}


def test_a_connparams_rule_may_say_connRandomSecFromList_itself():
    net, cfg = spec()
    net.connParams['prob']['connRandomSecFromList'] = False
    rules = by_rule(network_from_specs(net, cfg))
    assert set(rules["prob"][2]) == {"dendA"} and set(rules["probf"][2]) == {"dendA", "dendB"}
    net, cfg = spec(connRandomSecFromList=False)
    net.connParams['prob']['connRandomSecFromList'] = True
    rules = by_rule(network_from_specs(net, cfg))
    assert set(rules["prob"][2]) == {"dendA", "dendB"} and set(rules["probf"][2]) == {"dendA"}


def test_the_options_must_be_booleans():
    net, cfg = spec(allowSelfConns="yes", allowConnsWithWeight0=None)
    net.connParams['prob']['connRandomSecFromList'] = 'no'
    with pytest.raises(SpecError) as info:
        network_from_specs(net, cfg)
    found = [str(p) for p in info.value.problems]
    assert any(p.startswith("allowSelfConns: must be True or False") for p in found)
    assert any(p.startswith("allowConnsWithWeight0: must be True or False") for p in found)
    assert any(p.startswith("connParams['prob'].connRandomSecFromList: must be True or False")
               for p in found)


def test_saved_without_cell_secs_the_sections_are_left_out_and_made_again_on_loading(
        tmp_path):
    net, cfg = spec()
    network = network_from_specs(net, cfg)
    payload = data_payload(net, cfg, network, None, cell_secs=False)
    saved = payload["net"]
    assert saved["omitted"] == ["secs"]
    assert all(t["sections"] == [] and t["sec_lists"] == [] for t in saved["cellTypes"])
    path = save_json(tmp_path / "run_data.json", payload)
    assert '"dendA"' not in json.dumps(json.loads(path.read_text())["net"]["cellTypes"])
    loaded = load_payload(path)
    restored = network_from_dict(with_cell_secs(loaded["net"], loaded, "the file"))
    assert restored.cell_types == network.cell_types
    assert restored.conns == network.conns
    # with its sections, the file is loaded as it is
    whole = data_payload(net, cfg, network, None)
    assert "omitted" not in whole["net"]
    assert with_cell_secs(whole["net"], whole, "the file") is whole["net"]


def test_without_cell_secs_and_without_netparams_loading_is_an_error():
    net, cfg = spec()
    payload = data_payload(net, cfg, network_from_specs(net, cfg), None,
                           include=("netCells", "simConfig"), cell_secs=False)
    with pytest.raises(FormatError, match="saveCellSecs False.*without the netParams"):
        with_cell_secs(payload["net"], payload, "the file")


def test_sim_save_data_honours_save_cell_secs_and_sim_load_makes_them_again(tmp_path):
    net, cfg = spec(saveCellSecs=False, saveFolder=str(tmp_path), simLabel="run",
                    saveSpikesSonata=False)
    session = sim.Session(net, cfg, echo=None)
    session.initialize()
    session.create_pops()
    paths = session.save_data()
    assert [p.name for p in paths] == ["run_data.json"]
    data = json.loads(paths[0].read_text())
    assert data["net"]["omitted"] == ["secs"]
    assert all(t["sections"] == [] for t in data["net"]["cellTypes"])
    loaded = sim.load(paths[0], instantiate=False)
    assert loaded.network.cell_types == session.network.cell_types
    cfg.saveCellSecs = True  # read when saving, as NetPyNE
    data = json.loads(session.save_data()[0].read_text())
    assert "omitted" not in data["net"] and data["net"]["cellTypes"][0]["sections"]

