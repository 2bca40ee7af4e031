"""The components a kept definition names (neuroml/kept_references.py): what an export needs
to write a pointCellCondBased again."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from neuroloom.neuroml.kept_references import (
    keep_references,
    kept_references,
    referenced,
)

CELL = """<pointCellCondBased id="cell" C="10pF" v0="-65mV" thresh="20mV">
    <channelPopulation id="leak" ionChannel="passive" number="300" erev="-54.3mV"/>
    <channelPopulation id="naChans" ionChannel="na" number="120000" erev="50mV"/>
</pointCellCondBased>"""


def _components():
    return {c.get("id"): c for c in (
        ET.fromstring('<ionChannelPassive id="passive" conductance="10pS"/>'),
        ET.fromstring('<ionChannelHH id="na" conductance="10pS"><gateHHrates id="m" '
                      'instances="3"/></ionChannelHH>'),
        ET.fromstring('<ionChannelHH id="unused" conductance="10pS"/>'),
        ET.fromstring('<ionChannelHH id="leak" conductance="10pS"/>'),  # a child's id only
    )}


def test_the_channels_a_cell_names_and_nothing_else():
    found = referenced(ET.fromstring(CELL), _components())
    assert [c.get("id") for c in found] == ["passive", "na"]


def test_references_of_references_are_followed():
    components = _components()
    components["na"].set("extra", "unused")  # na names another component
    found = referenced(ET.fromstring(CELL), components)
    assert [c.get("id") for c in found] == ["passive", "na", "unused"]


def test_kept_beside_the_definition_and_read_back(tmp_path):
    keep_references(tmp_path, "nml_cell_0", ET.fromstring(CELL), _components())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nml_cell_0.ref.na.nml",
                                                          "nml_cell_0.ref.passive.nml"]
    texts = kept_references([tmp_path], "nml_cell_0")
    assert len(texts) == 2 and '<ionChannelHH id="na"' in texts[0]
    assert kept_references([tmp_path], "nml_other") == []
