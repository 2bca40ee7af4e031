"""neuroloom.neuroml.jnml (running jNeuroML, validation) and .generated (NEURON mechanisms
jNeuroML generates from NeuroML components, renamed and cached).

jNeuroML needs Java: those tests are skipped without it. Each jNeuroML call takes about 1 s,
each compiled folder 5-15 s, so the generated folders are made once per module, in a
temporary cache (NEUROLOOM_CACHE) that the module starts clean.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import shared
from neuroloom.engine import mechanisms, modfiles
from neuroloom.engine.generated import load_generated
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.errors import FormatError
from neuroloom.neuroml import generated as gen
from neuroloom.neuroml import jnml

try:
    EXAMPLES = shared("neuroml-examples")
except FileNotFoundError:
    EXAMPLES = Path("/nonexistent")
if not (EXAMPLES / "examples").is_dir():
    pytest.skip(f"the NeuroML2 examples ({EXAMPLES}) are missing", allow_module_level=True)
NML = EXAMPLES / "examples"
LEMS = EXAMPLES / "LEMSexamples"



def requires_java(test):
    """Runs jNeuroML: marked java, skipped without Java."""
    return pytest.mark.java(pytest.mark.skipif(shutil.which("java") is None,
                                               reason="jNeuroML needs Java (17)")(test))

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.neuroml.org/schema/neuroml2 '
        'https://raw.github.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/'
        'NeuroML_v2.3.xsd" id="{id}">\n')
IAF = ('<iafCell id="iaf" leakReversal="-60mV" thresh="-55mV" reset="-62mV" C="1.0nF" '
       'leakConductance="0.05uS"/>')
SYN = '<expOneSynapse id="syn1" gbase="0.5nS" erev="0mV" tauDecay="3ms"/>'


def document(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(HEAD.format(id=path.stem) + body + "\n</neuroml>\n")
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A clean cache for generated folders and compiled mechanisms, for the whole module."""
    root = tmp_path_factory.mktemp("neuroloom_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEUROLOOM_CACHE", str(root))
        yield root


@pytest.fixture(scope="module")
def ex12(cache):
    return gen.generate_mechanisms(LEMS / "LEMS_NML2_Ex12_Net2.xml")


@pytest.fixture(scope="module")
def ex2(cache):
    return gen.generate_mechanisms(LEMS / "LEMS_NML2_Ex2_Izh.xml")


@pytest.fixture(scope="module")
def hh(cache):
    """A bare NeuroML2 document with a network: run through a LEMS wrapper."""
    return gen.generate_mechanisms(NML / "NML2_SingleCompHHCell.nml")


# --- jnml: locating and running ------------------------------------------------------------
def test_the_bundled_jar_and_its_version():
    assert jnml.jar_path().is_file()
    assert re.fullmatch(r"\d+\.\d+\.\d+", jnml.version())
    assert jnml.version() in jnml.version_key()


def test_missing_java_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("NEUROLOOM_JAVA", raising=False)
    with pytest.raises(jnml.JNeuroMLUnavailable, match="Java 17"):
        jnml.run(["-v"])


def test_failure_is_read_from_the_output_even_with_exit_status_0():
    output = ("(INFO) Reading from: x.xml\n"
              "org.lemsml.jlems.core.sim.ContentError: No component found: nosuchsyn. "
              "Existing components: \n - Component(id=iaf type=iafCell)\n"
              "\tat org.lemsml.jlems.core.type.Lems.resolve(Lems.java:163)\n")
    message = jnml.failure(output, 0)
    assert "No component found: nosuchsyn" in message and "iafCell" not in message
    assert jnml.failure("(INFO) all fine\n", 0) == ""
    assert "exit status 3" in jnml.failure("something\n", 3)


@requires_java
def test_run_raises_with_jneuromls_message(tmp_path):
    nml = document(tmp_path, "dangling.nml", f"""{SYN}{IAF}
    <network id="net">
        <population id="p" component="iaf" size="2"/>
        <projection id="pr" presynapticPopulation="p" postsynapticPopulation="p"
                    synapse="nosuchsyn">
            <connection id="0" preCellId="../p[0]" postCellId="../p[1]"/>
        </projection>
    </network>""")
    lems = tmp_path / "LEMS_dangling.xml"
    lems.write_text(gen._wrapper(nml, "net"))
    with pytest.raises(FormatError, match="nosuchsyn"):
        jnml.run([lems, "-norun"], cwd=tmp_path)
    with pytest.raises(FormatError, match="wrote no"):  # exit 0, but an expected file missing
        jnml.run(["-v"], cwd=tmp_path, outputs=["never_written.txt"])


# --- jnml: validation ----------------------------------------------------------------------
@requires_java
def test_the_example_documents_are_valid():
    files = sorted(NML.glob("*.nml"))
    assert len(files) >= 5
    assert jnml.validate_files(files) == {f.resolve(): [] for f in files}


@requires_java
def test_validation_reports_schema_violations_dangling_references_and_unknown_types(tmp_path):
    bad = {
        "attribute": (document(tmp_path, "attribute.nml", SYN.replace("/>", ' colour="red"/>')),
                      "colour"),
        "element": (document(tmp_path, "element.nml", '<fancySynapse id="s" gbase="1nS"/>'),
                    "fancySynapse"),
        "synapse": (document(tmp_path, "synapse.nml", f"""{SYN}{IAF}
            <network id="net"><population id="p" component="iaf" size="2"/>
            <projection id="pr" presynapticPopulation="p" postsynapticPopulation="p"
                        synapse="nosuchsyn">
                <connection id="0" preCellId="../p[0]" postCellId="../p[1]"/>
            </projection></network>"""), "nosuchsyn"),
        "component": (document(tmp_path, "component.nml", f"""{SYN}
            <network id="net"><population id="p" component="nosuchcell" size="2"/>
            </network>"""), "nosuchcell"),
        # jNeuroML's validator crashes on this one: still a problem, not a pass
        "population": (document(tmp_path, "population.nml", f"""{SYN}{IAF}
            <network id="net"><population id="p" component="iaf" size="2"/>
            <projection id="pr" presynapticPopulation="p" postsynapticPopulation="nopop"
                        synapse="syn1">
                <connection id="0" preCellId="../p[0]" postCellId="../nopop[1]"/>
            </projection></network>"""), "crashed"),
        "xml": (tmp_path / "broken.nml", "prolog"),
    }
    bad["xml"][0].write_text("not xml <")
    results = jnml.validate_files([path for path, _ in bad.values()])
    for name, (path, word) in bad.items():
        problems = results[path.resolve()]
        assert problems, name
        assert any(word in p for p in problems), (name, problems)
    # the dangling synapse is named with the test that failed
    assert any("Synapse referred to in a projection should exist" in p
               for p in results[bad["synapse"][0].resolve()])


@requires_java
def test_validation_covers_included_files(tmp_path):
    document(tmp_path, "lib.nml", SYN.replace("/>", ' colour="red"/>') + IAF)
    main = document(tmp_path, "main.nml", """<include href="lib.nml"/>
    <include href="missing.nml"/>
    <network id="net"><population id="p" component="iaf" size="1"/></network>""")
    problems = jnml.validate(main)
    assert any(p.startswith("lib.nml: ") and "colour" in p for p in problems), problems
    assert any("missing.nml does not exist" in p for p in problems), problems
    with pytest.raises(FormatError, match="LEMS"):
        jnml.validate(LEMS / "LEMS_NML2_Ex12_Net2.xml")


# --- generated mechanisms ------------------------------------------------------------------
def _digest8(g) -> str:
    return g.digest[:8]


@requires_java
def test_ex12_mechanisms_are_renamed_and_described(ex12, cache):
    g = ex12
    assert g.folder.parent == cache / "neuroml" and g.network == "net2"
    assert g.jnml_version == jnml.version()
    # only what the network uses: iaf2 is defined but in no population
    assert set(g.components) == {"spiker", "spikes2", "spike100", "iaf1", "syn1", "syn2",
                                 "synNmda"}
    for c in g.components.values():
        assert c.mechanism == f"nml_{c.id}_{_digest8(g)}" and c.jnml_name == c.id
    # the folder holds the renamed mechanisms and nothing else
    names = modfiles.mechanism_names(modfiles.mod_files(g.folder))
    assert sorted(names) == sorted(c.mechanism for c in g.components.values())

    iaf = g["iaf1"]  # <iafCell C="1e-5uF" leakConductance="5e-7mS" thresh="-35mV" ...>
    assert (iaf.nml_type, iaf.kind, iaf.point_process) == ("iafCell", "abstract_cell", True)
    assert iaf.parameter("thresh") == -35 and iaf.parameter("C") == pytest.approx(0.01)
    assert iaf.parameter("leakConductance") == pytest.approx(5e-4)  # uS
    assert iaf.capacitance == "C" and iaf.drives_v and iaf.current == "nonspecific"
    section = iaf.section  # C = 0.01 nF on 10 x 10 um: cm = 0.01e-3 uF / 314.16e-8 cm2
    assert (section.L, section.diam, section.observed) == (10, 10, True)
    assert section.cm == pytest.approx(0.01e-3 / (3.14159265 * 100e-8))
    assert iaf.spikes.source == "v" and iaf.spikes.threshold == -35
    assert (iaf.spikes.condition, iaf.spikes.condition_value) == ("v > thresh", -35)

    for source in ("spiker", "spikes2", "spike100"):
        c = g[source]
        assert c.kind == "spike_source" and c.spikes.source == "point_process"
        assert c.spikes.observed and c.section.cm == pytest.approx(318.31)
    assert g["spiker"].nml_type == "spikeGenerator" and g["spiker"].parameter("period") == 30

    syn1, nmda = g["syn1"], g["synNmda"]
    assert (syn1.kind, syn1.nml_type, syn1.current) == ("synapse", "expOneSynapse",
                                                        "nonspecific")
    assert syn1.parameter("gbase") == pytest.approx(1e-4) and "synapse" in syn1.roles  # uS
    assert (nmda.kind, nmda.nml_type) == ("synapse", "blockingPlasticSynapse")
    assert nmda.parameter("blockMechanism_blockConcentration") == pytest.approx(1.2)
    json.loads((g.folder / "generated.json").read_text())  # the description is kept


@requires_java
def test_ex2_izhikevich_cells_and_dimensionless_inputs(ex2):
    g = ex2
    cell = g["izBurst"]  # <izhikevichCell v0="-70mV" thresh="30mV" a="0.02" ... d="2"/>
    assert (cell.kind, cell.nml_type, cell.capacitance) == ("abstract_cell", "izhikevichCell",
                                                            None)
    assert cell.parameter("d") == 2 and cell.parameter("c") == -50
    assert cell.section.cm == pytest.approx(318.31)  # 1 nF on the dummy section
    assert cell.spikes.threshold == 0 and not cell.spikes.observed  # jNeuroML's rule
    assert cell.spikes.condition_value == 30
    for name in ("i0", "i1", "i2", "rg0"):  # pulseGeneratorDL / rampGeneratorDL
        # jNeuroML's mods inject nothing; neuroloom's edit makes I an electrode current
        assert g[name].kind == "input" and g[name].current == "electrode"
        assert "ELECTRODE_CURRENT i" in (g.folder / g[name].file).read_text()
    assert g["i0"].parameter("amplitude") == 15 and g["i0"].parameter("delay") == 22


@pytest.mark.neuron
@requires_java
def test_generated_mechanisms_compile_and_load(ex12, ex2):
    h = neuron_h()
    for g in (ex12, ex2):
        names = load_generated(g)
        assert sorted(names) == sorted(c.mechanism for c in g.components.values())
        for c in g.components.values():
            assert hasattr(h, c.mechanism), c.mechanism


@pytest.mark.neuron
@requires_java
def test_an_iaf_cell_built_as_described_behaves(ex12):
    """The point cell on its dummy section, a spikeArray driving a synapse on it, and a
    current step making it fire: the renamed mechanisms work as jNeuroML wrote them."""
    g = ex12
    load_generated(g)
    h = neuron_h()
    iaf = g["iaf1"]
    sec = h.Section(name="nml_test_iaf")
    sec.L, sec(0.5).diam, sec(0.5).cm = iaf.section.L, iaf.section.diam, iaf.section.cm
    cell = getattr(h, iaf.mechanism)(sec(0.5))
    syn = getattr(h, g.mechanism("syn1"))(sec(0.5))
    src_sec = h.Section(name="nml_test_src")
    src = getattr(h, g.mechanism("spike100"))(src_sec(0.5))
    events, spikes = h.Vector(), h.Vector()
    netcon = h.NetCon(src, syn, 0, 0, 1.0)
    netcon.record(events)
    detector = h.NetCon(sec(0.5)._ref_v, None, iaf.spikes.threshold, 0, 1, sec=sec)
    detector.record(spikes)
    stim = h.IClamp(sec(0.5))
    stim.delay, stim.dur, stim.amp = 150, 50, 0.02  # steady state -60 + 0.02/5e-4 = -20 mV
    v = h.Vector().record(sec(0.5)._ref_v)
    t = h.Vector().record(h._ref_t)
    h.dt = 0.025
    h.finitialize(iaf.parameter("leakReversal"))
    h.continuerun(220)
    assert list(events) == pytest.approx([100.0], abs=0.05)
    before = max(x for x, tt in zip(v, t) if tt < 100)
    after = max(x for x, tt in zip(v, t) if 100 < tt < 150)
    assert before == pytest.approx(-60, abs=1e-6) and after > -60 + 1e-3  # an EPSP
    assert len(spikes) >= 2 and all(150 < s < 200 for s in spikes)
    assert min(x for x, tt in zip(v, t) if tt > 151) == pytest.approx(-65, abs=0.5)  # reset
    del cell, syn, src, netcon, detector, stim


@requires_java
def test_the_second_call_uses_the_cache(ex12, monkeypatch):
    def no_java(*args, **kwargs):
        raise AssertionError("jNeuroML was run again")

    monkeypatch.setattr(jnml, "run", no_java)
    monkeypatch.setattr(jnml, "_java", no_java)
    again = gen.generate_mechanisms(LEMS / "LEMS_NML2_Ex12_Net2.xml")
    assert again.folder == ex12.folder and again.components == ex12.components


@pytest.mark.neuron
@pytest.mark.slow
@requires_java
def test_channels_and_a_cell_template_from_a_bare_document(hh):
    g = hh
    assert g.network == "net1"
    na, k, leak = g["naChan"], g["kChan"], g["passiveChan"]
    assert (na.kind, na.point_process, na.conductance) == ("channel", False, "gmax")
    assert (na.ions, na.reversal, na.writes) == (("na",), "ena", ("ina",))
    assert (k.ions, k.reversal) == (("k",), "ek")
    assert (leak.ions, leak.reversal, leak.current) == ((), "e", "nonspecific")
    cell = g["hhcell"]
    assert (cell.kind, cell.nml_type) == ("cell_template", "cell")
    assert cell.template == cell.mechanism == f"nml_hhcell_{_digest8(g)}"
    hoc = (g.folder / cell.file).read_text()
    assert f"begintemplate {cell.template}" in hoc and f"insert {na.mechanism}" in hoc
    assert not re.search(r"\binsert (naChan|kChan|passiveChan)\b", hoc)
    assert g["pulseGen1"].kind == "input" and g["pulseGen1"].current == "electrode"

    load_generated(g)
    h = neuron_h()
    neuron = getattr(h, cell.template)()
    soma = neuron.soma
    assert getattr(soma(0.5), f"gmax_{na.mechanism}") == pytest.approx(0.12)
    assert getattr(soma(0.5), f"e_{leak.mechanism}") == pytest.approx(-54.3)
    assert soma(0.5).ena == pytest.approx(50)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 5, 40, 0.2
    spikes = h.Vector()
    detector = h.NetCon(soma(0.5)._ref_v, None, -20, 0, 1, sec=soma)
    detector.record(spikes)
    h.finitialize(-65)
    h.continuerun(50)
    assert len(spikes) >= 2
    del neuron, soma, stim, detector


@pytest.mark.neuron
@pytest.mark.slow
@requires_java
def test_same_ids_in_two_documents_get_different_mechanisms(cache, tmp_path):
    # A: no network, so jNeuroML runs on the document itself (every component)
    a = document(tmp_path, "a.nml", '<expOneSynapse id="syn1" gbase="1nS" erev="0mV" '
                                    'tauDecay="2ms"/>')
    # B: a network with its own 'syn1', a Poisson source (patched for NEURON 9) and a cell
    b = document(tmp_path, "b.nml", """
    <expTwoSynapse id="syn1" gbase="2nS" erev="-80mV" tauRise="1ms" tauDecay="5ms"/>
    <iafTauCell id="cellB" leakReversal="-50mV" thresh="-52mV" reset="-70mV" tau="20ms"/>
    <spikeGeneratorPoisson id="poisson" averageRate="50Hz"/>
    <network id="netB">
        <population id="src" component="poisson" size="1"/>
        <population id="dst" component="cellB" size="2"/>
        <projection id="p1" presynapticPopulation="src" postsynapticPopulation="dst"
                    synapse="syn1">
            <connectionWD id="0" preCellId="../src[0]" postCellId="../dst[0]" weight="2"
                          delay="3ms"/>
        </projection>
        <projection id="p2" presynapticPopulation="dst" postsynapticPopulation="dst"
                    synapse="syn1">
            <connection id="0" preCellId="../dst[0]" postCellId="../dst[1]"/>
        </projection>
    </network>""")
    ga, gb = gen.generate_mechanisms(a), gen.generate_mechanisms(b)
    assert ga.network is None and gb.network == "netB"
    assert ga["syn1"].nml_type == "expOneSynapse" and gb["syn1"].nml_type == "expTwoSynapse"
    assert ga.mechanism("syn1") != gb.mechanism("syn1")
    assert gb["syn1"].parameter("erev") == -80
    poisson, cell = gb["poisson"], gb["cellB"]
    assert poisson.kind == "spike_source" and poisson.needs_random
    assert poisson.spikes.source == "point_process" and poisson.spikes.observed
    assert "#ifndef NRN_VERSION_GTEQ_8_2_0" in (gb.folder / poisson.file).read_text()
    # iafTauCell: no capacitance parameter (1 nF section); spikes seen on v at thresh
    assert cell.capacitance is None and cell.section.cm == pytest.approx(318.31)
    assert (cell.spikes.source, cell.spikes.threshold, cell.spikes.observed) == ("v", -52, True)
    # without a network: geometry and threshold from the rules (nothing observed)
    assert ga["syn1"].kind == "synapse" and ga["syn1"].roles == ()

    h = neuron_h()
    load_generated(ga)
    load_generated(gb)
    for g in (ga, gb):
        for c in g.components.values():
            assert hasattr(h, c.mechanism) and mechanisms.exists(c.mechanism)


@requires_java
def test_rules_agree_with_what_jneuroml_writes(cache, tmp_path):
    """For a document without a network nothing is observed: the dummy section and the
    thresholds come from rules, which must match jNeuroML's python where both exist."""
    cells = ('<iafCell id="c1" leakReversal="-60mV" thresh="-50mV" reset="-65mV" C="0.2nF" '
             'leakConductance="0.01uS"/>'
             '<izhikevich2007Cell id="c2" v0="-60mV" C="100 pF" k="0.7 nS_per_mV" vr="-60 mV" '
             'vt="-40 mV" vpeak="35 mV" a="0.03 per_ms" b="-2 nS" c="-50 mV" d="100 pA"/>')
    bare = gen.generate_mechanisms(document(tmp_path, "bare.nml", cells))
    net = gen.generate_mechanisms(document(tmp_path, "net.nml", cells + """
        <network id="n"><population id="p1" component="c1" size="1"/>
        <population id="p2" component="c2" size="1"/></network>"""))
    for cid in ("c1", "c2"):
        rule, seen = bare[cid], net[cid]
        assert not rule.section.observed and seen.section.observed
        assert rule.section.cm == pytest.approx(seen.section.cm, rel=1e-6)
        assert rule.spikes.threshold == (-50 if cid == "c1" else 0)


def test_choosing_the_network(tmp_path):
    path = document(tmp_path, "two.nml", f"""{IAF}
        <network id="n1"><population id="p" component="iaf" size="1"/></network>
        <network id="n2"><population id="p" component="iaf" size="1"/></network>""")
    with pytest.raises(FormatError, match="several networks"):
        gen.generate_mechanisms(path)
    with pytest.raises(FormatError, match="no network 'n3'"):
        gen.generate_mechanisms(path, network="n3")
    with pytest.raises(FormatError, match="runs network 'net2'"):
        gen.generate_mechanisms(LEMS / "LEMS_NML2_Ex12_Net2.xml", network="other")
