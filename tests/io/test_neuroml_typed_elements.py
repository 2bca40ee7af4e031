"""LEMS elements named other than their type (issue 18, item 1), the cell parts Ex18_GHK adds
(channelDensityGHK, a fixed-factor Ca pool) and cells jNeuroML's NEURON export refuses for a
refractory period of 0 (Ex8_AdEx): read and refused without NEURON or Java.

In LEMS, ``<concentrationModel id="x" type="fixedFactorConcentrationModel" .../>`` is a
component of type fixedFactorConcentrationModel, as ``<Component type=...>`` is.
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from helpers import shared
from neuroloom.errors import FormatError
from neuroloom.importers import neuroml as importer
from neuroloom.neuroml.cell_params import cell_params_from_neuroml
from neuroloom.neuroml.reader import read
from neuroloom.neuroml.refractory import check_refractory

CORPUS = shared("neuroml-examples", "LEMSexamples")
POOL = ('ion="ca" restingConc="3e-6 mM" decayConstant="1.0 ms" '
        'rho="3e-1 mol_per_m_per_A_per_s"')


def lems(tmp_path, body, name="LEMS_test.xml"):
    path = tmp_path / name
    path.write_text(f"""<Lems>
  <Include file="Cells.xml"/>
{body}
</Lems>
""")
    return path


def no_java(monkeypatch):
    """Fail the test if the import gets as far as generating code with jNeuroML."""
    def refuse(*args, **kwargs):
        raise AssertionError("jNeuroML was called")
    monkeypatch.setattr(importer, "generate_mechanisms", refuse)


# -- <tag type="..."> --------------------------------------------------------------------
def test_an_element_with_a_type_is_a_component_of_that_type(tmp_path):
    doc = read(lems(tmp_path, f"""
  <concentrationModel id="pool" type="fixedFactorConcentrationModel" {POOL}/>
  <Component id="generic" type="fixedFactorConcentrationModel" {POOL}/>"""))
    pool, generic = doc.components["pool"], doc.components["generic"]
    assert pool.type == generic.type == "fixedFactorConcentrationModel"
    assert pool.element.tag == generic.element.tag == "fixedFactorConcentrationModel"
    assert dict(pool.element.attrib) == {**dict(generic.element.attrib), "id": "pool"}
    assert "type" not in pool.element.attrib
    assert pool.where.endswith('<fixedFactorConcentrationModel id="pool">')


def test_a_type_neuroloom_reads_by_name_keeps_its_name(tmp_path):
    doc = read(lems(tmp_path, """
  <ionChannel id="leak" type="ionChannelPassive" conductance="10pS"/>
  <fixedFactorConcentrationModel id="pool" ion="ca" restingConc="0 mM"
      decayConstant="1 ms" rho="1 mol_per_m_per_A_per_s"/>"""))
    assert doc.components["leak"].type == "ionChannel"  # the converters read its type
    assert doc.components["leak"].element.get("type") == "ionChannelPassive"
    assert doc.components["pool"].type == "fixedFactorConcentrationModel"


def test_a_component_type_of_the_file_is_read_by_name(tmp_path):
    doc = read(lems(tmp_path, """
  <ComponentType name="myPool" extends="concentrationModel">
    <Parameter name="type" dimension="none"/>
  </ComponentType>
  <myPool id="p" type="3"/>"""))
    assert doc.components["p"].type == "myPool"


def test_an_unknown_element_without_a_type_is_still_refused(tmp_path, monkeypatch):
    no_java(monkeypatch)
    path = lems(tmp_path, f'  <concentrationModel id="pool" {POOL}/>')
    with pytest.raises(FormatError, match=r"LEMS_test\.xml:3: <concentrationModel id=\"pool\">"
                                          r": unknown component type 'concentrationModel'"):
        importer.load(path)


def test_a_misspelt_type_names_the_closest(tmp_path, monkeypatch):
    no_java(monkeypatch)
    path = lems(tmp_path, f"""
  <concentrationModel id="pool" type="fixedFactorConcentrationModle" {POOL}/>""")
    with pytest.raises(FormatError, match=r"LEMS_test\.xml:4: .*unknown component type "
                                          r"'fixedFactorConcentrationModle'; did you mean "
                                          r"'fixedFactorConcentrationModel'\?"):
        importer.load(path)


def test_ex18s_concentration_model_and_ex11s_stdp_synapse_are_read():
    doc = read(CORPUS / "LEMS_NML2_Ex18_GHK.xml")
    assert doc.components["simple_decay"].type == "fixedFactorConcentrationModel"
    assert doc.components["simple_decay"].line == 58
    doc = read(CORPUS / "LEMS_NML2_Ex11_STDP.xml")
    assert doc.components["stdpSyn"].type == "stdpSynapse"
    importer._check_references(doc)  # a known type: no "unknown component type"


# -- Ex18's cell: GHK permeability and the Ca pool's rho ----------------------------------
CELL = f"""<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="doc">
  <ionChannelHH id="ca_chan" conductance="10pS" species="ca">
    <gateHHrates id="p" instances="2">
      <forwardRate type="HHExpLinearRate" rate="1per_ms" midpoint="-40mV" scale="10mV"/>
      <reverseRate type="HHExpRate" rate="4per_ms" midpoint="-65mV" scale="-18mV"/>
    </gateHHrates>
  </ionChannelHH>
  <fixedFactorConcentrationModel id="pool" {POOL}/>
  <cell id="c">
    <morphology id="m">
      <segment id="0" name="Soma"><proximal x="0" y="0" z="0" diameter="1"/>
        <distal x="0" y="0" z="10" diameter="1"/></segment>
    </morphology>
    <biophysicalProperties id="b">
      <membraneProperties>
        <channelDensityGHK id="ca_all" ionChannel="ca_chan" permeability="2.5e-7 m_per_s"
            ion="ca"/>
      </membraneProperties>
      <intracellularProperties>
        <species id="ca" ion="ca" concentrationModel="pool" initialConcentration="5e-6 mM"
            initialExtConcentration="2 mM"/>
      </intracellularProperties>
    </biophysicalProperties>
  </cell>
</neuroml>
"""


def test_ghk_permeability_and_pool_rho_in_the_units_of_jneuromls_mods(tmp_path):
    path = tmp_path / "cell.nml"
    path.write_text(CELL)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*not imported")  # nothing left out
        params = cell_params_from_neuroml(path)
    mechs = params["secs"]["Soma"]["mechs"]
    # jNeuroML's mod: permeability (cm/s), rho (umol/cm/nA/ms): 2.5E-5 and 3.0E-9 in Ex18's
    assert mechs["ca_chan"] == {"permeability": pytest.approx(2.5e-5, rel=1e-12)}
    assert mechs["pool"] == {"restingConc": pytest.approx(3e-6), "decayConstant": 1.0,
                             "rho": pytest.approx(3e-9, rel=1e-12)}
    assert "ions" not in params["secs"]["Soma"] or "e" not in params["secs"]["Soma"][
        "ions"].get("ca", {})  # GHK: no reversal potential


# -- refract = 0 ---------------------------------------------------------------------------
def test_ex8s_adex_without_refractory_period_is_refused_before_java(tmp_path, monkeypatch):
    no_java(monkeypatch)
    shutil.copytree(CORPUS, tmp_path / "LEMSexamples")
    with pytest.raises(FormatError) as err:
        importer.load(tmp_path / "LEMSexamples" / "LEMS_NML2_Ex8_AdEx.xml")
    text = str(err.value)
    assert text.startswith(f"{tmp_path / 'LEMSexamples' / 'LEMS_NML2_Ex8_AdEx.xml'}:23: "
                           '<adExIaFCell id="adExBurst2">: refract = 0ms')
    assert "jNeuroML's NEURON code generation" in text and "jLEMS runs it" in text
    assert "Exception" not in text and "org.neuroml" not in text


def cells(tmp_path, components, pops):
    return read(lems(tmp_path, f"""{components}
  <network id="net">{pops}</network>"""))


ADEX = ('C="281pF" gL="30nS" EL="-70.6mV" reset="-48.5mV" VT="-50.4mV" thresh="-40.4mV" '
        'delT="2mV" tauw="40ms" a="4nS" b="0.08nA"')


def test_only_a_zero_refractory_period_of_a_simulated_cell_is_refused(tmp_path):
    doc = cells(tmp_path, f"""
  <adExIaFCell id="ok" {ADEX} refract="0.5ms"/>
  <adExIaFCell id="unused" {ADEX} refract="0ms"/>
  <iafTauRefCell id="tau" leakReversal="-50mV" thresh="-55mV" reset="-70mV" tau="30ms"
      refract="0ms"/>""", """
    <population id="a" component="ok" size="1"/>
    <population id="b" component="tau" size="1"/>""")
    check_refractory(doc)  # iafTauRefCell has no capacitance: jNeuroML's export runs it


def test_a_pynn_cell_and_a_files_own_type_are_checked(tmp_path):
    doc = cells(tmp_path, """
  <IF_cond_exp id="pynn" cm="1" i_offset="0" tau_m="20" tau_refrac="0.0" tau_syn_E="5"
      tau_syn_I="5" v_reset="-65" v_rest="-65" v_thresh="-50" e_rev_E="0" e_rev_I="-70"
      v_init="-65"/>""", '<population id="p" component="pynn" size="2"/>')
    with pytest.raises(FormatError, match=r'<IF_cond_exp id="pynn">: tau_refrac = 0\.0: '):
        check_refractory(doc)
    doc = cells(tmp_path, f"""
  <ComponentType name="myAdEx" extends="adExIaFCell"/>
  <myAdEx id="mine" {ADEX} refract="0 s"/>""", '<population id="p" component="mine" size="1"/>')
    with pytest.raises(FormatError, match=r'<myAdEx id="mine">: refract = 0 s: .*a refract '
                                          r'above 0'):
        check_refractory(doc)


def test_an_include_found_only_in_jneuromls_jar_is_read_from_there_with_a_warning():
    """regression-tests/LEMS_NML2_Ex5_DetCell_unformatted.xml includes
    ../examples/NML2_SingleCompHHCell.nml, which is not beside it; jNeuroML reads the copy its
    jar bundles (examples/...), and so does neuroloom, saying so."""
    lems = shared("neuroml-examples", "LEMSexamples", "regression-tests",
                  "LEMS_NML2_Ex5_DetCell_unformatted.xml")
    with pytest.warns(UserWarning, match=r"NML2_SingleCompHHCell.nml is not there; reading "
                                         r"the copy jNeuroML bundles"):
        doc = read(lems)
    assert "hhcell" in doc.components and [p.id for p in doc.populations] == ["hhpop"]


def test_an_include_found_nowhere_is_still_an_error(tmp_path):
    lems = tmp_path / "LEMS_x.xml"
    lems.write_text('<Lems>\n<Include file="../examples/NoSuchFile.nml"/>\n</Lems>\n')
    with pytest.raises(FormatError, match=r"LEMS_x.xml:2: <Include>: included file "
                                          r"../examples/NoSuchFile.nml not found"):
        read(lems)


def test_an_annotations_rdf_keeps_its_namespace_in_a_kept_definition():
    """A channel's <annotation><rdf:RDF> (LEMSexamples/morphologies) written back in the
    default namespace reads as a NeuroML element: jLEMS refused the export ("No such type
    RDF"). It keeps its prefix, declared where the kept element needs it."""
    import xml.etree.ElementTree as ET

    from neuroloom.neuroml.component_types import plain_text

    doc = read(CORPUS / "morphologies" / "Ca_pyr.channel.nml")
    text = plain_text(doc.components["Ca_pyr"].element)
    kept = ET.fromstring(text)  # every prefix declared
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    assert kept.find(f"annotation/{rdf}RDF/{rdf}Description") is not None
    assert kept.find("annotation/RDF") is None and text.count("xmlns:rdf=") == 1
