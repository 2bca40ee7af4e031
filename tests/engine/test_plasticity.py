"""connParams' 'plast': an STDP mechanism per connection changes the connection's NetCon
weight as the run goes (NetPyNE's STDP wiring, with RL_arm's stdp.mod from the shared
examples, compiled at test time)."""
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from neuroloom import sim, specs
from neuroloom.engine.plasticity import PlasticityWiring
from neuroloom.errors import MechanismError, SpecError
from neuroloom.model.catalog import Plasticity
from neuroloom.model.serialize import network_from_dict, network_to_dict
from neuroloom.sim import Session, state
from neuroloom.validate import validate

START_WEIGHT = 0.001  # uS: too weak to make the post cell fire
STDP = {'hebbwt': 0.001, 'antiwt': -0.001, 'wmax': 0.01, 'tauhebb': 10, 'tauanti': 10,
        'RLon': 0}
POST_SPIKES_AT = 25.0  # ms: the post cell's drive (it fires a little later)



def pair_net(pre_times, plast=None):
    """A VecStim 'pre' cell firing at ``pre_times`` onto an hh 'post' cell that a NetStim
    makes fire just after each POST_SPIKES_AT + k * 50 ms."""
    net = specs.NetParams()
    net.cellParams['HH'] = {'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
                                              'mechs': {'hh': {}}}}}
    net.popParams['pre'] = {'cellModel': 'VecStim', 'numCells': 1,
                            'spkTimes': list(pre_times)}
    net.popParams['post'] = {'cellType': 'HH', 'numCells': 1}
    net.synMechParams['exc'] = {'mod': 'ExpSyn', 'tau': 2.0, 'e': 0.0}
    net.stimSourceParams['drive'] = {'type': 'NetStim', 'start': POST_SPIKES_AT,
                                     'interval': 50.0, 'number': 4, 'noise': 0.0}
    net.stimTargetParams['drive->post'] = {'source': 'drive', 'conds': {'pop': 'post'},
                                           'weight': 0.05, 'delay': 1.0, 'synMech': 'exc'}
    net.connParams['pre->post'] = {'preConds': {'pop': 'pre'}, 'postConds': {'pop': 'post'},
                                   'weight': START_WEIGHT, 'delay': 1.0, 'synMech': 'exc'}
    if plast is not None:
        net.connParams['pre->post']['plast'] = plast
    return net


def quiet_cfg(duration=200.0):
    cfg = specs.SimConfig()
    cfg.duration = duration
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordTraces = {}
    cfg.analysis = {}
    return cfg


def run_plastic(pre_times, plast):
    """The connection's weight after the run, and the post cell's spike times."""
    session = Session(pair_net(pre_times, plast), quiet_cfg(), echo=None)
    try:
        session.create()
        model = session.model
        feeds = len(model.plasticity.netcons)  # the model wires the rule's 'plast' itself
        session.run_sim()
        session.gather_data()
        weights = model.connection_weights()
        spikes = np.asarray(session.sim_data['spkt'])[np.asarray(session.sim_data['spkid']) == 1]
        return weights, spikes, feeds
    finally:
        session.clear()


def test_pre_before_post_strengthens_and_post_before_pre_weakens(stdp_mod):
    plast = {'mech': 'STDP', 'params': STDP}
    pre_first = [POST_SPIKES_AT - 5 + 50 * k for k in range(4)]
    weights, post_spikes, feeds = run_plastic(pre_first, plast)
    assert feeds == 2  # the pre and the post cell's spikes reach the mechanism
    # the post cell fires 2-8 ms after each pre spike (sooner as the weight grows)
    assert len(post_spikes) == 4 and np.all((post_spikes - pre_first > 2)
                                            & (post_spikes - pre_first < 8))
    # four Hebbian steps of hebbwt * exp(-interval / tauhebb), about 0.0006-0.0008 each
    assert weights[0] > START_WEIGHT + 0.002
    post_first = [POST_SPIKES_AT + 8 + 50 * k for k in range(4)]
    weights, post_spikes, _ = run_plastic(post_first, plast)
    assert len(post_spikes) == 4
    assert weights[0] < START_WEIGHT - 0.0005  # anti-Hebbian steps, clipped at 0


MPI_SCRIPT = """
import sys
sys.path.insert(0, {here!r})
import test_plasticity as t
from neuroloom.engine import modfiles
from neuroloom.engine.neuron_env import parallel_context
modfiles.load({mods!r})
weights, _, _ = t.run_plastic({times!r}, {{'mech': 'STDP', 'params': t.STDP}})
if int(parallel_context().id()) == 0:
    print('WEIGHT', repr(float(weights[0])))
"""


@pytest.mark.mpi
def test_two_ranks_learn_the_serial_weight(stdp_mod):
    """The pre cell on rank 0, the post cell (and its STDP mechanism) on rank 1: the pre
    spikes reach the mechanism through gid_connect across ranks."""
    times = [POST_SPIKES_AT - 5 + 50 * k for k in range(4)]
    serial, _, _ = run_plastic(times, {'mech': 'STDP', 'params': STDP})
    script = MPI_SCRIPT.format(here=str(Path(__file__).parent), mods=stdp_mod, times=times)
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PMI_", "OMPI_", "SLURM_", "MPI_", "MPIR_CVAR_"))}
    done = subprocess.run([str(Path(sys.executable).parent / "mpiexec"), "-n", "2",
                           sys.executable, "-c", script], env=clean, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    weight = float(done.stdout.split("WEIGHT")[-1].split()[0])
    assert weight == serial[0] > START_WEIGHT


def test_without_plast_the_weight_stays(stdp_mod):
    weights, _, feeds = run_plastic([POST_SPIKES_AT - 5 + 50 * k for k in range(4)], None)
    assert feeds == 0 and weights[0] == pytest.approx(START_WEIGHT)


def test_plasticity_is_kept_by_save_and_load(stdp_mod, tmp_path):
    session = Session(pair_net([10.0], {'mech': 'STDP', 'params': STDP}), quiet_cfg(),
                      echo=None)
    try:
        session.initialize()
        session.create_pops()
        network = session.network
    finally:
        session.clear()
    assert network.conn_plasticity == (Plasticity('STDP', tuple((k, float(v))
                                                                 for k, v in STDP.items())),)
    assert network_from_dict(network_to_dict(network)) == network
    assert network_from_dict(network_to_dict(network)).conn_plasticity == \
        network.conn_plasticity


def test_coreneuron_refuses_plasticity(stdp_mod):
    cfg = quiet_cfg()
    cfg.coreneuron = True
    session = Session(pair_net([10.0], {'mech': 'STDP', 'params': STDP}), cfg, echo=None)
    try:
        with pytest.raises(SpecError, match="CoreNEURON does not run connection plasticity"):
            session.create()
    finally:
        session.clear()


def test_plasticity_off_leaves_the_weight(stdp_mod):
    weights, _, _ = run_plastic([POST_SPIKES_AT - 5 + 50 * k for k in range(4)],
                                    {'mech': 'STDP', 'params': {**STDP, 'STDPon': 0}})
    assert weights[0] == pytest.approx(START_WEIGHT)


@pytest.mark.parametrize("plast, path", [
    ({'params': STDP}, r"connParams\['pre->post'\]\.plast\.mech: is required"),
    ({'mech': 'STDP'}, r"connParams\['pre->post'\]\.plast\.params: is required"),
    ({'mech': 'STDP', 'params': {'hebbwt': 'x'}},
     r"connParams\['pre->post'\]\.plast\.params\.hebbwt"),
    ({'mech': 'STDP', 'params': STDP, 'pramas': {}}, r"connParams\['pre->post'\]\.plast"),
    ('STDP', r"connParams\['pre->post'\]\.plast: must be a dict"),
])
def test_bad_plast_specs_name_their_path(plast, path):
    with pytest.raises(SpecError, match=path):
        validate(pair_net([10.0], plast), quiet_cfg())


def test_a_mechanism_netpyne_does_not_wire_is_warned_about():
    with pytest.warns(UserWarning, match=r"connParams\['pre->post'\]\.plast\.mech = "
                                         r"'Hebb'.*only 'STDP' is wired"):
        net_spec, _, _ = validate(pair_net([10.0], {'mech': 'Hebb', 'params': {'a': 1}}),
                                  quiet_cfg())
    assert net_spec.conn_rules[0].plast == Plasticity('Hebb', (('a', 1.0),))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net_spec, _, _ = validate(pair_net([10.0], {'mech': 'STDP', 'params': STDP}),
                                  quiet_cfg())
    assert net_spec.conn_rules[0].plast.params == tuple((k, float(v)) for k, v in STDP.items())


def test_unknown_mechanism_or_parameter_is_a_mechanism_error(stdp_mod):
    session = Session(pair_net([10.0]), quiet_cfg(), echo=None)
    try:
        session.create()
        model = session.model
        unknown_mech = (r"connParams\['pre->post'\]\.plast\.mech: NEURON has no point "
                        r"process 'STDPP'; did you mean 'STDP'")
        unknown_param = r"plast\.params\.hebwt: 'STDP' has no parameter 'hebwt'"
        for spec, message in ((Plasticity('STDPP', ()), unknown_mech),
                              (Plasticity('STDP', (('hebwt', 1.0),)), unknown_param)):
            with pytest.raises(MechanismError, match=message):
                PlasticityWiring(model.h, model.pc, model.network, model.netcons,
                                 model.netcon_rows, model.netcon_weight_index, [spec])
    finally:
        session.clear()


def test_sonata_export_keeps_plasticity_and_says_others_run_without_it(stdp_mod, tmp_path):
    sim.initialize(pair_net([10.0], {'mech': 'STDP', 'params': STDP}), quiet_cfg())
    try:
        messages = []
        state.current().log = messages.append
        sim.exportSONATA(tmp_path / "circuit")
        network = state.current().network
    finally:
        sim.clearAll()
    assert any("SONATA has no connection plasticity (connParams' 'plast')" in m
               for m in messages)
    sim.importSONATA(tmp_path / "circuit" / "simulation_config.json",
                                instantiate=False)
    try:
        assert state.current().network.conn_plasticity == network.conn_plasticity
    finally:
        sim.clearAll()


def test_neuroml_export_keeps_plasticity(stdp_mod, tmp_path):
    cfg = quiet_cfg()
    cfg.saveFolder = str(tmp_path)
    sim.initialize(pair_net([10.0], {'mech': 'STDP', 'params': STDP}), cfg)
    try:
        messages = []
        state.current().log = messages.append
        files = sim.exportNeuroML2("pair")
        network = state.current().network
    finally:
        sim.clearAll()
    assert any("NeuroML2 has no connection plasticity" in m for m in messages)
    sim.importNeuroML2(str(files[0]), quiet_cfg(), simulate=False, analyze=False)
    try:
        assert state.current().network.conn_plasticity == network.conn_plasticity
    finally:
        sim.clearAll()
