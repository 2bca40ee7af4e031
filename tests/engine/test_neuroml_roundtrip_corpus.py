"""Corpus models read from NeuroML export back (issue 18, item 3): abstract cells jNeuroML
generates mechanisms for (iafCell, iafTauCell...) and gap junctions keep their NeuroML
definition; the export validates with jNeuroML and re-imports to the same network (cells,
connections) firing identical spikes."""
from __future__ import annotations

import re
import warnings
from dataclasses import replace

import numpy as np
import pytest

from helpers import corpus_lems as _lems, run_neuroml_file as _run, pynml_validate as _validate
from neuroloom.errors import FormatError
from neuroloom.exporters.neuroml import export
from neuroloom.importers import neuroml
from neuroloom.model.catalog import Pointer

EMPTY = """<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="empty">
  <network id="net"/>
</neuroml>
"""


def _round_trip(name, tmp_path, expected_spikes):
    spikes, gids, model = _run(_lems(name))
    assert len(spikes) == expected_spikes
    path, lems = export(model.network, name.lower(), tmp_path, model.sim_config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again_spikes, again_gids, again = _run(lems)
    assert again.exact
    a, b = model.network, again.network
    assert len(b.cells) == len(a.cells) and len(b.conns) == len(a.conns)
    for column in ("pre_gid", "post_gid", "weight", "delay", "sec", "loc"):
        np.testing.assert_array_equal(getattr(b.conns, column), getattr(a.conns, column))
    np.testing.assert_array_equal(again_spikes, spikes)
    np.testing.assert_array_equal(again_gids, gids)
    return path


@pytest.mark.slow  # jNeuroML generates the mechanisms of each file
@pytest.mark.java
def test_abstract_iaf_cells_with_projections_and_inputs_come_back(tmp_path):
    """Ex12: iafCells (jNeuroML's mechanisms) and spike sources, with projections and
    the cells are written back as the file had them."""
    path = _round_trip("Ex12_Net2", tmp_path, 13)
    text = path.read_text()
    assert re.search(r'<iafCell id="iaf1" leakReversal="-60mV" thresh="-35mV"', text)
    assert "Validated 1 files: All valid and no warnings" in _validate(path)


@pytest.mark.slow
@pytest.mark.java
@pytest.mark.parametrize("name", ["Ex19_GapJunctions", "Ex19a_GapJunctionInstances"])
def test_gap_junctions_come_back_as_an_electrical_projection(name, tmp_path):
    path = _round_trip(name, tmp_path, 6)
    text = path.read_text()
    assert '<gapJunction id="gj1" conductance="10pS"/>' in text
    assert re.search(r'<electricalProjection id="\w+" presynapticPopulation="iafPop1" '
                     r'postsynapticPopulation="iafPop2">\s*<electricalConnectionInstance '
                     r'id="0" preCell="../iafPop1/0/iaf" preSegment="0" '
                     r'preFractionAlong="0.5" postCell="../iafPop2/0/iaf"', text)
    assert "Validated 1 files: All valid and no warnings" in _validate(path)


@pytest.mark.slow
@pytest.mark.java
def test_a_gap_junction_not_read_from_neuroml_is_refused(tmp_path):
    model = neuroml.load(_lems("Ex19_GapJunctions"))
    net = model.network
    syn = net.syn_mechs[0]
    changed = replace(net, syn_mechs=(replace(syn, mod="gap", pointer=Pointer(
        target_var="vgap", source_var="v", bidirectional=True)),))
    with pytest.raises(FormatError, match=r"synMechs \['gj1'\]\) have no NeuroML form here"):
        export(changed, "gap", tmp_path, model.sim_config)


@pytest.mark.slow
@pytest.mark.java
def test_an_abstract_cell_changed_since_it_was_read_is_refused(tmp_path):
    model = neuroml.load(_lems("Ex0_IaF"))
    net = model.network
    t = net.cell_types[0]
    sec = t.sections[0]
    pp = replace(sec.pointps[0], params=(("thresh", -40.0),))
    changed = replace(net, cell_types=(replace(t, sections=(replace(sec, pointps=(pp,)),)),
                                       *net.cell_types[1:]))
    with pytest.raises(FormatError, match=r"the NeuroML cell iafTau it was read from has no "
                                          r"form for the changes \(parameters \['thresh'\]"):
        export(changed, "iaf", tmp_path, model.sim_config)


def test_an_empty_network_is_refused_not_written_invalid(tmp_path):
    """NeuroML's schema wants a population in every network (pynml -validate: "The content
    of element 'network' is not complete")."""
    source = tmp_path / "empty.nml"
    source.write_text(EMPTY)
    model = neuroml.load(source)
    with pytest.raises(FormatError, match=r"empty: the network has no populations, and a "
                                          r"NeuroML <network> must have at least one"):
        export(model.network, "empty", tmp_path / "out", model.sim_config)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.java
def test_channels_with_rates_of_the_files_own_component_types_come_back(tmp_path):
    """Ex10: kChan's reverse rate is the LEMS file's own ComponentType (newExpRate). The
    export writes it after the network (where the schema has ComponentTypes), its exposed
    DerivedVariable given the exposure's dimension (per_time, from NeuroML's
    baseVoltageDepRate), and it validates and re-imports to the same 3 spikes."""
    path = _round_trip("Ex10_Q10", tmp_path, 3)
    text = path.read_text()
    assert re.search(r'</network>\s*<ComponentType name="newExpRate" '
                     r'extends="baseVoltageDepRate">', text)
    assert re.search(r'<DerivedVariable name="r" dimension="per_time" exposure="r"', text)
    assert "Validated 1 files: All valid and no warnings" in _validate(path)


@pytest.mark.slow
@pytest.mark.java
def test_pynn_cells_come_back_with_pynn_definitions_included(tmp_path):
    """Ex23: IF_curr_alpha (an id libNeuroML also uses as a member name) beside iafCells,
    Poisson inputs and spike arrays; the exported LEMS file includes PyNN.xml, without which
    jNeuroML knows no IF_curr_alpha."""
    path = _round_trip("Ex23_Spiketimes", tmp_path, 69)
    assert re.search(r'<IF_curr_alpha id="IF_curr_alpha"', path.read_text())
    lems = path.parent / f"LEMS_{path.name.split('.')[0]}.xml"
    assert '<Include file="PyNN.xml"/>' in lems.read_text()
    assert "Validated 1 files: All valid and no warnings" in _validate(path)
