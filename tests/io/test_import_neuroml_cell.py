"""NeuroML2 <cell> -> cellParams (neuroml.cell_params), read with libNeuroML; no NEURON.

The three example files are copies in tests/data/neuroml (see the README there for their
origin and licences); the other cases are small NeuroML documents written here.
"""
from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest

from neuroloom.errors import FormatError
from neuroloom.neuroml.cell_params import cell_params_from_neuroml, convert
from neuroloom.validate.cells import cell_type
from neuroloom.validate.checker import Checker

DATA = Path(__file__).resolve().parents[1] / "data" / "neuroml"
SIMPLE = DATA / "NML2_SimpleMorphology.nml"
HH = DATA / "NML2_SingleCompHHCell.nml"
ALLEN = DATA / "Cell_472363762.cell.nml"

if not DATA.is_dir():  # the files ship with the tests; say so plainly if a checkout lacks them
    pytest.skip(f"NeuroML test data folder {DATA} is missing", allow_module_level=True)


def load(path, cell_id=None):
    with warnings.catch_warnings():
        # these files map completely: no "not imported" warning
        warnings.filterwarnings("error", message=".*not imported")
        return cell_params_from_neuroml(path, cell_id)


def length(pt3d):
    return sum(math.dist(a[:3], b[:3]) for a, b in zip(pt3d, pt3d[1:]))


def nml_segment_lengths(path):
    """{segment id: length} as libNeuroML computes it (independent of the importer)."""
    from neuroml.loaders import read_neuroml2_file

    cell = read_neuroml2_file(str(path)).cells[0]
    return {s.id: cell.get_segment_length(s.id) for s in cell.morphology.segments}


def assert_plain(value):
    """Only JSON types, no numpy scalars or libNeuroML objects."""
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        for v in value.values():
            assert_plain(v)
    elif isinstance(value, list):
        for v in value:
            assert_plain(v)
    else:
        assert type(value) in (str, int, float), (type(value), value)


def assert_valid_cell(params):
    """neuroloom's own cellParams validation accepts the imported cell."""
    check = Checker()
    assert cell_type("imported", params, "cellParams['imported']", -10.0, check) is not None
    assert check.problems == []


# --- NML2_SimpleMorphology.nml: one section per segment ------------------------------------
def test_simple_morphology_sections_are_the_named_segments():
    p = load(SIMPLE)
    assert list(p["secs"]) == ["Soma", "MainDendrite1", "MainDendrite2", "Spine"]
    assert all(sec["geom"]["nseg"] == 1 for sec in p["secs"].values())
    assert "biophysics" not in p
    assert_plain(p)
    assert json.loads(json.dumps(p)) == p
    assert_valid_cell(p)


def test_simple_morphology_pt3d_lengths_match_the_segments():
    p = load(SIMPLE)
    lengths = nml_segment_lengths(SIMPLE)
    for seg_id, name in enumerate(["Soma", "MainDendrite1", "MainDendrite2", "Spine"]):
        assert length(p["secs"][name]["geom"]["pt3d"]) == pytest.approx(lengths[seg_id])
    geom = {name: sec["geom"]["pt3d"] for name, sec in p["secs"].items()}
    assert geom["Soma"] == [[0.0, 0.0, 0.0, 10.0], [10.0, 0.0, 0.0, 10.0]]
    assert geom["MainDendrite1"] == [[10.0, 0.0, 0.0, 3.0], [20.0, 0.0, 0.0, 3.0]]
    # no proximal point: the section starts at the parent's distal point, diameter included
    assert geom["MainDendrite2"] == [[20.0, 0.0, 0.0, 3.0], [30.0, 0.0, 0.0, 1.0]]
    assert geom["Spine"] == [[25.0, 0.0, 0.0, 0.2], [25.0, 1.0, 0.0, 0.2]]


def test_simple_morphology_topology_uses_fraction_along():
    secs = load(SIMPLE)["secs"]
    assert secs["Soma"]["topol"] == {}
    assert secs["MainDendrite1"]["topol"] == {"parentSec": "Soma", "parentX": 1.0, "childX": 0.0}
    assert secs["MainDendrite2"]["topol"] == {"parentSec": "MainDendrite1", "parentX": 1.0,
                                              "childX": 0.0}
    assert secs["Spine"]["topol"] == {"parentSec": "MainDendrite2", "parentX": 0.5,
                                      "childX": 0.0}


def test_simple_morphology_groups_become_sec_lists():
    lists = load(SIMPLE)["secLists"]
    assert lists == {
        "soma_group": ["Soma"],
        "thick_dendrites": ["MainDendrite1", "MainDendrite2"],
        "spines": ["Spine"],
        "dendrite_group": ["MainDendrite1", "MainDendrite2", "Spine"],  # nested includes
        "middle": ["MainDendrite1", "MainDendrite2"],  # <path> from 1 to 2
        "tip": ["MainDendrite1", "MainDendrite2", "Spine"],  # <subTree> from 1
        "all": ["Soma", "MainDendrite1", "MainDendrite2", "Spine"],
    }


# --- NML2_SingleCompHHCell.nml: biophysics on a one-compartment cell -------------------------
def test_hh_cell_biophysics_in_neuron_units():
    p = load(HH)
    assert list(p["secs"]) == ["soma"]
    soma = p["secs"]["soma"]
    assert soma["geom"]["cm"] == 1.0  # 1.0 uF_per_cm2
    assert soma["geom"]["Ra"] == 30.0  # 0.03 kohm_cm
    assert soma["mechs"] == {
        "pas": {"g": 3.0e-4, "e": -54.3},  # a passive channel is NEURON's pas (3.0 S_per_m2)
        "naChan": {"gmax": 0.12},  # 120.0 mS_per_cm2
        "kChan": {"gmax": 0.036},  # 360 S_per_m2
    }
    assert soma["ions"] == {"na": {"e": 50.0}, "k": {"e": -77.0}}
    assert soma["vinit"] == -65.0
    assert soma["threshold"] == -20.0
    assert p["secLists"] == {"soma_group": ["soma"], "all": ["soma"]}
    assert_valid_cell(p)


def test_hh_cell_spherical_soma_keeps_its_area():
    pt3d = load(HH)["secs"]["soma"]["geom"]["pt3d"]
    d = 17.841242
    assert len(pt3d) == 2 and all(point[3] == d for point in pt3d)
    assert length(pt3d) == pytest.approx(d)  # a cylinder with L = diam ...
    assert math.pi * d * length(pt3d) == pytest.approx(1000.0, rel=1e-6)  # ... area of the sphere


# --- Cell_472363762.cell.nml: Allen biophysics without morphology ---------------------------
def allen_entries(**match):
    entries = load(ALLEN)["biophysics"]
    return [e for e in entries if all(e.get(k) == v for k, v in match.items())]


def test_allen_cell_has_biophysics_only():
    p = load(ALLEN)
    assert p["secs"] == {} and p["secLists"] == {}
    assert_plain(p)
    groups = {e["segmentGroup"] for e in p["biophysics"]}
    assert groups == {"soma", "axon", "dend", "apic", "all"}
    assert load(ALLEN, 472363762) == p  # a numeric id is matched as text


def test_allen_channel_densities_keep_values_and_parameter_names():
    mechs = {}
    for e in allen_entries(segmentGroup="soma"):
        for mech, params in e.get("mechs", {}).items():
            mechs.setdefault(mech, {}).update(params)
    assert mechs["NaTs"] == {"gbar": 0.98228995893}  # S_per_cm2, exactly as in the file
    assert mechs["Kv3_1"] == {"gbar": 0.0572648034027}
    assert mechs["K_P"] == {"gbar": 0.0517583609208}
    assert mechs["pas"] == {"g": 5.71880766722e-06, "e": -92.4991149902}  # g_pas_soma
    assert mechs["Ca_HVA"] == {"gbar": 0.000535997318392}  # Nernst: no erev
    assert mechs["CaDynamics"] == {"decay": 717.91660042899991, "gamma": 0.0012510775510599999,
                                   "depth": 0.1, "minCai": 1e-4}
    ions = {}
    for e in allen_entries(segmentGroup="soma"):
        for ion, values in e.get("ions", {}).items():
            ions.setdefault(ion, {}).update(values)
    assert ions == {"k": {"e": -107.0}, "na": {"e": 53.0}, "ca": {"i": 1e-4, "o": 2.0}}
    # 'hcn' is no NEURON ion: its reversal potential belongs to the Ih mechanism
    assert mechs["Ih"] == {"gbar": 4.12225901169e-05, "ehcn": -45.0}
    axon = [e["mechs"]["pas"] for e in allen_entries(segmentGroup="axon") if "mechs" in e]
    assert axon == [{"g": 0.000457387600765, "e": -92.4991149902}]


def test_allen_capacitance_and_resistivity():
    cm = {e["segmentGroup"]: e["geom"]["cm"] for e in load(ALLEN)["biophysics"]
          if "cm" in e.get("geom", {})}
    assert cm == {"soma": 1.0, "axon": 1.0, "apic": 2.12, "dend": 2.12}
    assert allen_entries(segmentGroup="all") == [{"segmentGroup": "all", "geom": {"Ra": 138.28}}]


def test_missing_cell_id_names_the_file_and_the_ids():
    with pytest.raises(FormatError) as info:
        cell_params_from_neuroml(ALLEN, "pyramidal")
    message = str(info.value)
    assert "Cell_472363762.cell.nml" in message and "'472363762'" in message
    with pytest.raises(FormatError, match="SimpleCell"):
        cell_params_from_neuroml(SIMPLE, cell_id="hhcell")


# --- written here: sections made of several segments ------------------------------------------
MORPHOLOGY = """
    <segment id="0" name="soma"><proximal x="0" y="0" z="0" diameter="10"/>
      <distal x="10" y="0" z="0" diameter="10"/></segment>
    <segment id="1" name="d0"><parent segment="0"/><proximal x="10" y="0" z="0" diameter="2"/>
      <distal x="20" y="0" z="0" diameter="2"/></segment>
    <segment id="2" name="d1"><parent segment="1"/><distal x="40" y="0" z="0" diameter="1.5"/></segment>
    <segment id="3" name="d2"><parent segment="2"/><distal x="70" y="0" z="0" diameter="1"/></segment>
    <segment id="4" name="b0"><parent segment="2" fractionAlong="0.5"/>
      <proximal x="30" y="0" z="0" diameter="1"/><distal x="30" y="5" z="0" diameter="1"/></segment>
    <segment id="5" name="b1"><parent segment="4"/><distal x="30" y="9" z="0" diameter="0.8"/></segment>
    <segment id="6" name="axon"><parent segment="0" fractionAlong="0"/>
      <proximal x="0" y="0" z="0" diameter="1"/><distal x="-50" y="0" z="0" diameter="1"/></segment>
    <segmentGroup id="soma_0" neuroLexId="sao864921383"><member segment="0"/></segmentGroup>
    <segmentGroup id="dend_0" neuroLexId="sao864921383">
      <property tag="numberInternalDivisions" value="7"/>
      <member segment="3"/><member segment="1"/><member segment="2"/>
    </segmentGroup>
    <segmentGroup id="branch" neuroLexId="sao864921383"><member segment="4"/><member segment="5"/>
    </segmentGroup>
    <segmentGroup id="soma"><include segmentGroup="soma_0"/></segmentGroup>
    <segmentGroup id="dend"><include segmentGroup="dend_0"/><include segmentGroup="branch"/>
    </segmentGroup>
    <segmentGroup id="all"><include segmentGroup="soma"/><include segmentGroup="dend"/>
      <member segment="6"/></segmentGroup>
"""
BIOPHYSICS = """
    <membraneProperties>
      <channelDensity id="gnabar_hh" ionChannel="hh" condDensity="120 mS_per_cm2" erev="50 mV"
          ion="na" segmentGroup="soma"/>
      <channelDensity id="pasChans" ionChannel="pas" condDensity="1 S_per_m2" erev="-70 mV"
          ion="non_specific" segmentGroup="dend"/>
      <channelDensityNernst id="caChans" ionChannel="cal" condDensity="0.5 mS_per_cm2" ion="ca"
          segmentGroup="soma_0"/>
      <spikeThresh value="0 mV" segmentGroup="soma"/>
      <specificCapacitance value="0.01 F_per_m2" segmentGroup="all"/>
      <specificCapacitance value="2 uF_per_cm2" segmentGroup="dend"/>
      <initMembPotential value="-0.07 V"/>
    </membraneProperties>
    <intracellularProperties>
      <species id="ca" ion="ca" concentrationModel="CaPool" initialConcentration="5e-5 mM"
          initialExtConcentration="2 mol_per_m3" segmentGroup="soma"/>
      <resistivity value="1 ohm_m"/>
    </intracellularProperties>
"""


def write_cell(tmp_path, morphology=MORPHOLOGY, biophysics=BIOPHYSICS, name="cell.nml"):
    path = tmp_path / name
    path.write_text(f"""<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="doc">
  <decayingPoolConcentrationModel id="CaPool" ion="ca" restingConc="0.05 mol_per_m3"
      decayConstant="0.02 s" shellThickness="1e-7 m"/>
  <cell id="branchy">
    <morphology id="morph">{morphology}</morphology>
    <biophysicalProperties id="bio">{biophysics}</biophysicalProperties>
  </cell>
</neuroml>""")
    return path


def test_unbranched_groups_are_sections_in_chain_order(tmp_path):
    p = load(write_cell(tmp_path))
    secs = p["secs"]
    assert list(secs) == ["soma_0", "dend_0", "branch", "axon"]
    dend = secs["dend_0"]["geom"]
    assert dend["pt3d"] == [[10.0, 0.0, 0.0, 2.0], [20.0, 0.0, 0.0, 2.0],
                            [40.0, 0.0, 0.0, 1.5], [70.0, 0.0, 0.0, 1.0]]
    assert dend["nseg"] == 7  # numberInternalDivisions
    assert secs["branch"]["geom"]["nseg"] == 2  # one per segment
    lengths = nml_segment_lengths(tmp_path / "cell.nml")
    for name, ids in {"soma_0": [0], "dend_0": [1, 2, 3], "branch": [4, 5], "axon": [6]}.items():
        assert length(secs[name]["geom"]["pt3d"]) == pytest.approx(sum(lengths[i] for i in ids))
    # segment 2 is the 10..30 um stretch of the 60 um dend_0: its middle is at 1/3
    assert secs["branch"]["topol"] == {"parentSec": "dend_0", "parentX": pytest.approx(1 / 3),
                                       "childX": 0.0}
    assert secs["dend_0"]["topol"] == {"parentSec": "soma_0", "parentX": 1.0, "childX": 0.0}
    assert secs["axon"]["topol"] == {"parentSec": "soma_0", "parentX": 0.0, "childX": 0.0}
    assert p["secLists"] == {"soma": ["soma_0"], "dend": ["dend_0", "branch"],
                             "all": ["soma_0", "dend_0", "branch", "axon"]}
    assert_valid_cell(p)


def test_biophysics_go_to_the_sections_of_their_groups(tmp_path):
    params = load(write_cell(tmp_path))
    secs = params["secs"]
    soma = secs["soma_0"]
    # shellThickness in cm, as jNeuroML's mod for the pool declares it (issue 18, Ex15)
    assert soma["mechs"] == {"hh": {"gnabar": 0.12}, "cal": {"gmax": 0.0005},
                             "CaPool": {"restingConc": 0.05, "decayConstant": 20.0,
                                        "shellThickness": 1e-5}}
    # finitialize sets cai from cai0_ca_ion where a mechanism writes it: the globals too
    assert params["globals"] == {"cai0_ca_ion": 5e-5, "cao0_ca_ion": 2.0}
    assert soma["ions"] == {"na": {"e": 50.0}, "ca": {"i": 5e-5, "o": 2.0}}
    assert soma["threshold"] == 0.0
    for name in ("dend_0", "branch"):
        assert secs[name]["mechs"] == {"pas": {"gmax": 1e-4, "e": -70.0}}
        assert secs[name]["geom"]["cm"] == 2.0  # the later, more specific entry wins
        assert "threshold" not in secs[name]
    assert secs["axon"]["geom"]["cm"] == 1.0 and secs["axon"]["mechs"] == {}
    assert all(sec["geom"]["Ra"] == 100.0 and sec["vinit"] == -70.0 for sec in secs.values())
    # the sections do not share dicts: changing one leaves the others alone
    secs["dend_0"]["mechs"]["pas"]["gmax"] = 1.0
    assert secs["branch"]["mechs"]["pas"]["gmax"] == 1e-4


def test_branched_section_group_is_a_format_error(tmp_path):
    morphology = MORPHOLOGY.replace('<member segment="2"/>',
                                    '<member segment="2"/><member segment="4"/>')
    with pytest.raises(FormatError, match="dend_0.*branches at segment 2"):
        cell_params_from_neuroml(write_cell(tmp_path, morphology=morphology))


def test_unknown_segment_group_is_a_format_error(tmp_path):
    biophysics = BIOPHYSICS.replace('segmentGroup="dend"/>', 'segmentGroup="dendrites"/>', 1)
    with pytest.raises(FormatError, match="cell.nml.*no segment group 'dendrites'"):
        cell_params_from_neuroml(write_cell(tmp_path, biophysics=biophysics))


def test_unmapped_features_warn(tmp_path):
    biophysics = BIOPHYSICS.replace(
        "<spikeThresh", '<channelDensity id="one" ionChannel="pas" condDensity="1 S_per_m2" '
                        'erev="-70 mV" ion="non_specific" segment="6"/>\n      <spikeThresh')
    with pytest.warns(UserWarning, match="not imported: ChannelDensity one on one segment"):
        p = cell_params_from_neuroml(write_cell(tmp_path, biophysics=biophysics))
    assert p["secs"]["axon"]["mechs"] == {}


def test_file_without_cell_or_unreadable(tmp_path):
    empty = tmp_path / "abstract.nml"
    empty.write_text('<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="x">'
                     '<izhikevich2007Cell id="iz" C="100pF" v0="-60mV" k="0.7nS_per_mV" '
                     'vr="-60mV" vt="-40mV" vpeak="35mV" a="0.03per_ms" b="-2nS" c="-50.0mV" '
                     'd="100pA"/></neuroml>')
    with pytest.raises(FormatError, match="abstract.nml: the file has no <cell>"):
        cell_params_from_neuroml(empty)
    broken = tmp_path / "broken.nml"
    broken.write_text("<neuroml><cell id='a'><morph")
    with pytest.raises(FormatError, match="broken.nml: not a readable NeuroML2 file"):
        cell_params_from_neuroml(broken)
    with pytest.raises(FileNotFoundError):
        cell_params_from_neuroml(tmp_path / "absent.nml")


def test_unit_conversion():
    assert convert("120.0 mS_per_cm2", "S_per_cm2") == 0.12
    assert convert("3.0 S_per_m2", "S_per_cm2") == 3e-4
    assert convert("0.03 kohm_cm", "ohm_cm") == 30.0
    assert convert("1 ohm_m", "ohm_cm") == 100.0
    assert convert("0.01 F_per_m2", "uF_per_cm2") == 1.0
    assert convert("-54.3mV", "mV") == -54.3
    assert convert("1e-7 m") == 0.1  # NEURON's unit for a length: um
    assert convert("0.02 s") == 20.0  # ms
    assert convert("2 mol_per_m3") == 2.0  # mM
    assert convert("10pS") == 1e-5  # uS
    assert convert("0.5 per_s") == 5e-4  # per_ms
    assert convert("0.00125") == 0.00125  # dimensionless
    with pytest.raises(FormatError, match="not in units of S_per_cm2"):
        convert("3 mV", "S_per_cm2")
    with pytest.raises(FormatError, match="unknown unit"):
        convert("3 furlongs", "um")


def test_reversal_of_an_ion_only_a_channel_of_the_file_uses_goes_to_the_ion(tmp_path):
    # Ex15's h channel (ion="h", ionChannelHH species="h" in the file): jNeuroML's mod
    # declares USEION h and its hoc sets eh per section; the mechanism has no 'eh'
    path = tmp_path / "h.nml"
    path.write_text("""<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="doc">
  <ionChannelHH id="Hchan" conductance="10pS" species="h"/>
  <cell id="c">
    <morphology id="m"><segment id="0" name="soma">
      <proximal x="0" y="0" z="0" diameter="10"/><distal x="10" y="0" z="0" diameter="10"/>
    </segment></morphology>
    <biophysicalProperties id="b">
      <membraneProperties>
        <channelDensity id="H_all" ionChannel="Hchan" condDensity="0.03 mS_per_cm2"
            erev="-42.0 mV" ion="h"/>
      </membraneProperties>
    </biophysicalProperties>
  </cell>
</neuroml>""")
    soma = load(path)["secs"]["soma"]
    assert soma["mechs"] == {"Hchan": {"gmax": 3e-5}}
    assert soma["ions"] == {"h": {"e": -42.0}}
