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
    assert spike_source(ex16["spikeGenRandom"]) == (
        "NlRandomStim", (("fixed", 10.0), ("spread", 20.0)))
    ex14 = components("LEMS_NML2_Ex14_PyNN.xml")
    mod, params = spike_source(ex14["spikes2"])
    assert mod == "NlRandomStim"
    assert dict(params) == pytest.approx({"start": 50.0, "stop": 350.0, "expmean": 12.5})


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


@pytest.mark.parametrize("name, element", [
    ("LEMS_NML2_Ex9_FN.xml", '<fitzHughNagumoCell id="fn1">'),
    ("LEMS_NML2_Ex22_PinskyRinzelCA3.xml", "<pinskyRinzelCA3Cell id="),
])
def test_cells_neuron_cannot_watch_are_refused_before_generating_code(monkeypatch, name,
                                                                      element):
    def no_java(*args, **kwargs):
        raise AssertionError("jNeuroML was asked to generate code")

    monkeypatch.setattr(importer, "generate_mechanisms", no_java)
    with pytest.raises(FormatError, match="cannot run in neuroloom") as err:
        importer.load(LEMS / name)
    assert element in str(err.value)
    assert "is dimensionless" in str(err.value) or "internal states" in str(err.value)
