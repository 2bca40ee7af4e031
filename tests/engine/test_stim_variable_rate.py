"""NetStim rate 'variable' (RL_arm): NetPyNE makes an NSLOC firing at 0.1 Hz, whose interval
the model's code changes during the run. NSLOC comes from the example's nsloc.mod, compiled
here from a temporary copy with its two C declarations that clash with NEURON 9's removed
(the example's own file does not compile on NEURON 9, see docs/netpyne-examples.md)."""
import warnings
from pathlib import Path

import numpy as np
import pytest

from neuroloom import sim, specs
from neuroloom.engine import modfiles
from neuroloom.errors import MechanismError
from neuroloom.model.serialize import network_from_dict, network_to_dict

NSLOC_MOD = Path("/work/shared/netpyne-examples/RL_arm/nsloc.mod")
FAST_INTERVAL = 10.0  # ms, set from 50 ms on


@pytest.fixture(scope="module")
def nsloc(tmp_path_factory):
    if not NSLOC_MOD.exists():
        pytest.skip("the shared NetPyNE examples (RL_arm) are not here")
    text = NSLOC_MOD.read_text()
    for declaration in ("double nrn_random_pick(void* r);\n", "void* nrn_random_arg(int argpos);\n"):
        assert declaration in text
        text = text.replace(declaration, "")
    text = text.replace("nrn_random_pick(_p_donotuse)", "nrn_random_pick((Rand*)_p_donotuse)")
    folder = tmp_path_factory.mktemp("nsloc")
    (folder / "nsloc.mod").write_text(text)
    modfiles.load(folder)
    return folder


def specs_with(source):
    net = specs.NetParams()
    net.cellParams['HH'] = {'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
                                              'mechs': {'hh': {}}}}}
    net.popParams['P'] = {'cellType': 'HH', 'numCells': 2}
    net.synMechParams['exc'] = {'mod': 'ExpSyn', 'tau': 2.0, 'e': 0.0}
    net.stimSourceParams['drive'] = source
    net.stimTargetParams['drive->P'] = {'source': 'drive', 'conds': {'pop': 'P'},
                                        'weight': 0.05, 'delay': 1.0, 'synMech': 'exc'}
    cfg = specs.SimConfig()
    cfg.duration = 150.0
    cfg.saveJson = cfg.saveSpikesSonata = False
    cfg.recordTraces = {}
    cfg.analysis = {}
    return net, cfg


def speed_up(t):
    """As RL_arm's arm does: set the interval of the cells' NSLOCs."""
    if t >= 50.0:
        for cell in sim.net.cells:
            for stim in cell.stims:
                if stim['source'] == 'drive':
                    stim['hObj'].interval = FAST_INTERVAL


def test_a_variable_rate_netstim_is_an_nsloc_driven_by_the_model(nsloc):
    net, cfg = specs_with({'type': 'NetStim', 'rate': 'variable', 'noise': 0})
    sim.initialize(net, cfg)
    try:
        sim.net.createPops(); sim.net.createCells(); sim.net.connectCells()
        sim.net.addStims(); sim.setupRecording()
        stims = sim.net.cells[0].stims
        assert [s['hObj'].hname().split('[')[0] for s in stims] == ['NSLOC']
        assert stims[0]['hObj'].interval == pytest.approx(1e4)  # 0.1 Hz, as NetPyNE
        assert stims[0]['hObj'].start == pytest.approx(1.0)  # NSLOC's own start
        sim.runSimWithIntervalFunc(1.0, speed_up)
        sim.gatherData()
        spkt = np.asarray(sim.allSimData['spkt'])
        spkid = np.asarray(sim.allSimData['spkid'])
    finally:
        sim.clearAll()
    for gid in (0, 1):
        times = spkt[spkid == gid]
        # the 1 ms spike, then none until the interval is set: one every 10 ms after
        assert np.sum(times < 50) == 1
        assert 8 <= np.sum(times >= 50) <= 11
        assert np.allclose(np.diff(times[times >= 60]), FAST_INTERVAL, atol=0.1)


def test_start_given_with_variable_is_warned_about_as_netpyne_ignores_it():
    net, cfg = specs_with({'type': 'NetStim', 'rate': 'variable', 'start': 20, 'noise': 0})
    with pytest.warns(UserWarning, match=r"stimSourceParams\['drive'\]\.start: not set on "
                                         r"the NSLOC that rate 'variable' makes"):
        sim.initialize(net, cfg)
    try:
        sim.net.createPops()
        source = sim.state.current().network.stim_sources[0]
        assert source.neuron_class == 'NSLOC'
        assert dict(source.params) == {'interval': 1e4, 'number': 1e9, 'noise': 0.0}
        network = sim.state.current().network
        assert network_from_dict(network_to_dict(network)).stim_sources == network.stim_sources
    finally:
        sim.clearAll()


def test_without_nsloc_the_error_names_the_source_and_the_mod_file(monkeypatch):
    net, cfg = specs_with({'type': 'NetStim', 'rate': 'variable'})
    monkeypatch.setattr("neuroloom.engine.mechanisms.point_processes",
                        lambda: frozenset({"NetStim", "ExpSyn", "IClamp"}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.initialize(net, cfg)
    try:
        with pytest.raises(MechanismError, match=r"stimSourceParams\['drive'\] \(a NetStim made "
                                                 r"as NSLOC; its mod file.*nsloc\.mod.*\): "
                                                 r"NEURON has no point process 'NSLOC'"):
            sim.create()
    finally:
        sim.clearAll()


def test_other_words_are_still_expressions_with_their_path():
    net, cfg = specs_with({'type': 'NetStim', 'rate': 'variabel'})
    with pytest.raises(Exception, match=r"stimSourceParams\['drive'\]\.rate: unknown name "
                                        r"'variabel'"):
        sim.initialize(net, cfg)
    sim.clearAll()
