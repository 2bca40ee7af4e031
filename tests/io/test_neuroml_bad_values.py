"""Bad values in a NeuroML2 document (issue 18, item 6) are errors naming the file, the
line, the element and the attribute, read without NEURON or Java: NaN wherever a number
is, time constants and capacitances <= 0, negative conductances, durations, delays and
refractory periods, sizes and instance ids that are not whole numbers, positions that are not
numbers."""
import pytest

from neuroloom.errors import FormatError
from neuroloom.neuroml.reader import read

# line 2 of each document holds the element under test
TEMPLATE = """<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="doc">
{line2}
    <expTwoSynapse id="syn" gbase="1nS" erev="0mV" tauRise="1ms" tauDecay="5ms"/>
    <iafCell id="iaf" leakReversal="-65mV" thresh="-50mV" reset="-70mV" C="1nF"
             leakConductance="10nS" refract="2ms"/>
    <pulseGenerator id="pulse" delay="10ms" duration="20ms" amplitude="0.05nA"/>
    <network id="net">
        <population id="a" component="iaf" size="2" type="populationList">
            <instance id="0"><location x="0" y="0" z="0"/></instance>
            <instance id="1"><location x="1" y="0" z="0"/></instance>
        </population>
        <projection id="p" presynapticPopulation="a" postsynapticPopulation="a"
                    synapse="syn">
            <connectionWD id="0" preCellId="../a/0/iaf" postCellId="../a/1/iaf"
                          weight="0.5" delay="1ms"/>
        </projection>
    </network>
</neuroml>
"""
NETWORK_LINE2 = """<network id="bad">"""  # the network's own elements go on line 3


def document(tmp_path, line2):
    path = tmp_path / "bad.nml"
    path.write_text(TEMPLATE.format(line2=line2))
    return path


@pytest.mark.parametrize("line2, element, message", [
    ('<expTwoSynapse id="s" gbase="1nS" erev="0mV" tauRise="1ms" tauDecay="-5ms"/>',
     '<expTwoSynapse id="s">', "attribute 'tauDecay' is -5ms: must be > 0"),
    ('<expTwoSynapse id="s" gbase="1nS" erev="0mV" tauRise="0ms" tauDecay="5ms"/>',
     '<expTwoSynapse id="s">', "attribute 'tauRise' is 0ms: must be > 0"),
    ('<expOneSynapse id="s" gbase="NaN nS" erev="0mV" tauDecay="5ms"/>',
     '<expOneSynapse id="s">', "attribute 'gbase' is 'NaN nS': not a number"),
    ('<expOneSynapse id="s" gbase="-1nS" erev="0mV" tauDecay="5ms"/>',
     '<expOneSynapse id="s">', "attribute 'gbase' is -1nS: must be >= 0"),
    ('<expOneSynapse id="s" gbase="1nS" erev="NaN mV" tauDecay="5ms"/>',
     '<expOneSynapse id="s">', "attribute 'erev' is 'NaN mV': not a number"),
    ('<pulseGenerator id="g" delay="1ms" duration="-20ms" amplitude="0.05nA"/>',
     '<pulseGenerator id="g">', "attribute 'duration' is -20ms: must be >= 0"),
    ('<pulseGenerator id="g" delay="1ms" duration="20ms" amplitude="nan nA"/>',
     '<pulseGenerator id="g">', "attribute 'amplitude' is 'nan nA': not a number"),
    ('<iafCell id="c" leakReversal="-65mV" thresh="-50mV" reset="-70mV" C="0nF" '
     'leakConductance="10nS" refract="2ms"/>', '<iafCell id="c">',
     "attribute 'C' is 0nF: must be > 0"),
    ('<iafCell id="c" leakReversal="-65mV" thresh="-50mV" reset="-70mV" C="1nF" '
     'leakConductance="10nS" refract="-2ms"/>', '<iafCell id="c">',
     "attribute 'refract' is -2ms: must be >= 0"),
    ('<cell id="c"><biophysicalProperties id="b"><membraneProperties>'
     '<channelDensity id="d" ionChannel="pas" condDensity="-1 mS_per_cm2" erev="-65mV"/>'
     '<specificCapacitance value="-1 uF_per_cm2"/></membraneProperties>'
     '</biophysicalProperties></cell>', '<channelDensity id="d">',
     "attribute 'condDensity' is -1 mS_per_cm2: must be >= 0"),
    ('<cell id="c"><biophysicalProperties id="b"><membraneProperties>'
     '<specificCapacitance value="0 uF_per_cm2"/></membraneProperties>'
     '</biophysicalProperties></cell>', '<specificCapacitance>',
     "attribute 'value' is 0 uF_per_cm2: must be > 0"),
])
def test_a_bad_component_value_names_file_line_element_attribute(tmp_path, line2, element,
                                                                 message):
    path = document(tmp_path, line2)
    with pytest.raises(FormatError) as err:
        read(path)
    assert f"{path}:2: {element}: {message}" == str(err.value)


@pytest.mark.parametrize("body, element, message", [
    ('<population id="b" component="iaf" size="two"/>', '<population id="b">',
     "size 'two' is not a whole number of cells"),
    ('<population id="b" component="iaf" size="2.5"/>', '<population id="b">',
     "size '2.5' is not a whole number of cells"),
    ('<population id="b" component="iaf" size="-2"/>', '<population id="b">',
     "size '-2' is not a whole number of cells"),
    ('<population id="b" component="iaf" size="1"><instance id="0">'
     '<location x="NaN" y="0" z="0"/></instance></population>', '<location>',
     "attribute 'x' is 'NaN': not a number"),
    ('<projection id="q" presynapticPopulation="a" postsynapticPopulation="a" synapse="syn">'
     '<connectionWD id="0" preCellId="../a/0/iaf" postCellId="../a/1/iaf" weight="nan" '
     'delay="1ms"/></projection>', '<connectionWD id="0">',
     "attribute 'weight' is 'nan': not a number"),
    ('<inputList id="i" component="pulse" population="a"><inputW id="0" '
     'target="../a/0/iaf" destination="synapses" weight="NaN"/></inputList>',
     '<inputW id="0">', "attribute 'weight' is 'NaN': not a number"),
    ('<projection id="q" presynapticPopulation="a" postsynapticPopulation="a" synapse="syn">'
     '<connectionWD id="0" preCellId="../a/0/iaf" postCellId="../a/1/iaf" weight="1" '
     'delay="-2ms"/></projection>', '<connectionWD id="0">',
     "attribute 'delay' is -2ms: must be >= 0"),
    ('<population id="b" component="iaf" size="1"><instance id="0.5">'
     '<location x="0" y="0" z="0"/></instance></population>', '<instance id="0.5">',
     "instance id '0.5' is not a whole number (population 'b')"),
    ('<population id="b" component="iaf" size="1"><instance id="0">'
     '<location x="left" y="0" z="0"/></instance></population>', '<location>',
     "x='left' is not a number (a position in um)"),
])
def test_a_bad_network_value_names_file_line_element_attribute(tmp_path, body, element,
                                                               message):
    """The bad element is on line 3, inside a second network of the document."""
    path = tmp_path / "bad.nml"
    text = TEMPLATE.format(line2='    <network id="bad">\n' + body + "</network>")
    path.write_text(text)
    with pytest.raises(FormatError) as err:
        read(path)
    assert f"{path}:3: {element}: {message}" == str(err.value)


def test_a_valid_document_still_loads(tmp_path):
    """The same document with good values (refract 0 ms is allowed: no refractoriness)."""
    path = document(tmp_path, '<iafCell id="c" leakReversal="-65mV" thresh="-50mV" '
                              'reset="-70mV" C="1nF" leakConductance="10nS" refract="0ms"/>')
    doc = read(path)
    assert {"syn", "iaf", "pulse", "c"} <= set(doc.components)
    assert [(p.id, p.size) for p in doc.populations] == [("a", 2)]
    assert doc.projections[0].columns["weight"] == [0.5]


def test_an_unknown_mechanisms_reading_is_an_error_with_the_closest():
    from neuroloom.importers import neuroml as neuroml_importer

    with pytest.raises(ValueError, match=r"mechanisms='jneuroml2'.*'jneuroml'"):
        neuroml_importer.load("whatever.nml", mechanisms="jneuroml2")
