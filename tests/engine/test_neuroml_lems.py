"""The NeuroML2 specification's LEMS examples, imported and simulated by neuroloom, fire the
spikes jNeuroML's NEURON export fires (tests/data/neuroml_reference, made by
make_references.py there): same count per cell, times within 0.5 ms."""
import json
from pathlib import Path

import numpy as np
import pytest

from helpers import jneuroml_neuron, shared
from neuroloom import sim
from neuroloom.sim import state

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "neuroml_reference" /
                        "neuron_spikes.json").read_text())
# Ex2_Izh is not here: its dimensionless inputs, which jNeuroML's NEURON code does not
# inject, now drive its cells as in jLEMS (tests/engine/test_neuroml_ex2_izh.py)
EXAMPLES = ["LEMS_NML2_Ex1_HH.xml", "LEMS_NML2_Ex3_Net.xml",
            "LEMS_NML2_Ex5_DetCell.xml", "LEMS_NML2_Ex12_Net2.xml"]


@pytest.mark.java
@pytest.mark.parametrize("name", EXAMPLES)
def test_lems_example_fires_the_reference_spikes(name):
    reference = REFERENCE[name]
    try:
        model = sim.importNeuroML2(str(shared("neuroml-examples", "LEMSexamples", name)),
                                   analyze=False)
        assert model.sim_config.duration == reference["duration_ms"]
        assert model.sim_config.dt == reference["dt_ms"]
        spkt = np.asarray(sim.allSimData["spkt"])
        spkid = np.asarray(sim.allSimData["spkid"])
        cells = {f"{p.label}[{i}]": p.gid_start + i for p in model.network.pops
                 for i in range(p.size)}
        assert set(cells) == set(reference["spikes"])
        for cell, gid in cells.items():
            mine = np.sort(spkt[spkid == gid])
            theirs = np.asarray(reference["spikes"][cell])
            assert len(mine) == len(theirs), cell
            assert np.all(np.abs(mine - theirs) < 0.5), cell
    finally:
        if state.peek() is not None:
            state.peek().clear()


def test_the_examples_have_spikes_to_compare():
    counts = {name: sum(map(len, REFERENCE[name]["spikes"].values())) for name in EXAMPLES}
    assert counts == {"LEMS_NML2_Ex1_HH.xml": 4,
                      "LEMS_NML2_Ex3_Net.xml": 3, "LEMS_NML2_Ex5_DetCell.xml": 7,
                      "LEMS_NML2_Ex12_Net2.xml": 13}


@pytest.mark.java
@pytest.mark.slow
def test_gap_junctions_couple_as_in_jneuroml(tmp_path):
    """An electricalProjection (gapJunction) between two iafCells: the driven cell is loaded
    by the junction and fires the spikes jNeuroML's NEURON export fires (29, not the 27 it
    fires uncoupled)."""
    import shutil

    source = Path(__file__).parents[1] / "data" / "neuroml" / "LEMS_gap_junction.xml"
    lems = tmp_path / "LEMS_gap.xml"
    shutil.copy(source, lems)
    theirs = jneuroml_neuron(lems)
    uncoupled = tmp_path / "LEMS_uncoupled.xml"
    uncoupled.write_text(source.read_text().replace('conductance="0.5nS"', 'conductance="0nS"'))
    runs = {}
    for path in (lems, uncoupled):
        try:
            sim.importNeuroML2(str(path), analyze=False)
            runs[path.name] = (np.asarray(sim.allSimData["spkid"]),
                               np.asarray(sim.allSimData["spkt"]))
        finally:
            state.peek().clear()
    gids, times = runs[lems.name]
    assert len(times) == len(theirs) == 29 and len(runs[uncoupled.name][1]) == 27
    np.testing.assert_array_equal(gids, theirs[:, 0])
    assert np.abs(times - theirs[:, 1]).max() < 0.02
