"""Network elements jNeuroML runs, read without NEURON: synapticConnectionWD weights and
delays (Ex21, Ex27), continuous projections with graded and silent synapses (Ex20, Ex26),
input weights onto current sources (Ex26), a population whose size is not its instance
count (Ex26); and what is wrong in them, as errors naming the file and element."""
import numpy as np
import pytest

from helpers import shared
from neuroloom.errors import FormatError
from neuroloom.importers import neuroml
from neuroloom.importers.neuroml_projections import continuous_rows
from neuroloom.neuroml.reader import ProjectionData, read

LEMS = shared("neuroml-examples", "LEMSexamples")
EXAMPLES = shared("neuroml-examples", "examples")
HH = EXAMPLES / "NML2_SingleCompHHCell.nml"


def projection(doc, ident):
    return next(p for p in doc.projections if p.id == ident)


def test_synaptic_connection_wd_keeps_its_weight_and_delay():
    """Ex27: five synapticConnectionWDs, weight 0.5, the last with a 5 ms delay."""
    doc = read(LEMS / "LEMS_NML2_Ex27_MultiSynapses.xml")
    rows = [(p.component, p.columns["post"][0], p.columns["weight"][0], p.columns["delay"][0])
            for p in doc.projections]
    assert rows == [("AMPA", 0, 0.5, 0.0), ("NMDA", 1, 0.5, 0.0), ("AMPA", 2, 0.5, 0.0),
                    ("NMDA", 2, 0.5, 0.0), ("AMPA_NMDA", 3, 0.5, 5.0)]
    ex21 = read(LEMS / "LEMS_NML2_Ex21_CurrentBasedSynapses.xml").projections[0]
    assert (ex21.columns["weight"][0], ex21.columns["delay"][0]) == (0.05, 1.0)


def test_continuous_projections_keep_both_components():
    """Ex20: cells by index; Ex26: by reference, with weights."""
    ex20 = read(LEMS / "LEMS_NML2_Ex20_AnalogSynapses.xml")
    graded = projection(ex20, "testGradedConn")
    assert graded.kind == "continuousProjection"
    assert (graded.pre, graded.post) == ("iafPop1", "iafPop3")
    assert graded.columns["pre_component"] == ["silent2"]
    assert graded.columns["post_component"] == ["gs2"]
    with pytest.warns(UserWarning, match="size 3 but 9 instances"):
        ex26 = read(LEMS / "LEMS_NML2_Ex26_Weights.xml")
    graded = projection(ex26, "testGradedConn")
    np.testing.assert_array_equal(graded.columns["post"], [6, 7, 8])
    np.testing.assert_array_equal(graded.columns["weight"], [1.0, 0.5, 2.0])


def test_a_population_builds_its_instances_whatever_its_size_says():
    """Ex26's postPop says size 3 and lists 9 instances: jNeuroML's NEURON export builds 9
    (`n_postPop = 9`), and so does neuroloom, saying so with the file and line."""
    with pytest.warns(UserWarning) as caught:
        doc = read(LEMS / "LEMS_NML2_Ex26_Weights.xml")
    assert [str(w.message) for w in caught] == [
        f'{LEMS / "LEMS_NML2_Ex26_Weights.xml"}:53: <population id="postPop">: size 3 but 9 '
        "instances: the 9 instances are built, as jNeuroML builds them"]
    assert [p.size for p in doc.populations] == [3, 9]
    assert np.array_equal(doc.populations[1].positions()[0], np.arange(9) * 100.0)


def network(body: str, components: str = "") -> str:
    return f"""<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="doc">
    <include href="{HH}"/>
    <silentSynapse id="silent1"/>
    <gradedSynapse id="gs1" conductance="0.1nS" delta="5mV" Vth="-35mV" k="0.025per_ms"
                   erev="0mV"/>
    <pulseGenerator id="pulse" delay="10ms" duration="20ms" amplitude="0.05nA"/>
    {components}
    <network id="net2">
        <population id="a" component="hhcell" size="2"/>
        <population id="b" component="hhcell" size="1"/>
{body}
    </network>
</neuroml>
"""


def write(tmp_path, text):
    path = tmp_path / "net.nml"
    path.write_text(text)
    return path


def test_input_weights_scale_a_pulse_generators_amplitude(tmp_path):
    """inputW weights 0.5 and 2 onto a pulseGenerator (an IClamp): amplitude 0.025 and
    0.1 nA for those targets, as jNeuroML's `i = weight * amplitude`; weight 1 changes
    nothing."""
    path = write(tmp_path, network("""
        <inputList id="in" component="pulse" population="a">
            <inputW id="0" target="../a/0/hhcell" destination="synapses" weight="0.5"/>
            <inputW id="1" target="../a/1/hhcell" destination="synapses" weight="2"/>
        </inputList>
        <inputList id="plain" component="pulse" population="b">
            <input id="0" target="../b/0/hhcell" destination="synapses"/>
        </inputList>"""))
    net = neuroml.load(path).network
    np.testing.assert_allclose(net.stims.extra["amp"], [0.025, 0.1, np.nan])
    assert dict(net.stim_sources[0].params)["amp"] == 0.05


@pytest.mark.parametrize("body, message", [
    ("""<continuousProjection id="cp" presynapticPopulation="a" postsynapticPopulation="b">
          <continuousConnection id="0" preCell="0" postCell="0" preComponent="silent1"
                                postComponent="gs2"/>
        </continuousProjection>""",
     "<continuousProjection id=\"cp\">: connection 0: postComponent 'gs2' is not defined; "
     "did you mean 'gs1'"),
    ("""<continuousProjection id="cp" presynapticPopulation="a" postsynapticPopulation="b">
          <continuousConnectionInstance id="0" preCell="../a/0/hhcell"
              postCell="../b/0/hhcell" preComponent="silent" postComponent="gs1"/>
        </continuousProjection>""",
     "connection 0: preComponent 'silent' is not defined"),
    ("""<continuousProjection id="cp" presynapticPopulation="a" postsynapticPopulation="b">
          <continuousConnection id="0" preCell="0" postCell="3" preComponent="silent1"
                                postComponent="gs1"/>
        </continuousProjection>""",
     "<continuousProjection id=\"cp\">: cell 3 of population 'b' (1 cells)"),
    ("""<continuousProjection id="cp" presynapticPopulation="a" postsynapticPopulation="c">
          <continuousConnection id="0" preCell="0" postCell="0" preComponent="silent1"
                                postComponent="gs1"/>
        </continuousProjection>""",
     "<continuousProjection id=\"cp\">: population 'c' is not defined"),
    ("""<continuousProjection id="cp" presynapticPopulation="a" postsynapticPopulation="b">
          <continuousConnection id="0" preCell="0" postCell="0" preComponent="silent1"/>
        </continuousProjection>""",
     "<continuousConnection id=\"0\">: missing attribute(s) postComponent"),
    ("""<continuousProjection id="cp" presynapticPopulation="a" postsynapticPopulation="b">
          <continuousConnection id="0" preCell="0" postCell="0" preComponent="silent1"
                                postComponent="gs1" weight="2"/>
        </continuousProjection>""",
     "<continuousConnection id=\"0\">: unknown attribute(s) weight"),
    ("""<synapticConnectionWD from="a[0]" to="b[0]" synapse="gs1" weight="2"/>""",
     "<synapticConnectionWD>: missing attribute(s) delay"),
    ("""<synapticConnection from="a[0]" to="b[0]" synapse="gs1" weight="2"/>""",
     "<synapticConnection>: unknown attribute(s) weight"),
])
def test_what_is_wrong_in_a_connection_is_an_error_naming_it(tmp_path, body, message):
    path = write(tmp_path, network(body))
    with pytest.raises(FormatError) as err:
        neuroml.load(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_continuous_projections_read_from_libneuromls_hdf5(tmp_path):
    """libNeuroML writes a continuousProjection's components as attributes of its group:
    the same connections as the XML (Ex20's document, its explicitInputs left out: libNeuroML
    does not write them to HDF5)."""
    from neuroml.loaders import read_neuroml2_file  # slow to import; only this test
    from neuroml.writers import NeuroMLHdf5Writer

    nml = EXAMPLES / "NML2_AnalogSynapses.nml"
    written = read_neuroml2_file(str(nml))
    written.networks[0].explicit_inputs = []
    NeuroMLHdf5Writer.write(written, str(tmp_path / "analog.nml.h5"))
    xml, h5 = read(nml), read(tmp_path / "analog.nml.h5")
    continuous = [p for p in xml.projections if p.kind == "continuousProjection"]
    assert len(continuous) == 2
    for one in continuous:
        other = projection(h5, one.id)
        assert other.kind == "continuousProjection" and (other.pre, other.post) == (one.pre,
                                                                                    one.post)
        for name in ("pre", "post", "weight", "pre_component", "post_component"):
            assert list(other.columns[name]) == list(one.columns[name])


def test_a_continuous_connection_is_two_one_way_pointer_rows():
    """Per connection, as jNeuroML builds it: the preComponent on the presynaptic cell
    reading the postsynaptic cell, then the postComponent on the postsynaptic cell reading
    the presynaptic cell; both with the connection's weight, in the projection's rule."""
    proj = ProjectionData("continuousProjection", "cp", "a", "b", "", "here", {
        "pre": np.array([0, 1]), "post": np.array([0, 0]), "weight": np.array([1.0, 0.5]),
        "pre_component": ["silent1", "silent1"], "post_component": ["gs1", "gs2"]})
    codes = {"silent1": 4, "gs1": 5, "gs2": 6}
    rows = continuous_rows(proj, np.array([10, 11]), np.array([20, 20]),
                           (np.array([1, 1]), np.array([0.5, 0.5])),
                           (np.array([2, 2]), np.array([0.25, 0.75])), codes.get, 3)
    assert rows.post_gid.tolist() == [10, 20, 11, 20]  # where each mechanism is
    assert rows.pre_gid.tolist() == [20, 10, 20, 11]  # the cell it reads
    assert rows.syn_mech.tolist() == [4, 5, 4, 6]
    assert rows.weight.tolist() == [1.0, 1.0, 0.5, 0.5]
    assert rows.sec.tolist() == [1, 2, 1, 2] and rows.loc.tolist() == [0.5, 0.25, 0.5, 0.75]
    assert rows.extra["pre_sec"].tolist() == [2, 1, 2, 1]
    assert rows.extra["pre_loc"].tolist() == [0.25, 0.5, 0.75, 0.5]
    assert rows.rule.tolist() == [3] * 4 and rows.delay.tolist() == [0.0] * 4
