"""LFP and current dipoles (simConfig.recordLFP, recordDipole, saveLFPCells, ...): the
engine's signals against LFPykit applied by hand to the recorded membrane currents,
against the physics written out here (point sources in SI units), summed over cells and
populations, saved and loaded, and the same on 2 MPI ranks and on CoreNEURON."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lfpykit import CellGeometry, CurrentDipoleMoment, LineSourcePotential

from helpers import EXAMPLES, tutorial_specs
from neuroloom import specs
from neuroloom.results.save import load_payload
from neuroloom.results.simdata import saved_sim_data

POSITION = (20.0, 500.0, -10.0)  # the cell's x, y (depth), z in um
SYNAPSE_LOC = 0.9
DEND_NSEG = 7
# the dendrite bends: segment ends fall between its 3D points
DEND_PT3D = [[0, 10, 0, 3], [10, 100, 5, 2.5], [0, 250, 0, 2]]


def passive_cell(electrodes, **options):
    """One passive cell (a soma without 3D points, a bent dendrite with them) and one
    synaptic input onto the dendrite at 5 ms; every segment's membrane current traced."""
    net = specs.NetParams()
    passive = {'pas': {'g': 1e-4, 'e': -65}}
    net.cellParams['P'] = {'secs': {
        'soma': {'geom': {'diam': 20, 'L': 20, 'Ra': 100}, 'mechs': passive},
        'dend': {'geom': {'pt3d': DEND_PT3D, 'nseg': DEND_NSEG, 'Ra': 100},
                 'topol': {'parentSec': 'soma', 'parentX': 1, 'childX': 0},
                 'mechs': passive}}}
    x, y, z = POSITION
    net.popParams['P'] = {'cellType': 'P', 'cellsList': [{'x': x, 'y': y, 'z': z}]}
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.5, 'tau2': 3, 'e': 0}
    net.stimSourceParams['one'] = {'type': 'NetStim', 'interval': 10, 'number': 1,
                                   'start': 5, 'noise': 0}
    net.stimTargetParams['one->P'] = {'source': 'one', 'conds': {'pop': 'P'},
                                      'sec': 'dend', 'loc': SYNAPSE_LOC, 'weight': 0.01,
                                      'delay': 1, 'synMech': 'exc'}
    cfg = specs.SimConfig()
    cfg.duration, cfg.dt, cfg.recordStep = 40, 0.025, 0.05
    cfg.recordCells = ['all']
    cfg.recordTraces = {'i_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'i_membrane_'}}
    for k in range(DEND_NSEG):
        cfg.recordTraces[f'i_dend{k}'] = {'sec': 'dend', 'loc': (k + 0.5) / DEND_NSEG,
                                          'var': 'i_membrane_'}
    cfg.recordLFP = electrodes
    cfg.saveJson = cfg.saveSpikesSonata = False
    for key, value in options.items():
        setattr(cfg, key, value)
    return net, cfg


def currents(sim_data):
    """segments x samples (nA), in the engine's order: soma, then the dendrite."""
    labels = ['i_soma'] + [f'i_dend{k}' for k in range(DEND_NSEG)]
    return np.vstack([sim_data[label]['cell_0'] for label in labels])


def geometry(session):
    """Segment start and end points (um, NEURON's frame: y = -depth), computed here from
    NEURON's own 3D points; the soma (no 3D points) lies along +x from the cell."""
    x, y, z = POSITION
    soma = [[x, -y, z], [x + 20.0, -y, z]]
    dend = session.model.cells[0].secs['dend']
    n = int(dend.n3d())
    arc = np.array([dend.arc3d(i) for i in range(n)])
    points = np.array([[dend.x3d(i), dend.y3d(i), dend.z3d(i)] for i in range(n)])
    at = np.linspace(0, arc[-1], DEND_NSEG + 1)
    ends = np.column_stack([np.interp(at, arc, points[:, k]) for k in range(3)])
    start = np.vstack([soma[0], ends[:-1]])
    end = np.vstack([soma[1], ends[1:]])
    diam = np.array([20.0] + [seg.diam for seg in dend])
    return start, end, diam


def lfpykit_cell(start, end, diam):
    return CellGeometry(x=np.column_stack([start[:, 0], end[:, 0]]),
                        y=np.column_stack([start[:, 1], end[:, 1]]),
                        z=np.column_stack([start[:, 2], end[:, 2]]), d=diam)


def synapse_point(session):
    """Where the synapse is, in NEURON's frame."""
    start, end, _ = geometry(session)
    k = 1 + int(SYNAPSE_LOC * DEND_NSEG)
    frac = SYNAPSE_LOC * DEND_NSEG - int(SYNAPSE_LOC * DEND_NSEG)
    return start[k] + frac * (end[k] - start[k])


def depth_frame(point):
    """NEURON's frame -> simConfig's (y is depth)."""
    return [float(point[0]), float(-point[1]), float(point[2])]


def point_sources(start, end, I, electrode, sigma=0.3, pieces=1):
    """The potential (mV) of each segment's current as ``pieces`` equal point sources
    along it, in SI units: phi = I / (4 pi sigma r)."""
    phi = 0.0
    for a, b, current in zip(start, end, I):
        for f in (np.arange(pieces) + 0.5) / pieces:
            r = np.linalg.norm(np.asarray(electrode) - (a + f * (b - a))) * 1e-6  # m
            phi = phi + (current * 1e-9 / pieces) / (4 * math.pi * sigma * r)  # V
    return phi * 1e3


def test_lfp_is_lfpykit_on_the_recorded_currents(run_session):
    """Electrodes near the dendrite (as simConfig gives them: y is depth): the engine's
    LFP equals LFPykit's line-source model applied here to the same currents and
    geometry; the dipole equals LFPykit's CurrentDipoleMoment."""
    near = [[40, 420, -10], [0, 300, 20], [60, 480, 30], [20, 560, -10], [-30, 350, 0]]
    session = run_session(*passive_cell(near, recordDipole=True))
    data = session.sim_data
    I = currents(data)
    assert data['LFP'].shape == (len(data['t']), len(near)) == (801, 5)
    assert data['LFP'].dtype == np.float64 and data['dipoleSum'].shape == (801, 3)
    start, end, diam = geometry(session)
    electrodes = np.array(near, dtype=float) * [1, -1, 1]
    cell = lfpykit_cell(start, end, diam)
    expected = (LineSourcePotential(cell, x=electrodes[:, 0], y=electrodes[:, 1],
                                    z=electrodes[:, 2], sigma=0.3
                                    ).get_transformation_matrix() @ I).T
    assert np.abs(expected).max() > 1e-4  # mV: the input is felt
    assert np.abs(data['LFP'] - expected).max() <= 1e-6 * np.abs(expected).max()
    dipole = (CurrentDipoleMoment(cell).get_transformation_matrix() @ I).T
    assert np.abs(data['dipoleSum'] - dipole).max() <= 1e-6 * np.abs(dipole).max()
    # and the physics, without LFPykit: each segment as 200 point sources, SI units
    for j, electrode in enumerate(electrodes):
        own = point_sources(start, end, I, electrode, pieces=200)
        assert np.abs(data['LFP'][:, j] - own).max() <= 1e-4 * np.abs(own).max()


def test_far_away_the_cell_is_point_sources(run_session):
    """5 mm away each segment is a point source I / (4 pi sigma r) (mV with nA, um,
    S/m); the conductivity divides the LFP and leaves the dipole as it is."""
    x, y, z = POSITION
    far = [[x + 5000, y, z], [x, y - 5000, z], [x, y, z + 5000], [x - 3000, y + 4000, z]]
    session = run_session(*passive_cell(far, recordDipole=True))
    lfp, dipole = session.sim_data['LFP'], session.sim_data['dipoleSum']
    start, end, _ = geometry(session)
    I = currents(session.sim_data)
    for j, electrode in enumerate(np.array(far, dtype=float) * [1, -1, 1]):
        own = point_sources(start, end, I, electrode)
        assert np.abs(own).max() > 0
        assert np.abs(lfp[:, j] - own).max() <= 1e-3 * np.abs(own).max()
    doubled = run_session(*passive_cell(far, recordDipole=True, lfpSigma=0.6))
    np.testing.assert_allclose(doubled.sim_data['LFP'], lfp / 2, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(doubled.sim_data['dipoleSum'], dipole)


def test_sign_and_fall_off_near_the_synapse(run_session):
    """Beside an inward synaptic current the potential goes negative, and less so
    further away."""
    probe = run_session(*passive_cell([[0, 0, 0]]))
    synapse = synapse_point(probe)
    sideways = [depth_frame(synapse + [0, 0, d]) for d in (10, 20, 40, 80, 160, 320)]
    session = run_session(*passive_cell(sideways))
    lfp = session.sim_data['LFP']
    nearest = lfp[:, 0]
    assert nearest.min() < 0 and abs(nearest.min()) > 5 * max(nearest.max(), 0)
    assert session.sim_data['t'][np.argmin(nearest)] > 5.0  # after the input arrives
    peaks = np.abs(lfp).max(axis=0)
    assert np.all(np.diff(peaks) < 0), peaks


def lfp_net(duration=100, **options):
    net, cfg = tutorial_specs("lfp_net")
    cfg.duration, cfg.analysis = duration, {}
    cfg.saveJson = cfg.saveSpikesSonata = False
    for key, value in options.items():
        setattr(cfg, key, value)
    return net, cfg


def test_cells_and_populations_add_up_to_the_lfp(run_session):
    """The LFP is the exactly rounded sum of the cells' LFPs (so the order cells are
    added in, i.e. the ranks, cannot change it); populations add up to it; each cell's
    dipole is LFPykit's; recording the LFP changes no spike."""
    session = run_session(*lfp_net(saveLFPCells=True, saveLFPPops=True, saveDipoleCells=[
        ('E4', [0, 1]), 'I5'], saveDipolePops=['E2', 'E5']))
    data = session.sim_data
    network = session.network
    cells = data['LFPCells']
    assert sorted(cells) == list(range(300)) and cells[7].shape == data['LFP'].shape
    assert np.abs(data['LFP']).max() > 1e-3  # mV
    exact = np.array([[math.fsum(cells[g][i, j] for g in cells) for j in range(4)]
                      for i in range(len(data['t']))])
    np.testing.assert_array_equal(data['LFP'], exact)
    assert list(data['LFPPops']) == [p.label for p in network.pops]
    np.testing.assert_allclose(sum(data['LFPPops'].values()), data['LFP'], rtol=0,
                               atol=1e-12 * np.abs(data['LFP']).max())
    for pop in network.pops:
        np.testing.assert_allclose(data['LFPPops'][pop.label],
                                   sum(cells[g] for g in pop.gids), rtol=0,
                                   atol=1e-12 * np.abs(data['LFP']).max())
    e4, i5 = network.pop('E4').gids, network.pop('I5').gids
    assert list(data['dipoleCells']) == sorted([e4[0], e4[1], *i5])
    assert list(data['dipolePops']) == ['E2', 'E5']
    e2 = sum(_dipole_of(session, g) for g in network.pop('E2').gids)
    np.testing.assert_allclose(data['dipolePops']['E2'], e2, rtol=0,
                               atol=1e-9 * np.abs(e2).max())
    for gid in (e4[0], i5[3]):
        np.testing.assert_allclose(data['dipoleCells'][gid], _dipole_of(session, gid),
                                   rtol=0, atol=1e-9 * np.abs(data['dipoleCells'][gid]).max())
    spikes = (session.recordings.spike_t, session.recordings.spike_gid)
    plain = run_session(*lfp_net(recordLFP=[], saveLFPPops=False))
    assert 'LFP' not in plain.sim_data and len(spikes[0]) > 100
    np.testing.assert_array_equal(plain.recordings.spike_t, spikes[0])
    np.testing.assert_array_equal(plain.recordings.spike_gid, spikes[1])


def _dipole_of(session, gid):
    """A cell's dipole from LFPykit, with its currents read back from NEURON's vectors
    and its geometry from NEURON's 3D points (all its sections have them here)."""
    cell = session.model.cells[gid]
    recorded = next(c for c in session.model.lfp.cells if c.gid == gid)
    I = np.vstack([v.as_numpy() for v in recorded.vectors])
    start, end, diam = [], [], []
    for sec in cell.secs.values():
        n = int(sec.n3d())
        arc = np.array([sec.arc3d(i) for i in range(n)])
        points = np.array([[sec.x3d(i), sec.y3d(i), sec.z3d(i)] for i in range(n)])
        at = np.linspace(0, arc[-1], sec.nseg + 1)
        ends = np.column_stack([np.interp(at, arc, points[:, k]) for k in range(3)])
        start.append(ends[:-1])
        end.append(ends[1:])
        diam += [seg.diam for seg in sec]
    geometry = lfpykit_cell(np.vstack(start), np.vstack(end), np.array(diam))
    return (CurrentDipoleMoment(geometry).get_transformation_matrix() @ I).T


def test_saved_and_loaded_in_every_format(run_session, tmp_path):
    session = run_session(*lfp_net(duration=50, saveLFPCells=[0, 5, 299], saveLFPPops=True,
                                   saveDipoleCells=True, saveDipolePops=['I2'],
                                   saveJson=True, savePickle=True, saveHDF5=True,
                                   saveFolder=str(tmp_path), filename='lfp'))
    session.save_data()
    data = session.sim_data
    for suffix in ('json', 'pkl', 'h5'):
        loaded = saved_sim_data(load_payload(tmp_path / f'lfp_data.{suffix}',
                                             trust_pickle=True)['simData'])
        for key in ('LFP', 'dipoleSum'):
            assert loaded[key].dtype == np.float64
            np.testing.assert_array_equal(loaded[key], data[key])
        for key in ('LFPCells', 'LFPPops', 'dipoleCells', 'dipolePops'):
            assert list(loaded[key]) == list(data[key]), (suffix, key)
            for name in data[key]:
                np.testing.assert_array_equal(loaded[key][name], data[key][name])
    assert list(data['LFPCells']) == [0, 5, 299] and list(data['dipolePops']) == ['I2']


def run_script(script: Path, folder: Path, ranks: int) -> None:
    folder.mkdir()
    command = [sys.executable, str(script)]
    if ranks > 1:
        command = [str(Path(sys.executable).parent / "mpiexec"), "-n", str(ranks), *command]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    done = subprocess.run(command, cwd=folder, env=clean, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.count("Simulated") == 1


@pytest.mark.slow
@pytest.mark.mpi
def test_mpi_ranks_give_the_serial_lfp_bit_for_bit(tmp_path):
    """examples/lfp_net.py (300 cells, 4 laminar electrodes) serially and on 2 and 3
    ranks: the same LFP, population LFPs, dipole and kept cells, to the last bit."""
    script = tmp_path / "lfp_net_cells.py"
    script.write_text((EXAMPLES / "lfp_net.py").read_text().replace(
        "simConfig.recordDipole = True", "simConfig.recordDipole = True\n"
        "simConfig.saveLFPCells = [0, 1, 150, 299]\nsimConfig.saveDipoleCells = ['I4']"))
    results = []
    for ranks in (1, 2, 3):
        folder = tmp_path / f"n{ranks}"
        run_script(script, folder, ranks)
        data = saved_sim_data(json.loads((folder / "lfp_net_data.json").read_text())
                              ["simData"])
        results.append(data)
        for plot in ("TimeSeries", "PSD", "Spectrogram", "Locations"):  # rank 0 plots all
            assert (folder / f"lfp_net_LFP{plot}.png").stat().st_size > 10_000
    serial = results[0]
    assert serial['LFP'].shape == (len(serial['t']), 4) and np.abs(serial['LFP']).max() > 1e-3
    assert list(serial['LFPCells']) == [0, 1, 150, 299]
    for data in results[1:]:
        for key in ('LFP', 'dipoleSum', 'spkt'):
            np.testing.assert_array_equal(data[key], serial[key])
        for key in ('LFPPops', 'LFPCells', 'dipoleCells'):
            assert list(data[key]) == list(serial[key])
            for name in serial[key]:
                np.testing.assert_array_equal(data[key][name], serial[key][name])


CORENEURON = """
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from test_lfp import lfp_net
from neuroloom.sim.session import Session
out = []
for coreneuron in (False, True):
    session = Session(*lfp_net(duration=50, coreneuron=coreneuron, saveLFPCells=[3]),
                      echo=None)
    session.create()
    session.simulate()
    data = session.sim_data
    out.append([data[k].tolist() for k in ('LFP', 'dipoleSum', 'spkt')]
               + [data['LFPCells'][3].tolist(), len(data['t'])])
    session.clear()
print(json.dumps(out))
"""


def test_coreneuron_records_the_same_lfp():
    """In a process of its own (CoreNEURON keeps its first run's mechanisms): the same
    spikes; membrane currents equal to rounding. (NEURON's sampling every recordStep
    stops a sample short of CoreNEURON's here, for the traces as for the LFP.)"""
    done = subprocess.run([sys.executable, "-c", CORENEURON, str(Path(__file__).parent)],
                          cwd=Path(__file__).parents[1], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    neuron, core = [[np.array(v) for v in run]
                    for run in json.loads(done.stdout.strip().splitlines()[-1])]
    np.testing.assert_array_equal(neuron[2], core[2])
    samples = min(neuron[4], core[4])
    for ours, theirs in zip(neuron[:2] + neuron[3:4], core[:2] + core[3:4]):
        assert len(ours) == neuron[4] and len(theirs) == core[4]
        ours, theirs = ours[:samples], theirs[:samples]
        assert ours.shape[1] == theirs.shape[1] and np.abs(ours).max() > 0
        assert np.abs(ours - theirs).max() <= 1e-9 * np.abs(ours).max()


def test_lfp_cell_example(tmp_path):
    """Tutorial 9's first example: a reconstructed cell from its SWC file, 10 electrodes."""
    run_script(EXAMPLES / "lfp_cell.py", tmp_path / "run", 1)
    data = saved_sim_data(json.loads((tmp_path / "run" / "lfp_cell_data.json").read_text())
                          ["simData"])
    assert data['LFP'].shape == (len(data['t']), 10) and len(data['spkt']) > 3
    assert data['dipoleSum'].shape == (len(data['t']), 3)
    # the electrodes nearest the soma (depth 650, both sides) see the spikes most
    peaks = np.abs(data['LFP']).max(axis=0)
    assert set(np.argsort(peaks)[-2:]) == {6, 7}
    for plot in ('TimeSeries', 'Locations'):
        assert (tmp_path / "run" / f"lfp_cell_LFP{plot}.png").exists()
