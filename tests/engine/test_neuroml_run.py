"""NeuroML2 runs: a network exported and imported again fires the original spikes bit for
bit; jNeuroML's own NEURON export of our file fires the same spikes per population."""
import numpy as np
import pytest

from helpers import jneuroml_neuron, tutorial_specs
from neuroloom import sim
from neuroloom.exporters.neuroml import export
from neuroloom.sim import state


def quiet(cfg):
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    return cfg


@pytest.mark.parametrize("name", ["tut2", "tut3", "tut4", "tut5", "tut6"])
def test_round_tripped_networks_fire_the_same_spikes(name, tmp_path, run_session):
    net, cfg = tutorial_specs(name)
    original = run_session(net, quiet(cfg))
    spikes = original.recordings.spike_t.copy(), original.recordings.spike_gid.copy()
    assert len(spikes[0]) > 10
    network = original.network
    original.clear()
    lems = export(network, name, tmp_path, cfg)[1]
    try:
        model = sim.importNeuroML2(str(lems), quiet(cfg), analyze=False)
        assert model.exact and model.network == network
        np.testing.assert_array_equal(sim.allSimData["spkt"], spikes[0])
        np.testing.assert_array_equal(sim.allSimData["spkid"], spikes[1])
    finally:
        state.peek().clear()


@pytest.mark.java
@pytest.mark.slow
def test_jneuroml_runs_an_exported_tutorial_network(tmp_path, run_session):
    """Tutorial 2 with its background as spike trains (jNeuroML's Poisson inputs do not
    compile on NEURON 9), 1 s. jNeuroML's NEURON export of our file computes hh from its
    own channel mechanisms and its synaptic current one step later than Exp2Syn, so spikes
    come 0.05-0.2 ms later: the background-driven S cells fire the same spikes, and M, whose
    cells sum many near-coincident inputs, the same number within 1 %."""
    net, cfg = tutorial_specs("tut2")
    net.stimSourceParams["bkg"] = {"type": "VecStim", "pulses": [
        {"start": 0, "end": 1000, "rate": 10, "noise": 0.5}]}
    ours = run_session(net, quiet(cfg))
    lems = export(ours.network, "tut2v", tmp_path, cfg)[1]
    theirs = jneuroml_neuron(lems)
    rec = ours.recordings
    counts = {}
    for pop in ours.network.pops:
        gids = range(pop.gid_start, pop.gid_start + pop.size)
        counts[pop.label] = (np.isin(rec.spike_gid, gids).sum(), np.isin(theirs[:, 0], gids).sum())
    assert counts["S"][0] == counts["S"][1] > 150
    assert abs(counts["M"][0] - counts["M"][1]) <= 0.01 * counts["M"][0] and counts["M"][0] > 500
    for gid in range(20):  # S: spike for spike
        mine = np.sort(rec.spike_t[rec.spike_gid == gid])
        other = np.sort(theirs[theirs[:, 0] == gid, 1])
        assert len(mine) == len(other) and np.all(np.abs(mine - other) < 0.5), gid
