"""BMTK's run-time synapse placement without NEURON (sonata/bmtk_placement.py): the
segments of a small hand-made morphology, the candidates and their weights, and the
errors. tests/engine/test_sonata_random_placement.py compares the same numbers with BMTK's
on Allen morphologies."""
import numpy as np
import pytest

from neuroloom.errors import FormatError
from neuroloom.sonata import bmtk_placement
from neuroloom.sonata.bmtk_cells import BmtkCell
from neuroloom.sonata.bmtk_placement import (
    cell_segments,
    distance_range,
    target_sections,
)

# soma of radius 5 at the origin; an apical 60 um along -y; a 100 um dendrite along y that
# branches at its end (40 and 30 um) and, off its first point, an 8 um branch that Import3d
# hangs on the dendrite's proximal end
SWC = """\
1 1 0 0 0 5 -1
2 4 0 -10 0 1 1
3 4 0 -70 0 1 2
4 3 0 10 0 1 1
5 3 0 60 0 1 4
6 3 0 110 0 1 5
7 3 40 110 0 1 6
8 3 -30 110 0 1 6
9 3 8 10 0 1 4
"""


def cell(tmp_path, text=SWC, dl=40.0):
    path = tmp_path / "cell.swc"
    path.write_text(text)
    return BmtkCell(morphology=path, model_template="ctdb:Biophys1.hoc",
                    model_processing=None, fit=None, templates_dir=None, dL=dl)


def test_segments_of_a_small_morphology(tmp_path):
    segments = cell_segments(cell(tmp_path))
    # all: soma_0, dend_0 (100 um, nseg 3 with dL 40), dend_1 (40), dend_2 (30), dend_3 (8),
    # apic_0 (60)
    assert segments.section.tolist() == [0, 1, 1, 1, 2, 3, 4, 5]
    assert segments.swc_type.tolist() == [1, 3, 3, 3, 3, 3, 3, 4]
    assert segments.x.tolist() == [0.5, 1 / 6, 0.5, 5 / 6, 0.5, 0.5, 0.5, 0.5]
    assert np.allclose(segments.length, [10, 100 / 3, 100 / 3, 100 / 3, 40, 30, 8, 60])
    # from soma(0): the soma's centre at 5; branches of the soma on soma(0.5); dend_3 on
    # dend_0(0)
    assert np.allclose(segments.dist, [5, 5 + 100 / 6, 55, 5 + 500 / 6, 125, 120, 9, 35])


def test_candidates_are_weighted_by_their_length_inside_the_range(tmp_path):
    segments = cell_segments(cell(tmp_path))
    chosen, weight = segments.candidates((1, 3), (0.0, 1e20))
    assert chosen.tolist() == [0, 1, 2, 3, 4, 5, 6]
    # every segment wholly inside the range: weighted by its length
    lengths = np.array([10, 100 / 3, 100 / 3, 100 / 3, 40, 30, 8])
    assert np.allclose(weight, lengths / lengths.sum())
    chosen, weight = segments.candidates((3,), (30.0, 60.0))
    # dend_0's first segment is 5..38.3 um (8.3 inside), its second 38.3..71.7 (21.7)
    assert chosen.tolist() == [1, 2]
    assert np.allclose(weight, np.array([5 + 100 / 3 - 30, 60 - 5 - 100 / 3]) / 30)
    assert len(segments.candidates((4,), (100.0, 200.0))[0]) == 0


def test_the_replaced_axon_is_two_stubs_last(tmp_path):
    text = SWC + "10 2 0 0 -10 1 1\n11 2 0 0 -50 1 10\n"
    segments = cell_segments(cell(tmp_path, text))
    assert segments.swc_type.tolist()[1] == 2  # kept: axon_0 comes second
    # replaced (aibs_perisomatic with a fit, nml: templates): 30 um stubs on soma(0.5)
    stubbed = bmtk_placement._segments(str(tmp_path / "cell.swc"), 0, 0, 40.0, True)
    assert 2 not in stubbed.swc_type.tolist()[:-2]
    assert stubbed.swc_type.tolist()[-2:] == [2, 2]
    assert np.allclose(stubbed.dist[-2:], [5 + 15, 5 + 30 + 15])


@pytest.mark.parametrize("value, codes", [("['somatic', 'basal']", (1, 3)),
                                          (["apical"], (4,)), ("['axon', 'dend']", (2, 3))])
def test_target_sections(value, codes):
    assert target_sections(value, "types.csv") == codes


@pytest.mark.parametrize("value", ["somatic", "[]", "['basl']", 3])
def test_target_sections_that_are_not_a_list_of_section_types(value):
    with pytest.raises(FormatError, match="types.csv target_sections"):
        target_sections(value, "types.csv")


def test_a_misspelt_section_type_names_the_closest():
    with pytest.raises(FormatError, match="'apikal'.*apical"):
        target_sections("['apikal']", "types.csv")


@pytest.mark.parametrize("value, expected", [("[0.0, 50.0]", (0.0, 50.0)),
                                             ("150", (0.0, 150.0)), (75.0, (0.0, 75.0)),
                                             ("[30, 1e+20]", (30.0, 1e20))])
def test_distance_range(value, expected):
    assert distance_range(value, "types.csv") == expected


@pytest.mark.parametrize("value", ["far", "[1, 2, 3]", None])
def test_a_distance_range_that_is_not_one(value):
    with pytest.raises(FormatError, match="types.csv distance_range"):
        distance_range(value, "types.csv")


def test_a_soma_of_several_points_is_refused_naming_the_file(tmp_path):
    text = "1 1 0 0 0 5 -1\n2 1 0 5 0 5 1\n3 3 0 10 0 1 2\n4 3 0 60 0 1 3\n"
    with pytest.raises(FormatError, match=r"cell.swc.*soma is one point.*has 2 soma points"):
        cell_segments(cell(tmp_path, text))
