"""NetStim stimulation rules as NetPyNE 1.1.1 makes them (network/stim.py _addCellStim,
CompartCell.addStim/addConn/addNetStim): a NetStim and a NetCon per synapse, synsPerConn
synapses for each synMech of the rule. NetPyNE seeds the noise of every NetStim of a cell
from one Random123 stream (type, gid, seed), so the synapses of a target all receive the
same train (measured with NetPyNE 1.1.1: noise 1, synsPerConn 3, identical event times);
neuroloom's stream is keyed by (gid, rule, seed) and shared by the rule's synapses the same
way, so the spikes are those of one NetStim per (rule, target)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from neuroloom import specs
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.sim.views import NetView

MPIEXEC = Path(sys.executable).parent / "mpiexec"

#: spikes (gid, ms) of the network below, computed with neuroloom before the NetStims were
#: made one per synapse (one NetStim per rule and target then): they must not change
HEAD_SPIKES = {
    1: [(1, 5.925), (2, 12.525), (3, 16.625), (1, 24.15), (0, 31.175), (0, 65.625),
        (3, 68.775), (2, 86.025), (3, 94.825), (3, 132.125), (0, 141.575), (2, 142.425),
        (0, 180.2), (1, 181.05), (3, 185.075), (3, 226.1), (1, 262.45), (2, 262.725),
        (0, 266.525), (2, 294.75), (1, 296.25)],
    3: [(1, 4.325), (2, 9.625), (3, 14.475), (1, 22.375), (0, 29.275), (1, 36.875),
        (1, 50.325), (0, 63.625), (3, 66.875), (2, 84.125), (3, 92.175), (2, 100.0),
        (3, 111.325), (3, 128.575), (2, 140.525), (0, 140.975), (3, 163.425), (2, 163.5),
        (2, 176.125), (0, 178.05), (1, 179.225), (3, 181.575), (2, 187.6), (3, 203.75),
        (1, 212.825), (1, 223.075), (3, 223.55), (3, 234.475), (3, 252.825), (2, 260.85),
        (1, 261.9), (3, 263.275), (0, 264.65), (0, 278.4), (2, 292.675), (1, 295.675),
        (0, 299.4)],
}


def noisy_net(specs, syns, rule=None):
    """Four HH cells, each driven by a noisy NetStim through ``syns`` synapses."""
    net = specs.NetParams()
    net.cellParams['PYR'] = {'secs': {'soma': {
        'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
        'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}}}}}
    net.popParams['S'] = {'cellType': 'PYR', 'numCells': 4}
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': 0}
    net.synMechParams['inh'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': -80}
    net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 40, 'noise': 1}
    net.stimTargetParams['bkg->S'] = {'source': 'bkg', 'conds': {'pop': 'S'},
                                      'weight': 0.008, 'delay': 1, 'synMech': 'exc',
                                      'synsPerConn': syns, **(rule or {})}
    cfg = specs.SimConfig()
    cfg.duration = 300
    cfg.seeds = {'conn': 1, 'loc': 1, 'stim': 7}
    cfg.saveJson = False
    cfg.analysis = {}
    return net, cfg


def spikes(session):
    r = session.recordings
    return list(zip(np.asarray(r.spike_gid).tolist(), np.asarray(r.spike_t).tolist()))


def assert_spikes(got, expected):
    assert [g for g, _ in got] == [g for g, _ in expected]
    np.testing.assert_allclose([t for _, t in got], [t for _, t in expected], atol=1e-6)


def event_times(session):
    """Record, before the run, the events each stimulus NetCon delivers: StimTable row ->
    Vector."""
    h = neuron_h()
    out = {}
    for row, (_, netcon) in sorted(session.model.stimuli.by_row.items()):
        out[row] = h.Vector()
        netcon.record(out[row])
    return out


def test_a_netstim_per_synapse_firing_the_target_s_one_train(run_session):
    s = run_session(*noisy_net(specs, 3), simulate=False)
    sources = [source for source, _ in s.model.stimuli.by_row.values()]
    assert len(sources) == 12 and len({id(o) for o in sources}) == 12  # 4 cells x 3
    assert all(o.hname().startswith("NetStim") and o.noise == 1 for o in sources)
    stims = NetView(s).cells[2].stims
    assert len(stims) == 3 and len({stim['hObj'].hname() for stim in stims}) == 3
    conns = NetView(s).cells[2].conns
    assert [c['hObj'].pre().hname() for c in conns] == [st['hObj'].hname() for st in stims]
    recorded = event_times(s)
    s.simulate()
    gids = s.network.stims.gid
    trains = {gid: [np.array(recorded[row]) for row in np.flatnonzero(gids == gid).tolist()]
              for gid in range(4)}
    for first, *others in trains.values():
        assert len(first) > 5
        assert all(np.array_equal(first, other) for other in others)  # as NetPyNE's
    assert len({tuple(train[0]) for train in trains.values()}) == 4  # per cell
    assert_spikes(spikes(s), HEAD_SPIKES[3])


def test_a_single_synapse_keeps_its_spikes(run_session):
    s = run_session(*noisy_net(specs, 1))
    assert len(s.model.stimuli.sources) == 4
    assert_spikes(spikes(s), HEAD_SPIKES[1])


def test_a_list_of_synmechs_drives_each_by_its_own_netstim(run_session):
    net, cfg = noisy_net(specs, 2, {'synMech': ['exc', 'inh'], 'weight': [0.008, 0.002],
                                    'delay': [1, 3]})
    s = run_session(net, cfg)
    conns = NetView(s).cells[0].conns
    assert [c['synMech'] for c in conns] == ['exc', 'exc', 'inh', 'inh']  # as NetPyNE
    assert [c['hObj'].syn().e for c in conns] == [0, 0, -80, -80]
    assert [c['hObj'].weight[0] for c in conns] == [0.008, 0.008, 0.002, 0.002]
    assert [c['hObj'].delay for c in conns] == [1, 1, 3, 3]
    assert len({c['hObj'].pre().hname() for c in conns}) == 4
    assert [c['loc'] for c in conns] == [0.25, 0.75, 0.25, 0.75]
    assert len(s.model.stimuli.sources) == 16


MPI_SCRIPT = f"""
import json, sys
sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(Path(__file__).parents[1])!r}]
from test_stim_target_netstims import noisy_net
from neuroloom import specs, sim
net, cfg = noisy_net(specs, 3, {{'synMech': ['exc', 'inh'], 'weight': [0.01, 0.002]}})
sim.create(net, cfg)
sim.simulate()
data = sim.allSimData
with open(f"result_{{sim.rank}}.json", "w") as f:
    json.dump({{"t": [float(t) for t in data["spkt"]],
               "gid": [int(g) for g in data["spkid"]]}}, f)
"""


def _run_ranks(folder: Path, ranks: int) -> dict:
    folder.mkdir()
    (folder / "run.py").write_text(MPI_SCRIPT)
    command = [sys.executable, "run.py"]
    if ranks > 1:
        command = [str(MPIEXEC), "-n", str(ranks), *command]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    done = subprocess.run(command, cwd=folder, env=clean, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert len(list(folder.glob("result_*.json"))) == ranks
    return json.loads((folder / "result_0.json").read_text())


@pytest.mark.mpi
def test_the_netstims_of_each_synapse_fire_alike_on_1_and_2_ranks(tmp_path):
    serial = _run_ranks(tmp_path / "n1", 1)
    parallel = _run_ranks(tmp_path / "n2", 2)
    assert len(serial["t"]) > 20
    assert parallel == serial
