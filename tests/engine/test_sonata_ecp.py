"""SONATA extracellular reports (engine/ecp.py): BMTK's line-source formula without a
minimum distance, define_shape()'s points for sections without 3D points, and the
spike file and ecp report a SONATA run saves through Session.save_data."""
import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from neuroloom.engine.ecp import laid_out_points, transfer_resistance
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.importers import sonata as sonata_importer
from neuroloom.sim import state
from neuroloom.sim.session import Session
from neuroloom.specs import NetParams

CORPUS = Path("/work/shared/sonata-examples")


def point_sources(p0, p1, electrode, sigma, n=200_000):
    """The potential of a unit current spread along p0 -> p1 as n point sources."""
    x = (np.arange(n) + 0.5) / n
    points = p0[None, :] + x[:, None] * (p1 - p0)[None, :]
    return np.sum(1.0 / np.linalg.norm(points - electrode, axis=1)) / n / (4 * np.pi * sigma)


@pytest.mark.parametrize("electrode", [(30.0, 40.0, 5.0), (0.0, 0.2, 3.0), (-50.0, 0.0, 0.0),
                                       (3.0, 0.1, -0.1)])
def test_transfer_resistance_is_the_line_source(electrode):
    p0, p1 = np.array([0.0, 0.0, 0.0]), np.array([6.0, 0.0, 0.0])
    electrode = np.array(electrode)
    got = transfer_resistance(p0.reshape(3, 1), p1.reshape(3, 1), electrode[None, :], 0.3)
    assert got.shape == (1, 1)
    # no minimum distance: 0.14 um from the axis of a segment of any radius counts as it is
    np.testing.assert_allclose(got[0, 0], point_sources(p0, p1, electrode, 0.3), rtol=1e-6)


def test_transfer_resistance_units_and_layout():
    # far away a segment is a point source: I / (4 pi sigma r), nA / (S/m um) = mV
    p0 = np.array([[0.0, 10.0], [0.0, 0.0], [0.0, 0.0]])
    p1 = np.array([[1e-3, 10.0], [0.0, 1e-3], [0.0, 0.0]])
    electrodes = np.array([[0.0, 1000.0, 0.0], [0.0, 0.0, 2000.0], [5.0, 5.0, 5.0]])
    got = transfer_resistance(p0, p1, electrodes, 0.3)
    assert got.shape == (3, 2)
    np.testing.assert_allclose(got[0, 0], 1 / (4 * np.pi * 0.3 * 1000.0), rtol=1e-6)
    np.testing.assert_allclose(got[1, 1], 1 / (4 * np.pi * 0.3 * np.hypot(10, 2000)),
                               rtol=1e-6)


@pytest.fixture
def shaped_by_neuron():
    """NEURON's define_shape() on a soma with 3D points, dendrites at its middle, and two
    stubs attached last, as BMTK's fix_axon_peri makes them."""
    h = neuron_h()
    assert not any(True for _ in h.allsec())
    soma = h.Section(name="soma")
    for x, y, z in ((-3.0, 1.0, 2.0), (0.5, 1.25, 2.0), (4.0, 1.5, 2.0)):
        h.pt3dadd(x, y, z, 8.0, sec=soma)
    dends = [h.Section(name=f"dend{i}") for i in range(3)]
    for i, dend in enumerate(dends):
        h.pt3dadd(0.5, 1.25, 2.0, 2.0, sec=dend)
        h.pt3dadd(0.5 + 10 * i, 30.0, 2.0, 2.0, sec=dend)
        dend.connect(soma(0.5), 0)
    stubs = [h.Section(name=f"axon{i}") for i in range(2)]
    for stub in stubs:
        stub.L, stub.diam = 30.0, 1.0
    stubs[0].connect(soma(0.5), 0)
    stubs[1].connect(stubs[0](1), 0)
    soma_points = np.array([[soma.x3d(i), soma.y3d(i), soma.z3d(i)] for i in range(3)])
    h.define_shape()
    yield soma_points, stubs
    del soma, dends, stubs


def test_stub_points_are_define_shapes(shaped_by_neuron):
    soma_points, stubs = shaped_by_neuron
    expected = []
    for stub in stubs:
        n = int(stub.n3d())
        expected.append((np.array([[stub.x3d(i), stub.y3d(i), stub.z3d(i)] for i in range(n)]),
                         np.array([stub.arc3d(i) for i in range(n)])))
    first, arc0 = laid_out_points(soma_points, 0.5, True, 30.0, index=0, count=4)
    second, arc1 = laid_out_points(first, 1.0, True, 30.0)
    for (points, arcs), (want, want_arcs) in zip(((first, arc0), (second, arc1)), expected):
        assert points.shape == want.shape == (3, 3)
        # NEURON's single-precision trigonometry may differ from ours in the last bit
        np.testing.assert_allclose(points, want, rtol=0, atol=1e-5)
        np.testing.assert_allclose(arcs, want_arcs, rtol=0, atol=1e-5)
        assert arcs[-1] == want_arcs[-1] == 30.0


def test_sonata_session_writes_simulated_spikes_in_config_order(tmp_path):
    folder = tmp_path / "300_intfire"
    shutil.copytree(CORPUS / "300_intfire", folder, ignore=shutil.ignore_patterns("output"))
    (tmp_path / "shared_components").symlink_to(CORPUS / "shared_components")
    sim_path = folder / "simulation_config.json"
    config = json.loads(sim_path.read_text())
    config["output"]["spikes_sort_order"] = "id"
    sim_path.write_text(json.dumps(config))
    model = sonata_importer.load(folder / "config.json")
    session = Session(NetParams(), model.sim_config, network=model.network, sonata=model,
                      echo=None)
    state.replace(session)
    try:
        session.create()
        session.run_sim()
        session.gather_data()
        paths = session.save_data()
    finally:
        session.clear()
    spikes = folder / "output" / "spikes.h5"
    assert paths[0] == spikes
    with h5py.File(spikes) as f:
        assert list(f["spikes"]) == ["v1"]  # not the virtual lgn/tw inputs
        ids = f["spikes/v1/node_ids"][()]
        assert f["spikes/v1/node_ids"].attrs["sorting"] == "by_id"
    assert len(ids) == 4322 and np.all(np.diff(ids.astype(np.int64)) >= 0)
