"""A NeuroML2 document without a <network> (cells, channels, synapses only: 7 of the
corpus's 17 documents) builds nothing: the import says so instead of passing an empty model
off as the document's; and a cell of such a document that cannot run in a network of its own
(NML2_FullCell: a channelPopulation) is refused naming the element (issue 18;
bench/neuroml_documents.py)."""
import warnings

import pytest

from helpers import shared
from neuroloom.errors import FormatError
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


def test_a_cell_with_a_channel_population_is_refused_naming_it(tmp_path):
    """NML2_FullCell's SpikingCell (channelPopulation naChansDend) in a network: refused
    before jNeuroML is asked, which refuses the whole file in raw Java text."""
    for name in ("NML2_FullCell.nml", "NML2_SimpleIonChannel.nml"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    path = tmp_path / "one_cell.nml"
    path.write_text('<neuroml xmlns="http://www.neuroml.org/schema/neuroml2" id="w">\n'
                    '  <include href="NML2_FullCell.nml"/>\n  <network id="net">\n'
                    '    <population id="pop" component="SpikingCell" size="1"/>\n'
                    '  </network>\n</neuroml>\n')
    with pytest.raises(FormatError, match=r"NML2_FullCell\.nml:\d+: <cell id=\"SpikingCell\">: "
                                          r"channelPopulation 'naChansDend': a cell with "
                                          r"channel populations cannot run"):
        neuroml.load(path)
