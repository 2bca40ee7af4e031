"""SONATA extracellular reports (engine/ecp.py): BMTK's line-source formula without a
minimum distance, define_shape()'s points for the axon stubs, the extracellular mechanism
BMTK inserts when a run has an ecp report, and the spike file and ecp report a SONATA run
saves through Session.save_data (5_cells_iclamp's reports against BMTK 1.2.0's:
tests/engine/test_sonata_outputs.py)."""
import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from helpers import run_imported_sonata
from neuroloom.engine.bmtk_cells import connection_order, segment_points
from neuroloom.engine.ecp import transfer_resistance
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
    """A soma with 3D points, dendrites at its middle, and two stubs attached last, as
    BMTK's fix_axon_peri makes them, before NEURON's define_shape()."""
    h = neuron_h()
    assert not any(True for _ in h.allsec())
    secs = {"soma_0": h.Section(name="soma_0")}
    for x, y, z in ((-3.0, 1.0, 2.0), (0.5, 1.25, 2.0), (4.0, 1.5, 2.0)):
        h.pt3dadd(x, y, z, 8.0, sec=secs["soma_0"])
    for i in range(3):
        dend = secs[f"dend_{i}"] = h.Section(name=f"dend_{i}")
        h.pt3dadd(0.5, 1.25, 2.0, 2.0, sec=dend)
        h.pt3dadd(0.5 + 10 * i, 30.0, 2.0, 2.0, sec=dend)
        dend.connect(secs["soma_0"](0.5), 0)
    for i in range(2):
        stub = secs[f"axon_{i}"] = h.Section(name=f"axon_{i}")
        stub.L, stub.diam = 30.0, 1.0
    secs["axon_0"].connect(secs["soma_0"](0.5), 0)
    secs["axon_1"].connect(secs["axon_0"](1), 0)
    yield secs
    secs.clear()


def test_stub_points_are_define_shapes(shaped_by_neuron):
    secs = shaped_by_neuron
    names = list(secs)
    angles, position = (0.3, -1.1, 0.7), (100.0, -20.0, 5.0)
    ours = segment_points(secs, names, angles, position, stubs=("axon_0", "axon_1"))
    neuron_h().define_shape()  # global: only this test's sections are in NEURON
    assert all(int(secs[name].n3d()) == 3 for name in ("axon_0", "axon_1"))
    theirs = segment_points(secs, names, angles, position)
    # the points define_shape() computes in single precision, to the last bit
    for a, b in ((ours.p0, theirs.p0), (ours.p05, theirs.p05), (ours.p1, theirs.p1)):
        assert a.shape == b.shape == (3, 6)
        np.testing.assert_array_equal(a, b)


def test_sonata_session_writes_simulated_spikes_in_config_order(tmp_path):
    folder = tmp_path / "300_intfire"
    shutil.copytree(CORPUS / "300_intfire", folder, ignore=shutil.ignore_patterns("output"))
    (tmp_path / "shared_components").symlink_to(CORPUS / "shared_components")
    sim_path = folder / "simulation_config.json"
    config = json.loads(sim_path.read_text())
    config["output"]["spikes_sort_order"] = "id"
    sim_path.write_text(json.dumps(config))
    model = sonata_importer.load(folder / "config.json")
    paths = run_imported_sonata(model)
    spikes = folder / "output" / "spikes.h5"
    assert paths[0] == spikes
    with h5py.File(spikes) as f:
        assert list(f["spikes"]) == ["v1"]  # not the virtual lgn/tw inputs
        ids = f["spikes/v1/node_ids"][()]
        assert f["spikes/v1/node_ids"].attrs["sorting"] == "by_id"
    assert len(ids) == 4322 and np.all(np.diff(ids.astype(np.int64)) >= 0)


# -- 5_cells_iclamp: the extracellular mechanism, and the reports against BMTK 1.2.0's ---------
def five_cells(base: Path, *, tstop=None, ecp_cells=None, ecp=True) -> Path:
    """A copy of 5_cells_iclamp as shipped (outputs aside), with shared_components beside
    it; optionally a shorter run, the ecp report on other cells, or no ecp report."""
    folder = base / "5_cells_iclamp"
    shutil.copytree(CORPUS / "5_cells_iclamp", folder, ignore=shutil.ignore_patterns("output"))
    shutil.copytree(CORPUS / "shared_components", base / "shared_components")
    sim_path = folder / "simulation_config.json"
    config = json.loads(sim_path.read_text())
    if tstop is not None:
        config["run"]["tstop"] = tstop
    if not ecp:
        del config["reports"]["ecp"]
    if ecp_cells is not None:
        sets_path = folder / "node_sets.json"
        sets = json.loads(sets_path.read_text())
        sets["chosen"] = {"node_id": ecp_cells}
        sets_path.write_text(json.dumps(sets))
        config["reports"]["ecp"]["cells"] = "chosen"
    sim_path.write_text(json.dumps(config))
    return folder


def neuroloom_session(folder: Path) -> Session:
    model = sonata_importer.load(folder / "config.json")
    session = Session(NetParams(), model.sim_config, network=model.network, sonata=model,
                      echo=None)
    state.replace(session)
    return session


def extracellular_sections(session) -> dict:
    """gid -> (sections with the extracellular mechanism, sections)."""
    return {gid: (sum(1 for sec in cell.secs.values() if sec.has_membrane("extracellular")),
                  len(cell.secs)) for gid, cell in session.model.cells.items()}


def children_orders(cell) -> tuple[dict, dict, dict]:
    """Each section's children, by name: as NEURON lists them (last connected first), in
    BMTK's connection order reversed, and in hobj.all's order reversed."""
    names = {sec: name for name, sec in cell.secs.items()}

    def parent(name):
        seg = cell.secs[name].parentseg()
        return None if seg is None else names[seg.sec]

    def by_parent(order):
        out = {}
        for name in reversed(order):
            out.setdefault(parent(name), []).append(name)
        out.pop(None)
        return out

    listed = {name: [names[c] for c in sec.children()] for name, sec in cell.secs.items()}
    return ({k: v for k, v in listed.items() if v},
            by_parent(list(connection_order(cell.cell_type.template))),
            by_parent(list(cell.secs)))


@pytest.mark.slow
def test_extracellular_is_in_every_biophysical_cell_only_with_an_ecp_report(tmp_path):
    """BMTK (BioSimulator.from_config) inserts NEURON's extracellular mechanism in every
    section of every biophysical cell when the run has an ecp report, whichever cells the
    report covers (it changes the numerics: 5_cells_iclamp's soma v differs from BMTK's by
    2.5e-4 mV without it); only the report's cells count in the report."""
    one = neuroloom_session(five_cells(tmp_path / "one", tstop=1.0, ecp_cells=[2]))
    try:
        one.create()
        counts = extracellular_sections(one)
        assert sorted(counts) == [0, 1, 2, 3, 4]
        assert all(n == total > 30 for n, total in counts.values())
        assert len(one.model.ecp.cells) == 1  # the report's one cell
        # connected in BMTK's order (its last bits), which is not hobj.all's
        orders = [children_orders(cell) for cell in one.model.cells.values()]
        assert all(listed == bmtk for listed, bmtk, _ in orders)
        assert sum(bmtk != all_order for _, bmtk, all_order in orders) == 3  # of 5
        one.run_sim()
    finally:
        one.clear()
    # NEURON 9 would still solve with extracellular's sparse matrix, and crash, in a
    # model without sections after it
    intfire = tmp_path / "300_intfire"
    shutil.copytree(CORPUS / "300_intfire", intfire, ignore=shutil.ignore_patterns("output"))
    sim_path = intfire / "simulation_config.json"
    config = json.loads(sim_path.read_text())
    config["run"]["tstop"] = 50.0
    sim_path.write_text(json.dumps(config))
    (tmp_path / "shared_components").symlink_to(CORPUS / "shared_components")
    points = neuroloom_session(intfire)
    try:
        points.create()
        assert not any(cell.secs for cell in points.model.cells.values())
        points.run_sim()
    finally:
        points.clear()
    none = neuroloom_session(five_cells(tmp_path / "none", ecp=False))
    try:
        none.create()
        counts = extracellular_sections(none)
        assert len(counts) == 5 and all(n == 0 for n, _ in counts.values())
        assert none.model.ecp is None
    finally:
        none.clear()
