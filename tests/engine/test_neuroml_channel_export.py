"""A model read from NeuroML with its own channels (and synapses jNeuroML generates mechanisms
for) exports back to NeuroML: each keeps its NeuroML definition, the export validates with
jNeuroML and re-imports to the same network firing the same spikes."""
from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from helpers import jneuroml_neuron, shared, run_neuroml_file
from neuroloom.errors import FormatError
from neuroloom.exporters.neuroml import export

HH_CELL = shared("neuroml-examples", "examples", "NML2_SingleCompHHCell.nml")


def _run(path, duration=300.0):
    """(spike times, gids, model) of a NeuroML file run in neuroloom (300 ms at dt 0.01 ms,
    or as its LEMS file says with ``duration=None``)."""
    return run_neuroml_file(path, duration, 0.01)


def _channels(network):
    """{section: [(channel id, parameters)]}: generated mechanisms by the channel they are."""
    return {sec.name: sorted((re.sub(r"^nml_(.*)_[0-9a-f]{8}$", r"\1", mech), params)
                             for mech, params in sec.mechs)
            for t in network.cell_types for sec in t.sections}


pytestmark = pytest.mark.slow  # jNeuroML generates the channels of three files


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hh_export")
    spikes, gids, model = _run(HH_CELL)
    path = export(model.network, "hhcell", folder, model.sim_config)[0]
    return spikes, gids, model, path


def test_the_channels_are_written_with_their_definitions(exported):
    _, _, model, path = exported
    assert any(m.startswith("nml_naChan_") for _, m in
               [(s, m) for s in model.network.cell_types[0].sections for m, _ in s.mechs])
    text = path.read_text()
    for channel, gates in (("naChan", 2), ("kChan", 1)):
        block = re.search(rf'<ionChannelHH id="{channel}".*?</ionChannelHH>', text, re.S)
        assert block and block.group(0).count("<gateHHrates") == gates, channel
    assert re.search(r'<channelDensity id="naChan_\w+" ionChannel="naChan" '
                     r'condDensity="0.12 S_per_cm2" erev="50.0 mV"', text)
    assert re.search(r'ionChannel="kChan" condDensity="0.036 S_per_cm2" erev="-77.0 mV"',
                     text)


def test_the_export_reimports_to_the_same_network_and_spikes(exported):
    spikes, gids, model, path = exported
    assert len(spikes) == 7
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again_spikes, again_gids, again = _run(path)
    assert again.exact
    assert _channels(again.network) == _channels(model.network)
    np.testing.assert_array_equal(again_spikes, spikes)
    np.testing.assert_array_equal(again_gids, gids)


def test_the_export_read_without_its_annotation_has_the_same_channels(exported, tmp_path):
    spikes, _, model, path = exported
    plain = tmp_path / "plain.net.nml"
    plain.write_text(re.sub(r'\s*<property tag="neuroloom" value="[^"]*"/>', "",
                            path.read_text()))
    again_spikes, _, again = _run(plain)
    assert not again.exact
    assert _channels(again.network) == _channels(model.network)
    np.testing.assert_array_equal(again_spikes, spikes)


@pytest.mark.java
def test_jneuroml_validates_the_export(exported):
    path = exported[3]
    pynml = str(Path(sys.executable).parent / "pynml")
    result = subprocess.run([pynml, "-validate", str(path)], capture_output=True, text=True,
                            timeout=300, cwd=path.parent)
    out = result.stdout + result.stderr
    assert "Validated 1 files: All valid and no warnings" in out, out[-3000:]


@pytest.mark.java
def test_ex25_multicompartment_cell_and_nmda_synapse_come_back(tmp_path):
    """Ex25: a three-section cell with channels of its own, AMPA (expTwoSynapse) and NMDA
    (blockingPlasticSynapse, a mechanism jNeuroML generates) synapses. The export validates,
    re-imports exactly to the same 31 spikes, and jNeuroML's NEURON run of it fires them
    too (within 0.1 ms)."""
    lems = shared("neuroml-examples", "LEMSexamples", "LEMS_NML2_Ex25_MultiComp.xml")
    spikes, gids, model = _run(lems, duration=None)
    assert len(spikes) == 31
    path, exported_lems = export(model.network, "ex25", tmp_path, model.sim_config)
    text = path.read_text()
    assert '<blockingPlasticSynapse id="NMDA"' in text and '<ionChannelHH id="naChan"' in text
    again_spikes, again_gids, again = _run(exported_lems, duration=None)
    assert again.exact
    np.testing.assert_array_equal(again_spikes, spikes)
    np.testing.assert_array_equal(again_gids, gids)
    pynml = str(Path(sys.executable).parent / "pynml")
    result = subprocess.run([pynml, "-validate", str(path)], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    assert "Validated 1 files: All valid and no warnings" in result.stdout + result.stderr
    theirs = jneuroml_neuron(exported_lems)
    for gid in np.unique(gids).tolist():
        mine, other = np.sort(spikes[gids == gid]), np.sort(theirs[theirs[:, 0] == gid, 1])
        assert len(mine) == len(other) and np.abs(mine - other).max() < 0.1, gid


def test_hdf5_cannot_hold_channels_jneuroml_must_generate(exported, tmp_path):
    model = exported[2]
    with pytest.raises(FormatError, match=r"kChan, naChan: channels or synapses read from "
                                          r"NeuroML .* does not read NeuroML HDF5"):
        export(model.network, "hhcell", tmp_path, model.sim_config, format="hdf5")
    assert not list(tmp_path.iterdir())
