"""A LEMS file's Simulation, read as jNeuroML reads it: only its target network is built,
the generic <Component type="..."> form reads like the specific element, and the files it
writes (OutputFile, EventOutputFile) are resolved to cells and sections or refused with the
element named."""
import shutil

import pytest

from helpers import shared
from neuroloom.errors import FormatError
from neuroloom.importers import neuroml
from neuroloom.neuroml.reader import read

LEMS = shared("neuroml-examples", "LEMSexamples")
EX25 = LEMS / "LEMS_NML2_Ex25_MultiComp.xml"
MULTI = shared("neuroml-examples", "examples", "NML2_MultiCompCellNetwork.nml")
HH = shared("neuroml-examples", "examples", "NML2_SingleCompHHCell.nml")


def lems(body: str, includes=(MULTI,), target="MultiCompCellNetwork", top="sim1") -> str:
    files = "\n".join(f'    <Include file="{path}"/>' for path in includes)
    return f"""<Lems>
    <Target component="{top}"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
{files}
    <Simulation id="sim1" length="10ms" step="0.01ms" target="{target}">
{body}
    </Simulation>
</Lems>
"""


def test_ex25_reads_only_its_target_network():
    """Ex25 includes NML2_SingleCompHHCell.nml, whose net1 (hhpop, 1 cell, driven by an
    explicitInput) jNeuroML does not build: only MultiCompCellNetwork (pop0, 3 cells)."""
    doc = read(EX25)
    assert set(doc.networks) == {"net1", "MultiCompCellNetwork"}
    assert [p.id for p in doc.networks["net1"].populations] == ["hhpop"]
    assert doc.network_id == "MultiCompCellNetwork"
    assert [(p.id, p.size) for p in doc.populations] == [("pop0", 3)]
    assert doc.temperature is None
    assert {p.pre for p in doc.projections if p.pre} == {"pop0"}
    assert doc.simulation["target"] == "MultiCompCellNetwork"
    assert [o.file_name for o in doc.simulation["outputs"]] == [
        "results/ex25_0.dat", "results/ex25_1.dat", "results/ex25_2.dat"]


@pytest.mark.java
def test_ex25_builds_only_its_target_network():
    model = neuroml.load(EX25)
    assert [(p.label, p.size) for p in model.network.pops] == [("pop0", 3)]
    assert len(model.network.cells) == 3
    assert model.sim_config.hParams["celsius"] == 6.3  # NEURON's default: pop0's has none
    assert model.sim_config.duration == 140.0 and model.sim_config.dt == 0.005
    # the three OutputFiles: 4 columns each, a cell's segments 0-3
    assert [len(f.columns) for f in model.outputs.traces] == [4, 4, 4]
    assert [c.gid for f in model.outputs.traces for c in f.columns] == [0] * 4 + [1] * 4 + [2] * 4
    assert model.sim_config.recordCells == [0, 1, 2]
    assert model.sim_config.recordStep == 0.005 and model.sim_config.recordFinalSample
    places = [(s["sec"], round(s["loc"], 6)) for s in model.sim_config.recordTraces.values()]
    assert places == [("soma", 0.5), ("dendSec1", 0.5), ("dendSec2", 0.166667),
                      ("dendSec2", 0.666667)]  # where jNeuroML's NEURON export records


def test_a_target_that_is_no_network_is_an_error_with_the_closest_name(tmp_path):
    path = tmp_path / "LEMS_typo.xml"
    path.write_text(lems("", target="MultiCompCellNetwrk"))
    with pytest.raises(FormatError, match=r"LEMS_typo.xml:\d+: <Simulation id=\"sim1\">: "
                                          r"target 'MultiCompCellNetwrk' is not a network.*"
                                          r"did you mean 'MultiCompCellNetwork'"):
        read(path)


def test_a_target_that_is_another_component_is_an_error_naming_it():
    """Ex17 runs a LEMS ComponentType (a tissue whose temperature changes at 500 ms) that
    holds the network: not a network neuroloom can build (it ran an empty one before)."""
    with pytest.raises(FormatError, match=r"LEMS_NML2_Ex17_Tissue.xml:100: <Simulation "
                                          r"id=\"sim1\">: target 'slice' is a "
                                          r"tissueWithVaryingTemperature \(.*:89: .*\), not a "
                                          r"network"):
        read(LEMS / "LEMS_NML2_Ex17_Tissue.xml")


def test_the_target_chooses_among_the_networks_of_included_files(tmp_path):
    path = tmp_path / "LEMS_hh.xml"
    path.write_text(lems("", includes=(HH, MULTI), target="net1"))
    doc = read(path)
    assert doc.network_id == "net1"
    assert [p.id for p in doc.populations] == ["hhpop"]
    assert [p.kind for p in doc.projections] == ["inputList"]  # its explicitInput


def test_a_document_with_two_networks_and_no_simulation_is_an_error(tmp_path):
    path = tmp_path / "two.nml"
    path.write_text(f"""<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="two">
    <include href="{HH}"/>
    <include href="{MULTI}"/>
</neuroml>""")
    with pytest.raises(FormatError, match="holds 2 networks .*net1.*MultiCompCellNetwork"):
        read(path)
    # a document with its own network runs that one
    path.write_text(f"""<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="one">
    <include href="{HH}"/>
    <network id="mine"><population id="p" component="hhcell" size="2"/></network>
</neuroml>""")
    assert read(path).network_id == "mine"


def test_the_target_component_must_be_a_simulation(tmp_path):
    path = tmp_path / "LEMS_sim.xml"
    path.write_text(lems("", top="sim2"))
    with pytest.raises(FormatError, match="component 'sim2' is not a Simulation.*'sim1'"):
        read(path)


def simulation_of(doc):
    sim = doc.simulation
    return (sim["id"], sim["length"], sim["step"], sim["target"],
            [(o.kind, o.id, o.file_name, o.format, [item[:-1] for item in o.items])
             for o in sim["outputs"]])


def test_the_generic_simulation_form_reads_like_the_specific_one(tmp_path):
    """morphologies/LEMS_m_in_b_out.xml writes <Component type="Simulation" ...> (so that it
    validates against the LEMS schema); the same file with <Simulation> reads the same."""
    folder = tmp_path / "morphologies"
    shutil.copytree(LEMS / "morphologies", folder)
    generic = folder / "LEMS_m_in_b_out.xml"
    text = generic.read_text()
    assert '<Component type="Simulation"' in text
    specific = folder / "LEMS_specific.xml"
    specific.write_text(text.replace('<Component type="Simulation"', "<Simulation")
                        .replace("</Component>", "</Simulation>"))
    a, b = read(generic), read(specific)
    assert simulation_of(a) == simulation_of(b)
    assert simulation_of(a)[:4] == ("sim1", "700.0ms", "0.0025ms", "network")
    assert [o.file_name for o in a.simulation["outputs"]] == [
        "pyramidal_soma_0.dat", "pyramidal_soma_0.Ca_conc_CONC_ca.dat"]
    assert a.network_id == b.network_id == "network"
    assert [(p.id, p.size) for p in a.populations] == [("pyramidal_soma", 1)]


def test_generic_network_elements_read_like_specific_ones(tmp_path):
    specific = tmp_path / "LEMS_specific.xml"
    generic = tmp_path / "LEMS_generic.xml"
    body = """<EventOutputFile id="spikes" fileName="out/s.spikes" format="TIME_ID">
            <EventSelection id="7" select="hhpop[1]" eventPort="spike"/>
        </EventOutputFile>"""
    specific.write_text(lems(body, includes=(HH,), target="n").replace(
        "<Simulation", """<network id="n" type="networkWithTemperature" temperature="10degC">
        <population id="hhpop" component="hhcell" size="2"/>
    </network>
    <Simulation"""))
    generic.write_text(lems(body.replace("<EventOutputFile", '<Component type="EventOutputFile"')
                            .replace("</EventOutputFile>", "</Component>"),
                            includes=(HH,), target="n").replace("<Simulation", """
    <Component type="networkWithTemperature" id="n" temperature="10degC">
        <Component type="population" id="hhpop" component="hhcell" size="2"/>
    </Component>
    <Simulation"""))
    a, b = read(specific), read(generic)
    assert simulation_of(a) == simulation_of(b)
    assert simulation_of(b)[4] == [("EventOutputFile", "spikes", "out/s.spikes", "TIME_ID",
                                    [("7", "hhpop[1]", "spike")])]
    for doc in (a, b):
        assert doc.network_id == "n" and doc.temperature == "10degC"
        assert [(p.id, p.component, p.size) for p in doc.populations] == [("hhpop", "hhcell", 2)]


@pytest.mark.parametrize("body, message", [
    ('<OutputFile id="f" fileName="a.dat"><Record quantity="x"/></OutputFile>',
     r'<Record>: unknown element in <OutputFile>'),
    ('<EventOutputFile id="e" fileName="a.spikes" format="TIMES"/>',
     r"format 'TIMES' is not one of ID_TIME, TIME_ID"),
    ('<EventOutputFile id="e" fileName="a.spikes"/>', r"missing attribute\(s\) format"),
    ('<OutputFile id="f"/>', r"missing attribute\(s\) fileName"),
])
def test_bad_simulation_outputs_are_errors_naming_the_element(tmp_path, body, message):
    path = tmp_path / "LEMS_bad.xml"
    path.write_text(lems(body))
    with pytest.raises(FormatError, match=r"LEMS_bad.xml:\d+: .*" + message):
        read(path)


def outputs_of(tmp_path, body):
    path = tmp_path / "LEMS_hh.xml"
    path.write_text(lems(body, includes=(HH,), target="net1"))
    return neuroml.load(path)


@pytest.mark.java  # jNeuroML writes the cell's channels as mechanisms
def test_output_columns_and_selections_name_cells_and_sections(tmp_path):
    model = outputs_of(tmp_path, """
        <OutputFile id="f" fileName="results/v.dat">
            <OutputColumn id="a" quantity="hhpop[0]/v"/>
            <OutputColumn id="b" quantity="hhpop/0/hhcell/v"/>
            <OutputColumn id="c" quantity="hhpop/0/hhcell/0/v"/>
        </OutputFile>
        <EventOutputFile id="e" fileName="s.spikes" format="ID_TIME">
            <EventSelection id="3" select="hhpop/0/hhcell" eventPort="spike"/>
        </EventOutputFile>""")
    (trace,), (events,) = model.outputs.traces, model.outputs.events
    assert trace.path == tmp_path / "results" / "v.dat"
    assert [(c.trace, c.gid, c.to_si) for c in trace.columns] == [("lems_v_0", 0, 1e-3)] * 3
    assert events.path == tmp_path / "s.spikes" and events.format == "ID_TIME"
    assert events.selections == (("3", 0),)
    cfg = model.sim_config
    assert cfg.recordTraces == {"lems_v_0": {"sec": "soma", "loc": 0.5, "var": "v"}}
    assert cfg.recordCells == [0] and cfg.recordStep == 0.01 and cfg.recordFinalSample
    assert model.outputs.refused == ()


@pytest.mark.parametrize("body, message", [
    ('<OutputFile id="f" fileName="v.dat"><OutputColumn id="a" quantity="hhpp[0]/v"/>'
     '</OutputFile>', "population 'hhpp' is not in the network; did you mean 'hhpop'"),
    ('<OutputFile id="f" fileName="v.dat"><OutputColumn id="a" quantity="hhpop[1]/v"/>'
     '</OutputFile>', "population 'hhpop' has 1 cells, no cell 1"),
    ('<OutputFile id="f" fileName="v.dat"><OutputColumn id="a" quantity="hhpop/0/iaf/v"/>'
     '</OutputFile>', "population 'hhpop' holds 'hhcell' cells, not 'iaf'"),
    ('<OutputFile id="f" fileName="v.dat"><OutputColumn id="a" quantity="hhpop/0/hhcell/4/v"/>'
     '</OutputFile>', "cell 'hhcell' has no segment 4"),
    ('<EventOutputFile id="e" fileName="s" format="ID_TIME"><EventSelection id="0" '
     'select="hhpop[0]" eventPort="in"/></EventOutputFile>', "eventPort 'in'"),
])
def test_columns_naming_what_the_network_lacks_are_errors(tmp_path, body, message):
    """Found before jNeuroML is asked for mechanisms (it would fail on them in Java's words)."""
    with pytest.raises(FormatError, match=r"LEMS_hh.xml:\d+: <(OutputColumn|EventSelection) "
                                          r"id=\"\w\">: " + message):
        outputs_of(tmp_path, body)


@pytest.mark.java  # jNeuroML writes the cell's channels as mechanisms
def test_channel_quantities_are_recorded_from_the_generated_mechanisms(tmp_path):
    """A gate's q, a channel's iDensity and gDensity read the mechanism jNeuroML generates for
    the channel, scaled to SI as jNeuroML writes them (mA/cm2 -> A/m2, S/cm2 -> S/m2)."""
    props = "bioPhys1/membraneProperties"
    model = outputs_of(tmp_path, f"""
        <OutputFile id="f" fileName="g.dat">
            <OutputColumn id="m" quantity="hhpop[0]/{props}/naChans/naChan/m/q"/>
            <OutputColumn id="i" quantity="hhpop/0/hhcell/{props}/kChans/iDensity"/>
            <OutputColumn id="g" quantity="hhpop[0]/{props}/kChans/gDensity"/>
        </OutputFile>""")
    assert model.outputs.refused == ()
    (trace,) = model.outputs.traces
    assert [(c.gid, c.to_si) for c in trace.columns] == [(0, 1.0), (0, 10.0), (0, 1e4)]
    specs = [model.sim_config.recordTraces[c.trace] for c in trace.columns]
    assert [(s["mech"].split("_")[1], s["var"], s["sec"]) for s in specs] == [
        ("naChan", "m_q", "soma"), ("kChan", "i__kChan", "soma"), ("kChan", "gion", "soma")]
    assert all(s["conds"] == {"pop": "hhpop"} for s in specs)


@pytest.mark.java  # jNeuroML writes the cell's channels as mechanisms
def test_a_passive_channel_run_as_pas_gives_its_current_and_conductance_densities(tmp_path):
    """NEURON's pas: iDensity is -i_pas (NeuroML's channel currents are inward positive) in
    A/m2, gDensity g_pas in S/m2."""
    model = outputs_of(tmp_path, """
        <OutputFile id="f" fileName="g.dat">
            <OutputColumn id="i" quantity="hhpop[0]/bioPhys1/membraneProperties/leak/iDensity"/>
            <OutputColumn id="g" quantity="hhpop[0]/bioPhys1/membraneProperties/leak/gDensity"/>
        </OutputFile>""")
    (trace,) = model.outputs.traces
    assert [c.to_si for c in trace.columns] == [-10.0, 1e4]
    specs = [model.sim_config.recordTraces[c.trace] for c in trace.columns]
    assert [(s["mech"], s["var"]) for s in specs] == [("pas", "i"), ("pas", "g")]


@pytest.mark.java  # jNeuroML writes the cell's channels as mechanisms
@pytest.mark.parametrize("quantity, message", [
    ("hhpop[0]/bioPhys1/membraneProperties/leak/passiveChan/fopen",
     "channel 'passiveChan' runs as NEURON's pas, which has its current and conductance "
     "densities only"),
    ("hhpop[0]/spiking", "not one neuroloom records"),
])
def test_quantities_neuroloom_does_not_record_are_refused_naming_the_column(tmp_path, quantity,
                                                                           message):
    """The passive channel runs as NEURON's pas, which has no fopen: the file is refused,
    naming the column; the import goes on."""
    model = outputs_of(tmp_path, f"""
        <OutputFile id="f" fileName="g.dat"><OutputColumn id="x" quantity="{quantity}"/>
        </OutputFile>""")
    assert model.outputs.traces == ()
    (reason,) = model.outputs.refused
    assert '<OutputColumn id="x">' in reason and message in reason


@pytest.mark.parametrize("quantity, message", [
    ("hhpop[0]/bioPhys1/membraneProperties/naChanz/iDensity",
     "no channelDensity 'naChanz'; did you mean 'naChans'"),
    ("hhpop[0]/bioPhys2/membraneProperties/naChans/iDensity",
     "no biophysicalProperties 'bioPhys2'; did you mean 'bioPhys1'"),
    ("hhpop[0]/bioPhys1/membraneProperties/naChans/naChan/mm/q",
     "channel 'naChan' has no gate 'mm'; did you mean 'm'"),
    ("hhpop[0]/synapses:nmda:0/g", "no synapse 'nmda' is defined"),
])
def test_channel_quantities_naming_what_the_cell_lacks_are_errors(tmp_path, quantity, message):
    """Found before jNeuroML is asked for mechanisms (it fails on them in raw Java text)."""
    with pytest.raises(FormatError, match=message):
        outputs_of(tmp_path, f"""
            <OutputFile id="f" fileName="g.dat"><OutputColumn id="x" quantity="{quantity}"/>
            </OutputFile>""")
