"""NeuroML spike sources read as NEURON artificial cells (neuroml/sources.py), and the
abstract cells NEURON cannot watch refused before any code is generated."""
import pytest

from helpers import shared
from neuroloom.errors import FormatError
from neuroloom.importers import neuroml as importer
from neuroloom.neuroml.reader import read
from neuroloom.neuroml.sources import spike_source

LEMS = shared("neuroml-examples", "LEMSexamples")


def components(name):
    return read(LEMS / name).components


def test_the_corpus_sources_become_netstims_or_nlrandomstims():
    ex16 = components("LEMS_NML2_Ex16_Inputs.xml")
    assert spike_source(ex16["spikeGenRegular"]) == (
        "NetStim", (("interval", 20.0), ("number", 1e9), ("start", 20.0), ("noise", 0.0)))
    assert spike_source(ex16["spikeGenPoisson"]) == (
        "NetStim", (("interval", 20.0), ("number", 1e9), ("start", 0.0), ("noise", 1.0)))
    # 50 Hz with a 10 ms refractory time: 10 ms + an exponential of mean 10 ms, which is a
    # NetStim of interval 20 ms, noise 0.5, starting at 10 ms
    mod, params = spike_source(ex16["spikeGenRefPoisson"])
    assert mod == "NetStim"
    assert dict(params) == pytest.approx({"interval": 20.0, "number": 1e9, "start": 10.0,
                                          "noise": 0.5})
    # intervals uniform in [10, 30] ms: NetStim's 10 ms (no noise) + 20 ms * U
    assert spike_source(ex16["spikeGenRandom"]) == (
        "NlRandomStim", (("interval", 10.0), ("noise", 0.0), ("start", 10.0),
                         ("number", 1e9), ("stop", 1e9), ("spread", 20.0)))
    ex14 = components("LEMS_NML2_Ex14_PyNN.xml")
    mod, params = spike_source(ex14["spikes2"])
    assert mod == "NlRandomStim"
    assert dict(params) == pytest.approx({"interval": 12.5, "noise": 1.0, "start": 50.0,
                                          "number": 1e9, "stop": 350.0, "spread": 0.0})


def test_poisson_inputs_are_netstims_with_a_window_when_they_have_one(tmp_path):
    path = tmp_path / "inputs.nml"
    path.write_text(
        '<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="d">'
        '<expOneSynapse id="syn" gbase="1nS" erev="0mV" tauDecay="2ms"/>'
        '<spikeArray id="arr"><spike id="0" time="5ms"/></spikeArray>'
        '<poissonFiringSynapse id="endless" averageRate="10 Hz" synapse="syn" '
        'spikeTarget="./syn"/>'
        '<transientPoissonFiringSynapse id="window" delay="50ms" duration="50ms" '
        'averageRate="300 Hz" synapse="syn" spikeTarget="./syn"/>'
        '<network id="net"><population id="p" component="arr" size="1"/>'
        '<population id="q" component="arr" size="1"/>'
        '<explicitInput target="p[0]" input="endless"/>'
        '<explicitInput target="q[0]" input="window"/></network></neuroml>')
    sources = {s.label: s for s in importer.load(path).network.stim_sources}
    endless, window = sources["endless"], sources["window"]
    assert (endless.type, endless.neuron_class) == ("NetStim", "")
    assert dict(endless.params) == {"interval": 100.0, "noise": 1.0, "start": 0.0,
                                    "number": 1e9}
    # Poisson firing on (50, 100] ms (not 15 spikes whenever they come: a count of 15 on
    # average, none after 100 ms)
    assert (window.type, window.neuron_class) == ("NetStim", "NlRandomStim")
    assert dict(window.params) == pytest.approx({
        "interval": 1000 / 300, "noise": 1.0, "start": 50.0, "number": 1e9, "stop": 100.0,
        "spread": 0.0})


@pytest.mark.parametrize("element, match", [
    ('<spikeGeneratorRefPoisson id="s" averageRate="50 Hz" minimumISI="20 ms"/>',
     "minimumISI 20 ms is not below the mean interval"),
    ('<spikeGeneratorPoisson id="s" averageRate="-5 Hz"/>', "averageRate = '-5 Hz' must be"),
    ('<SpikeSourcePoisson id="s" start="0ms" rate="5Hz"/>', "missing attribute duration"),
    ('<spikeGeneratorRandom id="s" minISI="10 ms" maxISI="5 ms"/>', "maxISI 5 ms must be"),
    ('<spikeGeneratorPoisson id="s" averageRate="5 furlongs"/>', "averageRate"),
])
def test_bad_source_values_name_the_element(tmp_path, element, match):
    path = tmp_path / "bad.nml"
    path.write_text(f'<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="d">'
                    f'{element}</neuroml>')
    with pytest.raises(FormatError, match=match) as err:
        spike_source(read(path).components["s"])
    assert "bad.nml:1:" in str(err.value) and 'id="s"' in str(err.value)


@pytest.mark.java
def test_a_cell_with_its_own_voltage_runs_as_jneuroml_makes_it():
    """Ex9's fitzHughNagumoCell: its mechanism in a dummy section, as jNeuroML's NEURON
    export makes it (NeuroML gives it no spikes); its state variables V and W, which the
    LEMS file writes, are recorded from that mechanism (dimensionless: factor 1)."""
    model = importer.load(LEMS / "LEMS_NML2_Ex9_FN.xml")
    (cell_type,) = model.network.cell_types
    (soma,) = cell_type.sections
    assert [p.label for p in soma.pointps] == ["fn1"]
    assert model.outputs.refused == ()
    (trace,) = model.outputs.traces
    specs = [model.sim_config.recordTraces[c.trace] for c in trace.columns]
    assert [(s["pointp"], s["var"]) for s in specs] == [("fn1", "V"), ("fn1", "W")]
    assert [c.to_si for c in trace.columns] == [1.0, 1.0]


def test_recording_the_v_of_a_cell_with_its_own_voltage_is_refused_first(monkeypatch,
                                                                         tmp_path):
    def no_java(*args, **kwargs):
        raise AssertionError("jNeuroML was asked to generate code")

    monkeypatch.setattr(importer, "generate_mechanisms", no_java)
    text = (LEMS / "LEMS_NML2_Ex9_FN.xml").read_text().replace(
        '<OutputColumn id="W" quantity="fnPop1[0]/W"/>',
        '<OutputColumn id="W" quantity="fnPop1[0]/v"/>')
    (tmp_path / "ex9.xml").write_text(text)
    with pytest.raises(FormatError, match=r"ex9.xml:47: <OutputColumn id=\"W\">: "
                                          r"'fnPop1\[0\]/v': a fitzHughNagumoCell has no "
                                          "membrane potential v"):
        importer.load(tmp_path / "ex9.xml")


def test_a_cell_jneuroml_cannot_run_in_neuron_is_refused_before_generating_code(
        monkeypatch):
    """Ex22's pinskyRinzelCA3Cell: jNeuroML's mod does not compile on NEURON 9 and,
    patched, diverges; the refusal names the element before any Java runs."""
    def no_java(*args, **kwargs):
        raise AssertionError("jNeuroML was asked to generate code")

    monkeypatch.setattr(importer, "generate_mechanisms", no_java)
    with pytest.raises(FormatError, match=r'NML2_AbstractCells.nml:\d+: <pinskyRinzelCA3Cell '
                                          r'id="pr2A">: a pinskyRinzelCA3Cell cannot run in '
                                          r"neuroloom: .*Multiple declaration of Sisat"):
        importer.load(LEMS / "LEMS_NML2_Ex22_PinskyRinzelCA3.xml")


SOURCES = """<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="sources">
    <spikeGenerator id="regular" period="20 ms"/>
    <spikeGeneratorPoisson id="poisson" averageRate="50 Hz"/>
    <spikeGeneratorRefPoisson id="refractory" averageRate="50 Hz" minimumISI="10 ms"/>
    <spikeGeneratorRandom id="uniform" minISI="10 ms" maxISI="30 ms"/>
    <SpikeSourcePoisson id="window" start="50ms" duration="400ms" rate="50Hz"/>
    <network id="net">
        <population id="a" component="regular" size="1"/>
        <population id="b" component="poisson" size="2"/>
        <population id="c" component="refractory" size="1"/>
        <population id="d" component="uniform" size="1"/>
        <population id="e" component="window" size="3"/>
    </network>
</neuroml>"""


def test_spike_sources_export_as_the_generators_they_were(tmp_path):
    from neuroloom.exporters import neuroml as exporter

    (tmp_path / "sources.nml").write_text(SOURCES)
    first = importer.load(tmp_path / "sources.nml").network
    files = exporter.export(first, "sources", tmp_path / "out")
    text = files[0].read_text()
    for element in ("<spikeGenerator ", "<spikeGeneratorPoisson ", "<spikeGeneratorRefPoisson ",
                    "<spikeGeneratorRandom ", "<SpikeSourcePoisson "):
        assert element in text
    (tmp_path / "out" / files[0].name).write_text(text.replace("neuroloom", "edited"))
    again = importer.load(tmp_path / "out" / files[0].name).network  # read as it is
    assert [(p.label, p.size) for p in again.pops] == [(p.label, p.size) for p in first.pops]
    for ours, theirs in zip(first.cell_types, again.cell_types):
        assert ours.artificial.mod == theirs.artificial.mod
        assert dict(ours.artificial.params) == pytest.approx(dict(theirs.artificial.params))
