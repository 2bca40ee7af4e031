"""RxD in NEURON (issue 9): a buffer reaction reaches its analytical equilibrium,
diffusion conserves mass, the network example's extracellular potassium changes its
spiking as configured, and `mpiexec -n 2` of it fires the serial spikes."""
import json
import runpy
import subprocess
import sys

import numpy as np
import pytest

from helpers import EXAMPLES
from neuroloom import specs
from neuroloom.errors import SpecError

MPIEXEC = f"{sys.executable[:-len('python')]}mpiexec"


def example(name, *argv):
    """(netParams, simConfig) of an rxd example, without running it."""
    saved = sys.argv
    sys.argv = [name, *argv]
    try:
        found = runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="test")
    finally:
        sys.argv = saved
    cfg = found.get("simConfig") or found["cfg"]
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    return found["netParams"], cfg


def equilibrium(ca0, buf0, kf, kb, n):
    """cabuf at the equilibrium of n ca + buf <-> cabuf from cabuf = 0, with the totals of
    calcium (ca + n cabuf) and buffer (buf + cabuf) conserved: the root in [0, min) of
    kf (ca0 - n x)^n (buf0 - x) = kb x."""
    ca = np.polynomial.Polynomial([ca0, -n]) ** n
    roots = (kf * ca * np.polynomial.Polynomial([buf0, -1])
             - np.polynomial.Polynomial([0, kb])).roots()
    real = roots[np.isreal(roots)].real
    return float(real[(real >= 0) & (real <= min(ca0 / n, buf0))][0])


@pytest.mark.parametrize("scheme, n", [("ca + buf", 1), ("2 * ca + buf", 2)])
def test_buffering_reaches_the_analytical_equilibrium(run_session, scheme, n):
    net, cfg = example("rxd_buffering")
    net.rxdParams['reactions']['buffering']['reactant'] = scheme
    if n == 2:  # second order: kf in 1/(mM^2 ms), to reach equilibrium as fast
        net.rxdParams['constants']['kf'] = 2e6
    cfg.duration = 150.0  # relaxation times of 2-5 ms: converged to the last digits
    session = run_session(net, cfg)
    c = dict(net.rxdParams['constants'])
    x = equilibrium(c['ca0'], c['buf0'], c['kf'], c['kb'], n)
    traces = session.recordings.traces
    ca, buf, cabuf = (traces[name][0][-1] for name in ('cai', 'bufi', 'cabuf'))
    errors = [abs(ca - (c['ca0'] - n * x)) / (c['ca0'] - n * x),
              abs(buf - (c['buf0'] - x)) / (c['buf0'] - x), abs(cabuf - x) / x]
    print(f"{scheme}: relative errors from the equilibrium {errors}")
    assert max(errors) < 1e-9
    assert abs(traces['cai'][0][0] - c['ca0']) < 1e-15  # it did move there
    final = session.recordings.rxd['ca[cyt]']
    assert final['values'] == pytest.approx(ca, rel=1e-12)


def cable_net():
    """A long unbranched cable: a species starts in its first 30% and diffuses."""
    net = specs.NetParams()
    net.cellParams['cable'] = {'secs': {'dend': {'geom': {'L': 200.0, 'diam': 2.0,
                                                          'nseg': 41}}}}
    net.popParams['cable'] = {'cellType': 'cable', 'numCells': 1}
    net.rxdParams['regions'] = {
        'cyt': {'cells': 'all', 'secs': 'all'},
        'ecs': {'extracellular': True, 'xlo': -50, 'ylo': -50, 'zlo': -50, 'xhi': 250,
                'yhi': 50, 'zhi': 50, 'dx': 10}}
    net.rxdParams['species'] = {
        'x': {'regions': ['cyt'], 'd': 10.0, 'initial': '1.0 if node.x < 0.3 else 0.0'},
        'y': {'regions': ['ecs'], 'd': 1.0, 'initial': '2.0 if node.x3d < 30 else 0.0'}}
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.saveSpikesSonata = 100.0, False, False
    cfg.analysis['plotRxDConcentration'] = {'speciesLabel': 'x', 'regionLabel': 'cyt',
                                            'saveFig': False}
    return net, cfg


def test_diffusion_conserves_mass(run_session):
    net, cfg = cable_net()
    session = run_session(net, cfg)
    cable = session.recordings.rxd['x[cyt]']
    start = np.where(cable['x'] < 0.3, 1.0, 0.0)
    mass0, mass = np.sum(start * cable['volume']), np.sum(cable['values'] * cable['volume'])
    spread = cable['values'][cable['x'] > 0.5]
    grid = session.recordings.rxd['y[ecs]']['values']  # equal voxels: the sum is the mass
    centres = -50 + 10 * (np.arange(grid.shape[0]) + 0.5)
    ecs0 = 2.0 * np.sum(centres < 30) * grid.shape[1] * grid.shape[2]
    errors = abs(mass - mass0) / mass0, abs(grid.sum() - ecs0) / ecs0
    print(f"relative mass errors: cable {errors[0]:.2e}, extracellular {errors[1]:.2e}")
    assert max(errors) < 1e-9
    assert spread.max() > 1e-3 and cable['values'].max() < 0.99  # it did diffuse
    assert grid[centres > 60].max() > 1e-3
    fig, data = session_plot(session)
    assert len(data['values']) == 41


def session_plot(session):
    from neuroloom.sim.analysis import run_plot

    name = 'plotRxDConcentration'
    return run_plot(session, name, dict(dict(session.output.analysis)[name]))[:2]


def spikes_and_potassium(run_session, *argv):
    net, cfg = example("rxd_net", *argv)
    session = run_session(net, cfg)
    rec = session.recordings
    return len(rec.spike_t), rec.traces.get('k_ecs'), rec


def test_extracellular_potassium_makes_the_network_fire_more(run_session):
    without, _, _ = spikes_and_potassium(run_session, "norxd")
    with_k, k_ecs, rec = spikes_and_potassium(run_session)
    print(f"rxd_net spikes: {with_k} with extracellular K+ at 9 mM, {without} without rxd")
    assert with_k > 2 * without > 0
    for samples in k_ecs.values():  # activity adds potassium around the cells
        assert samples[0] == pytest.approx(9.0) and samples[-1] > samples[0] + 0.05
    np.testing.assert_array_equal(rec.traces['ko'][0], k_ecs[0])  # NEURON sees the voxel
    assert rec.rxd['k[ecs]']['values'].shape == (10, 7, 7)


def test_the_full_netpyne_vocabulary_runs(run_session):
    """FractionalVolume and ScalableBorder regions, an extracellular space, states,
    parameters set per node, reactions, multicompartment reactions (custom dynamics),
    rates with rxdmath and v."""
    unit = EXAMPLES.parent / "tests" / "unit" / "test_rxd_spec.py"
    net = runpy.run_path(str(unit))["cell_net"]()
    net.cellParams['PYR']['secs']['soma']['mechs'] = {'hh': {}}
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.saveSpikesSonata = 20.0, False, False
    cfg.recordCells = [0]
    cfg.recordTraces = {'er': {'sec': 'soma', 'var': 'ca[er]'},
                        'gate': {'sec': 'soma', 'var': 'gate[mem]'}}
    session = run_session(net, cfg)
    traces = session.recordings.traces
    er = traces['er'][0]
    assert er[0] == pytest.approx((0.0017 - 1e-4 * 0.8) / 0.2)
    assert er[-1] != er[0] and traces['gate'][0][-1] != 0.8
    pump = session.recordings.rxd['pump[cyt]']
    np.testing.assert_allclose(pump['values'], pump['x'] * 2)
    grid = session.recordings.rxd['ca[ecs]']
    assert grid['values'].shape == (12, 4, 4) and grid['values'].min() == pytest.approx(2.0)


def test_coreneuron_is_refused(run_session):
    net, cfg = example("rxd_buffering")
    cfg.coreneuron = True
    with pytest.raises(SpecError, match="CoreNEURON does not run NEURON's rxd"):
        run_session(net, cfg)


def test_save_and_load_give_the_same_run(tmp_path, run_session):
    from neuroloom.sim.files import load

    net, cfg = example("rxd_net")
    cfg.saveJson, cfg.saveFolder = True, str(tmp_path)
    first = run_session(net, cfg)
    first.analyze()
    first.clear()
    loaded = load(tmp_path / "rxd_net_data.json", instantiate=False)
    assert loaded.network == first.network and loaded.network.rxd == first.network.rxd
    try:
        loaded.create()
        loaded.simulate()
        np.testing.assert_array_equal(loaded.recordings.spike_t, first.recordings.spike_t)
        np.testing.assert_array_equal(loaded.recordings.traces['k_ecs'][0],
                                      first.recordings.traces['k_ecs'][0])
    finally:
        loaded.clear()


def mpi_run(folder, ranks, script="rxd_net.py"):
    folder.mkdir()
    command = [sys.executable, str(EXAMPLES / script)]
    if ranks > 1:
        command = [MPIEXEC, "-n", str(ranks), *command]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


@pytest.mark.mpi
def test_mpi_fires_the_serial_spikes(tmp_path):
    import h5py

    runs = {}
    for ranks in (1, 2):
        done = mpi_run(tmp_path / f"n{ranks}", ranks)
        assert done.returncode == 0, done.stderr[-3000:]
        with h5py.File(tmp_path / f"n{ranks}" / "rxd_net_spikes.h5", "r") as f:
            runs[ranks] = (f["spikes/E/node_ids"][()], f["spikes/E/timestamps"][()])
        data = json.loads((tmp_path / f"n{ranks}" / "rxd_net_data.json").read_text())
        runs[ranks] += (data["simData"]["k_ecs"],)
        assert (tmp_path / f"n{ranks}" / "rxd_net_rxd_concentration.png").exists()
    assert len(runs[1][0]) > 50
    np.testing.assert_array_equal(runs[1][0], runs[2][0])
    np.testing.assert_array_equal(runs[1][1], runs[2][1])
    assert runs[1][2] == runs[2][2]  # the extracellular potassium, sample for sample


@pytest.mark.mpi
def test_mpi_limit_is_named_instead_of_hanging(tmp_path):
    """NEURON's rxd hangs when, with an extracellular space, a rank owns no section of a
    region where a reaction acts: neuroloom says so on every rank instead."""
    script = tmp_path / "one_cell.py"
    # one cell (and it recorded: gid 10 is an error now that cell lists are checked)
    script.write_text((EXAMPLES / "rxd_net.py").read_text().replace(
        "'numCells': 20", "'numCells': 1").replace(
        "cfg.recordCells = [0, 10]", "cfg.recordCells = [0]").replace(
        "if __name__ == '__main__':", "netParams.rxdParams['rates'] = {'decay': {'species': "
        "'k[cyt]', 'rate': '-1e-6 * k[cyt]'}}\nif __name__ == '__main__':"))
    done = subprocess.run([MPIEXEC, "-n", "2", sys.executable, str(script)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert ("rxdParams.regions['cyt']: some of the 2 MPI ranks own no section of it"
            in done.stderr)
    serial = subprocess.run([sys.executable, str(script)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert serial.returncode == 0, serial.stderr[-2000:]


def test_sonata_and_neuroml_imports_run_the_rxd(tmp_path, run_session):
    """The RxD kept in neuroloom's files comes back and runs: the same spikes."""
    from neuroloom.exporters import neuroml as neuroml_export, sonata as sonata_export
    from neuroloom.importers import neuroml as neuroml_import, sonata as sonata_import
    from neuroloom.sim import Session

    net, cfg = example("rxd_net")
    direct = run_session(net, cfg)
    spikes = direct.recordings.spike_t, direct.recordings.spike_gid
    sonata_export.export(direct.network, tmp_path / "circuit", cfg)
    neuroml_export.export(direct.network, "net", tmp_path, cfg)
    direct.clear()
    for model in (sonata_import.load(tmp_path / "circuit" / "simulation_config.json"),
                  neuroml_import.load(tmp_path / "LEMS_net.xml")):
        assert model.network.rxd == direct.network.rxd
        model.sim_config.saveJson, model.sim_config.saveSpikesSonata = False, False
        session = Session(specs.NetParams(), model.sim_config, network=model.network,
                          echo=None)
        try:
            session.create()
            session.simulate()
            np.testing.assert_array_equal(session.recordings.spike_t, spikes[0])
            np.testing.assert_array_equal(session.recordings.spike_gid, spikes[1])
        finally:
            session.clear()
