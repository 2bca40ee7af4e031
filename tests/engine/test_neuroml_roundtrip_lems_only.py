"""Corpus models whose components NeuroML's schema cannot hold export back (issue 18, item 3):
pointCellCondBased (Ex1_HH, Ex3_Net, Ex4_KS), a channel with gates of two kinds (Ex24's
k_slow) and a synapse with no schema element (Ex11's stdpSynapse) go, with the network using them, into <reference>.lems_only.xml, which the exported
LEMS file includes (as the corpus holds them: in LEMS). The .nml keeps the rest and passes
``pynml -validate``; the LEMS file re-imports to the same network firing identical spikes and
runs in jNeuroML in a fresh folder."""
from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import (jneuroml_neuron, corpus_lems as _lems, run_neuroml_file as _run,
                     pynml_validate as _validate)

from neuroloom.cli.convert import write
from neuroloom.errors import FormatError
from neuroloom.exporters.neuroml import export
from neuroloom.importers import neuroml

pytestmark = [pytest.mark.java, pytest.mark.slow]  # jNeuroML generates each file's code

VALID = "Validated 1 files: All valid and no warnings"


def _round_trip(name, tmp_path, expected_spikes):
    """Export the imported example; the files, validated; the re-import's spikes, identical."""
    spikes, gids, model = _run(_lems(name))
    assert len(spikes) == expected_spikes
    with pytest.warns(UserWarning, match=r"no NeuroML document holds them .* without "
                                         r"neuroloom's annotation"):
        files = export(model.network, name.lower(), tmp_path / "export", model.sim_config)
    nml, lems, lems_only = files
    assert [f.name for f in files] == [f"{name.lower()}.net.nml", f"LEMS_{name.lower()}.xml",
                                       f"{name.lower()}.lems_only.xml"]
    assert f'<Include file="{lems_only.name}"/>' in lems.read_text()
    assert "<network" not in nml.read_text()  # its populations name LEMS-only cells
    assert "<network" in lems_only.read_text()
    assert "neuroloom:" not in lems_only.read_text().split("<network", 1)[1]  # no annotation
    assert VALID in _validate(nml)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again_spikes, again_gids, again = _run(lems)
    a, b = model.network, again.network
    assert len(b.cells) == len(a.cells) and len(b.conns) == len(a.conns)
    assert [p.label for p in b.pops] == [p.label for p in a.pops]
    for column in ("pre_gid", "post_gid", "weight", "delay"):
        np.testing.assert_array_equal(getattr(b.conns, column), getattr(a.conns, column))
    np.testing.assert_array_equal(again_spikes, spikes)
    np.testing.assert_array_equal(again_gids, gids)
    return spikes, gids, files


def _jneuroml_in_fresh_folder(files, folder):
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return jneuroml_neuron(folder / files[1].name)


def _jlems_in_fresh_folder(files, folder) -> np.ndarray:
    """(cell, t ms) rows of jLEMS's run (``pynml LEMS_x.xml -nogui``) of the export."""
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    pynml = str(Path(sys.executable).parent / "pynml")
    run = subprocess.run([pynml, files[1].name, "-nogui"], capture_output=True, text=True,
                         timeout=600, cwd=folder)
    spikes = folder / f"{files[1].stem[len('LEMS_'):]}.spikes"
    assert spikes.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    rows = np.loadtxt(spikes, ndmin=2)
    return np.column_stack([rows[:, 0], rows[:, 1] * 1000.0])


def _same_as_jneuroml(rows, spikes, gids):
    order = np.lexsort((spikes, gids))
    ours = np.column_stack([gids[order], spikes[order]])
    theirs = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    assert theirs.shape == ours.shape
    np.testing.assert_array_equal(theirs[:, 0], ours[:, 0])
    # jNeuroML saves seconds: the same steps, to the float noise of its times
    np.testing.assert_allclose(theirs[:, 1], ours[:, 1], atol=1e-6)


def test_a_point_cell_cond_based_goes_to_the_lems_file_with_its_channels(tmp_path):
    """Ex1_HH's hhpointcell goes to the LEMS file; the three channels its channelPopulations
    name stay in the .nml (the schema holds them: the LEMS file's ionChannelPassive as
    <ionChannel type="ionChannelPassive">)."""
    spikes, gids, files = _round_trip("Ex1_HH", tmp_path, 4)
    nml, _, lems_only = files
    text = lems_only.read_text()
    for element in ('<pointCellCondBased id="hhpointcell"',
                    '<channelPopulation id="naChans" ionChannel="na" number="120000"',
                    '<population id="hhpop" component="hhpointcell"'):
        assert element in text
    assert "<ionChannel" not in text
    for element in ('<ionChannelHH id="na"', '<ionChannelHH id="k"',
                    '<ionChannel id="passive" type="ionChannelPassive"'):
        assert element in nml.read_text()
    assert "pointCellCondBased" not in nml.read_text()
    rows = _jneuroml_in_fresh_folder(files, tmp_path / "fresh")
    _same_as_jneuroml(rows, spikes, gids)
    np.testing.assert_allclose(rows[:, 1], [52.24, 68.5, 84.56, 100.67], atol=1e-6)
    # jLEMS integrates on its own (forward Euler): the same four spikes, measured 0.10 to
    # 0.48 ms later, as in its run of the corpus file
    jlems = _jlems_in_fresh_folder(files, tmp_path / "jlems")
    np.testing.assert_allclose(jlems[:, 1], [52.34, 68.71, 84.85, 101.15], atol=1e-6)


def test_a_network_of_point_cell_cond_based_cells_keeps_its_connections(tmp_path):
    """Ex3_Net: two pointCellCondBased cells sharing channels (written once), projections."""
    _, _, files = _round_trip("Ex3_Net", tmp_path, 3)
    assert files[0].read_text().count('<ionChannelHH id="na"') == 1
    text = files[2].read_text()
    assert '<pointCellCondBased id="hhcell_1"' in text and '<pointCellCondBased id="hhcell_2"' \
        in text


def test_a_cell_typed_point_cell_cond_based_with_kinetic_scheme_channels(tmp_path):
    """Ex4_KS: <cell type="pointCellCondBased"> (written as the element it is) using an
    ionChannelKS channel whose transition NeuroML's schema has no element for."""
    _, _, files = _round_trip("Ex4_KS", tmp_path, 1)
    lems_only, nml = files[2].read_text(), files[0].read_text()
    assert '<pointCellCondBased id="hhcell_1"' in lems_only
    assert '<ionChannelHH id="na"' in nml
    # its vHalfTransition is LEMS's alone (libNeuroML would drop it): the LEMS file holds it
    assert '<ionChannelKS id="k_vh"' in lems_only and "<vHalfTransition" in lems_only
    assert "k_vh" not in nml
    assert 'id="k_fr"' not in nml + lems_only  # defined in the file, named by no cell


def test_a_channel_with_gates_of_two_kinds_goes_to_the_lems_file_with_its_cell(tmp_path):
    """Ex24's k_slow mixes gateHHrates and gateFractional, which the schema forbids: the
    channel, its rate ComponentTypes and the <cell> using it go to the LEMS file; the
    cell's other channels stay in the .nml."""
    spikes, gids, files = _round_trip("Ex24_FractionalConductance", tmp_path, 5)
    nml, _, lems_only = files
    text = lems_only.read_text()
    assert '<cell id="hhtest"' in text and '<ionChannelHH id="k_slow"' in text
    assert '<ComponentType name="kslow_a_alpha_rate"' in text
    assert "k_slow" not in nml.read_text() and '<ionChannelHH id="na"' in nml.read_text()
    rows = _jneuroml_in_fresh_folder(files, tmp_path / "fresh")
    _same_as_jneuroml(rows, spikes, gids)


def test_a_synapse_with_no_schema_element_goes_to_the_lems_file(tmp_path):
    """Ex11_STDP's stdpSynapse has no element in NeuroML's schema: it goes, with the network
    (its projection names it), to the LEMS file; the .nml keeps the two iafCells."""
    spikes, gids, files = _round_trip("Ex11_STDP", tmp_path, 24)
    nml, _, lems_only = files
    text = lems_only.read_text()
    assert '<stdpSynapse id="stdpSyn" gbase="0.1nS"' in text
    assert 'synapse="stdpSyn"' in text
    assert "stdpSyn" not in nml.read_text()
    assert nml.read_text().count("<iafCell ") == 2
    rows = _jneuroml_in_fresh_folder(files, tmp_path / "fresh")
    _same_as_jneuroml(rows, spikes, gids)


def test_hdf5_cannot_hold_a_lems_only_component(tmp_path):
    model = neuroml.load(_lems("Ex1_HH"))
    with pytest.raises(FormatError, match=r"hhpointcell: no NeuroML document holds them .*"
                                          r"export as XML"):
        export(model.network, "ex1", tmp_path, model.sim_config, format="hdf5")
    assert not list(tmp_path.iterdir())


def test_the_convert_command_lists_the_lems_only_file(tmp_path):
    """`neuroloom convert` writes what the export writes, the LEMS-only file included."""
    model = neuroml.load(_lems("Ex1_HH"))
    with pytest.warns(UserWarning, match="no NeuroML document holds them"):
        files = write(model, tmp_path / "ex1.net.nml", "neuroml", "xml")
    assert [f.name for f in files] == ["ex1.net.nml", "LEMS_ex1.xml", "ex1.lems_only.xml"]
    assert all(f.is_file() for f in files)
