"""A NeuroML2 document without a <network> (cells, channels, synapses only: 7 of the
corpus's 17 documents) builds nothing: the import says so instead of passing an empty model
off as the document's (issue 18; bench/neuroml_documents.py)."""
import warnings

import pytest

from helpers import shared
from neuroloom.importers import neuroml

EXAMPLES = shared("neuroml-examples", "examples")


@pytest.mark.parametrize("name, components", [("NML2_SimpleIonChannel.nml", 1),
                                              ("NML2_AbstractCells.nml", 10)])
def test_a_document_without_a_network_warns_and_builds_nothing(name, components):
    with pytest.warns(UserWarning, match="holds no <network>: nothing to build") as caught:
        model = neuroml.load(EXAMPLES / name)
    assert len(model.network.cells) == 0
    message = str(caught[0].message)
    assert name in message and f"its {components} components" in message


def test_a_document_with_a_network_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = neuroml.load(EXAMPLES / "NML2_SegmentConnections.nml")
    assert len(model.network.cells) == 2
