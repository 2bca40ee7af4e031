"""Connectivity matrices (analysis) and their plot."""
import numpy as np
import pytest

from helpers import tutorial_specs
from neuroloom.analysis.connectivity import conn_matrix
from neuroloom.builder import network_from_specs
from neuroloom.plotting import plot_conn


@pytest.fixture(scope="module")
def tut2():
    return network_from_specs(*tutorial_specs("tut2"))


def test_population_features(tut2):
    gids = np.arange(40)
    n = len(tut2.conns)
    expect = {"numConns": n, "probability": n / 400, "convergence": n / 20,
              "divergence": n / 20, "weight": 0.01, "delay": 5.0,
              "strength": 0.01 * n / 400}
    for feature, value in expect.items():
        matrix, pre, post = conn_matrix(tut2, gids, gids, feature=feature)
        assert pre == post == ["S", "M"]
        assert matrix[0, 1] == pytest.approx(value), feature
        assert matrix[1, 0] == matrix[0, 0] == matrix[1, 1] == 0


def test_cell_matrix_ordered_by_a_tag(tut2):
    matrix, pre, post = conn_matrix(tut2, np.arange(20), np.arange(20, 40), feature="numConns",
                                    group_by="cell", order_by="y")
    y = tut2.cells.y
    assert [y[g] for g in pre] == sorted(y[:20])
    c = tut2.conns
    i, j = pre.index(int(c.pre_gid[0])), post.index(int(c.post_gid[0]))
    assert matrix[i, j] == 1 and matrix.sum() == len(c)


def test_plot_returns_figure_and_data(tut2):
    fig, data = plot_conn(tut2, np.arange(40), np.arange(40), feature="probability")
    assert data["connMatrix"].shape == (2, 2) and data["includePre"] == ["S", "M"]
    assert fig.axes[0].get_title() == "Connection probability"
