"""Cells of the NeuroML2 specification's LEMS examples as jNeuroML reads them (issue 18):
the component forms the corpus uses, read from the corpus files themselves."""
from helpers import shared
from neuroloom.neuroml.reader import read

LEMS = shared("neuroml-examples", "LEMSexamples")


def test_a_cell_element_with_a_type_is_a_component_of_that_type():
    """Ex4_KS's <cell id="hhcell_1" type="pointCellCondBased">: jLEMS and jNeuroML read it as
    a pointCellCondBased (a point-process cell of jNeuroML's code, with channelPopulations),
    not as a morphological cell."""
    doc = read(LEMS / "LEMS_NML2_Ex4_KS.xml")
    cell = doc.components["hhcell_1"]
    assert cell.type == "pointCellCondBased"
    assert "type" not in cell.element.attrib
    assert cell.element.get("C") == "1pF" and cell.element.get("thresh") == "-20mV"
    assert [c.get("id") for c in cell.element] == ["na_chans", "k_chans"]


def test_a_plain_cell_stays_a_morphological_cell():
    doc = read(shared("neuroml-examples", "examples", "NML2_SingleCompHHCell.nml"))
    assert doc.components["hhcell"].type == "cell"


def test_examples_including_another_network_build_only_their_target():
    """Ex6, Ex7 and Ex23 include NML2_SingleCompHHCell.nml, whose net1 uses channels
    (naChan...) jNeuroML generates no code for when it runs the example: only the
    Simulation's target network is built (its populations, no hhpop defined twice)."""
    for name, target, pops in (("Ex6_NMDA", "net2", ["srcPop", "pasPop1", "pasPop2"]),
                               ("Ex7_STP", "net2", None),
                               ("Ex23_Spiketimes", "netSpikes",
                                ["iafPop", "pynnPop", "hhpop"])):
        doc = read(LEMS / f"LEMS_NML2_{name}.xml")
        assert set(doc.networks) == {"net1", target}, name  # net1: the included file's
        assert doc.network_id == target, name
        ids = [p.id for p in doc.populations]
        assert len(ids) == len(set(ids)), name
        assert all(p.component != "hhcell" or name == "Ex23_Spiketimes"
                   for p in doc.populations), name
        if pops is not None:
            assert ids == pops, name
