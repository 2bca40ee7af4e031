"""sim.net.modifyConns/Cells/SynMechs/Stims: exactly the selected items change, in the
network's tables and on the live NEURON objects."""
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom import sim
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import SpecError
from neuroloom.sim import state


@pytest.fixture
def tut2(tmp_path, monkeypatch):
    """Tutorial 2's network instantiated in NEURON (not run), without outputs."""
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.analysis, cfg.saveJson, cfg.savePickle = {}, False, False
    cfg.saveSpikesSonata = False
    sim.create(net, cfg)
    yield state.current()
    state.peek().clear()
    assert list(neuron_h().allsec()) == []


def _all_conns():
    """Every cell's connections (cell.conns without its NetStims' synapses)."""
    return [(cell.gid, conn) for cell in sim.net.cells for conn in cell.conns
            if conn["preGid"] != "NetStim"]


def test_modify_conns_changes_only_the_selected_rows(tut2):
    before = tut2.network.conns
    y = tut2.network.cells.y
    labels = np.asarray(tut2.network.conn_rules)[before.rule]
    expected = (labels == "S->M") & (y[before.post_gid] >= 0) & (y[before.post_gid] < 50)
    assert 0 < expected.sum() < len(before)

    changed = sim.net.modifyConns({"conds": {"label": "S->M"}, "postConds": {"y": [0, 50]},
                                   "weight": 0.123})

    after = tut2.network.conns
    assert changed == expected.sum()
    np.testing.assert_array_equal(after.weight[expected], 0.123)
    np.testing.assert_array_equal(after.weight[~expected], before.weight[~expected])
    np.testing.assert_array_equal(after.delay, before.delay)
    conns = _all_conns()
    assert len(conns) == len(before)
    for gid, conn in conns:  # NEURON agrees with the table, conn by conn
        assert conn["hObj"].weight[0] == conn["weight"]
        assert conn["hObj"].delay == conn["delay"]
    assert sum(conn["weight"] == 0.123 for _, conn in conns) == expected.sum()


def test_modify_conns_by_pre_cell_and_delay(tut2):
    changed = sim.net.modifyConns({"preConds": {"pop": "S", "y": [0, 30]}, "delay": 7.5})
    pre_y = tut2.network.cells.y[tut2.network.conns.pre_gid]
    assert changed == np.count_nonzero(pre_y < 30) > 0
    for gid, conn in _all_conns():
        moved = tut2.network.cells.y[conn["preGid"]] < 30
        assert conn["delay"] == conn["hObj"].delay == (7.5 if moved else 5.0)


def test_modify_cells_makes_a_variant_for_the_selected_cells(tut2):
    y = tut2.network.cells.y
    chosen = [g for g in sim.net.pops["S"].cellGids if y[g] < 50]
    changed = sim.net.modifyCells({"conds": {"pop": "S", "y": [0, 50]},
                                   "secs": {"soma": {"geom": {"L": 30},
                                                     "mechs": {"hh": {"gnabar": 0.2}}}}})
    assert changed == len(chosen) > 0
    for cell in sim.net.cells:
        soma = cell.secs["soma"]
        picked = cell.gid in chosen
        assert soma["geom"]["L"] == soma["hObj"].L == (30 if picked else 18.8)
        assert soma["mechs"]["hh"]["gnabar"] == (0.2 if picked else 0.12)
        for seg in soma["hObj"]:
            assert seg.hh.gnabar == (0.2 if picked else 0.12)
        assert cell.tags["cellType"] == "PYR"  # the variant keeps the user's label
    # the modified cells still answer to their cellType in later conditions
    again = sim.net.modifyCells({"conds": {"cellType": "PYR"},
                                 "secs": {"soma": {"mechs": {"hh": {"gl": 0.004}}}}})
    assert again == 40
    assert all(c.secs["soma"]["hObj"](0.5).hh.gl == 0.004 for c in sim.net.cells)


def test_modify_syn_mechs_on_some_cells(tut2):
    y = tut2.network.cells.y
    chosen = {g for g in sim.net.pops["M"].cellGids if y[g] < 50}
    sim.net.modifySynMechs({"conds": {"label": "exc"}, "cellConds": {"pop": "M", "y": [0, 50]},
                            "tau2": 9.0})
    seen = set()
    for cell in sim.net.cells:
        for conn in cell.conns:  # the NetStim's synapse too
            syn = conn["hObj"].syn()
            assert conn["synMech"] == "exc"
            assert syn.tau2 == (9.0 if cell.gid in chosen else 5.0)
            seen.add(cell.gid)
        for stim in cell.stims:
            assert stim["hNetcon"].syn().tau2 == (9.0 if cell.gid in chosen else 5.0)
    assert chosen <= seen
    # by the user's label, both the original and the variant are changed
    sim.net.modifySynMechs({"conds": {"label": "exc"}, "e": -5})
    assert {c["hObj"].syn().e for _, c in _all_conns()} == {-5.0}


def test_modify_stims_sets_source_and_netcon_values(tut2):
    changed = sim.net.modifyStims({"conds": {"source": "bkg"}, "cellConds": {"pop": "S"},
                                   "rate": 20, "weight": 0.02})
    assert changed == 20
    for cell in sim.net.cells:
        (stim,) = cell.stims
        in_s = cell.tags["pop"] == "S"
        assert stim["weight"] == stim["hNetcon"].weight[0] == (0.02 if in_s else 0.01)
        assert stim["hObj"].interval == pytest.approx(50.0 if in_s else 100.0)  # 20 Hz, 10 Hz


def test_modified_network_runs_with_the_new_values(tut2):
    """Silencing the S->M connections silences M's synaptic drive: only its background
    remains, and the rate falls."""
    tut2.simulate()
    m = set(sim.net.pops["M"].cellGids)
    before = sum(int(g) in m for g in sim.allSimData["spkid"])
    sim.net.modifyConns({"conds": {"label": "S->M"}, "weight": 0})
    sim.simulate()
    after = sum(int(g) in m for g in sim.allSimData["spkid"])
    assert after < before / 2


def test_modify_before_instantiation_is_used_when_cells_are_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, cfg = tutorial_specs("tut2")
    cfg.analysis, cfg.saveJson, cfg.savePickle = {}, False, False
    sim.initialize(netParams=net, simConfig=cfg)
    sim.net.createPops()
    sim.net.modifyConns({"conds": {"label": "S->M"}, "weight": 0.03})
    sim.net.modifyCells({"conds": {"pop": "M"}, "secs": {"soma": {"geom": {"diam": 20}}}})
    sim.net.createCells()
    # synMechs changed for some cells before their synapses exist
    sim.net.modifySynMechs({"conds": {"label": "exc"}, "cellConds": {"pop": "M"}, "tau2": 3})
    sim.net.connectCells()
    sim.net.addStims()
    try:
        for cell in sim.net.cells:
            in_m = cell.tags["pop"] == "M"
            assert cell.secs["soma"]["hObj"].diam == (20 if in_m else 18.8)
            for conn in cell.conns[:-1]:  # the last: its NetStim's, not S->M
                assert conn["hObj"].weight[0] == 0.03
                assert conn["hObj"].syn().tau2 == (3 if in_m else 5)
    finally:
        state.peek().clear()


def test_modify_errors_name_the_key(tut2):
    with pytest.raises(SpecError, match=r"modifyConns.*'wieght'.*'weight'"):
        sim.net.modifyConns({"conds": {"label": "S->M"}, "wieght": 0.5})
    with pytest.raises(SpecError, match=r"modifyCells.secs\['sooma'\].*'soma'"):
        sim.net.modifyCells({"conds": {"pop": "S"}, "secs": {"sooma": {"geom": {"L": 3}}}})
    with pytest.raises(SpecError, match=r"modifyCells.*'hh2'.*not inserted"):
        sim.net.modifyCells({"secs": {"soma": {"mechs": {"hh2": {"gl": 1}}}}})
    with pytest.raises(SpecError, match=r"modifySynMechs.conds.label.*'exc'"):
        sim.net.modifySynMechs({"conds": {"label": "exx"}, "tau2": 3})
    with pytest.raises(SpecError, match="modifyConns.*no value"):
        sim.net.modifyConns({"conds": {"label": "S->M"}})
    # nothing was changed by the rejected calls
    assert set(tut2.network.conns.weight.tolist()) == {0.01}
