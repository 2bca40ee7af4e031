"""plotTraces when its include selects no cell (e.g. populations the network does not
have, as NetPyNE's intervalSaveWeights example asks): NetPyNE draws nothing and saves an
empty figure; neuroloom returns one empty figure (it used to raise IndexError)."""
import numpy as np
import pytest

from neuroloom import plotting, specs
from neuroloom.builder import network_from_specs


@pytest.fixture(scope="module")
def network():
    net = specs.NetParams()
    net.cellParams['C'] = {'secs': {'soma': {'geom': {'diam': 18, 'L': 18}}}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 2}
    return network_from_specs(net)


@pytest.mark.parametrize("one_fig_per", ["cell", "trace"])
@pytest.mark.parametrize("overlay", [False, True])
def test_no_cells_give_one_empty_figure(network, one_fig_per, overlay):
    t = np.arange(0, 10, 0.1)
    traces = {'V_soma': {0: np.zeros(len(t)), 1: np.ones(len(t))}}
    figure, data = plotting.plot_traces(t, traces, network, [], time_range=(0, 10),
                                        one_fig_per=one_fig_per, overlay=overlay)
    assert not isinstance(figure, list)
    assert len(figure.axes) == 1 and not figure.axes[0].lines
    assert data["tracesData"] == {} and len(data["t"]) == len(t)
    assert plotting.trace_figure_keys(traces, [], one_fig_per) == []
