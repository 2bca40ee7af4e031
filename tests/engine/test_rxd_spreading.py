"""The RxD vocabulary of NetPyNE's spreadingDepression example, run in NEURON: ``rxd.v`` in
rates and multicompartment rates, a parameter as a reaction's sink (``dump[ecs]``),
``isinstance(node, rxd.node.Node1D)``, ``abs`` and an extracellular region's geometry
(``ecs._xlo``, ``ecs._dx[0]``) in initial values, and a bare species in a multicompartment
rate meaning the one on the membrane, as rxd compiles it."""
import numpy as np
import pytest

from neuroloom import sim, specs

V = -60.0  # mV: the cells rest here (v_init = e_pas), so rates in v are constant
GATE = {'cyt': 1.0, 'mem': 2.0}


def spreading_net():
    net = specs.NetParams()
    net.cellParams['cell'] = {'secs': {'soma': {
        'geom': {'L': 10.0, 'diam': 10.0, 'nseg': 1},
        'mechs': {'pas': {'g': 1e-4, 'e': V}}}}}
    net.popParams['P'] = {'cellType': 'cell', 'numCells': 2, 'xRange': [20, 80],
                          'yRange': [20, 80], 'zRange': [20, 80]}
    net.rxdParams['constants'] = {'a0': 10.0, 'ao': 140.0, 'kv': 1e-3, 'g': 10.0}
    net.rxdParams['regions'] = {
        'cyt': {'cells': 'all', 'secs': 'all', 'nrn_region': 'i'},
        'mem': {'cells': 'all', 'secs': 'all', 'geometry': 'membrane'},
        # 105 is not a whole number of 20 um voxels: rxd grows the box to 120
        'ecs': {'extracellular': True, 'xlo': 0, 'ylo': -100, 'zlo': 0, 'xhi': 105,
                'yhi': 0, 'zhi': 100, 'dx': 20}}
    inside = 'a0 if isinstance(node, rxd.node.Node1D) else ao'
    net.rxdParams['species'] = {
        label: {'regions': ['cyt', 'mem', 'ecs'], 'd': 1.0, 'initial': inside}
        for label in ('a', 'b', 'c')}
    net.rxdParams['states'] = {
        'gate': {'regions': ['cyt', 'mem'], 'initial': '2.0 if node.region == mem else 1.0'},
        'drift': {'regions': ['cyt'], 'initial': 1.0}}
    net.rxdParams['parameters'] = {
        'dump': {'regions': ['cyt', 'ecs']},
        'low': {'regions': ['ecs'], 'value': '1 if abs(node.x3d - ecs._xlo) < ecs._dx[0] '
                                             'else 0'},
        'high': {'regions': ['ecs'], 'value': '1 if abs(node.x3d - ecs._xhi) < ecs._dx[0] '
                                              'else 0'}}
    leak = {'product': 'dump[ecs]', 'membrane': 'mem', 'custom_dynamics': True}
    net.rxdParams['multicompartmentReactions'] = {
        'bare': {**leak, 'reactant': 'a[cyt]', 'rate_f': 'g * gate * (rxd.v + 70)'},
        'on_mem': {**leak, 'reactant': 'b[cyt]', 'rate_f': 'g * gate[mem] * (rxd.v + 70)'},
        'on_cyt': {**leak, 'reactant': 'c[cyt]', 'rate_f': 'g * gate[cyt] * (rxd.v + 70)'}}
    net.rxdParams['rates'] = {'drift': {'species': 'drift', 'rate': 'kv * (rxd.v + 70)'},
                              'hold': {'species': 'gate', 'rate': '0 * abs(rxd.v)'}}
    cfg = specs.SimConfig()
    cfg.duration, cfg.dt, cfg.hParams['v_init'] = 5.0, 0.025, V
    cfg.saveJson, cfg.saveSpikesSonata = False, False
    return net, cfg


def test_the_spreading_depression_vocabulary_runs_as_in_rxd(run_session):
    net, cfg = spreading_net()
    rxd = run_session(net, cfg).recordings.rxd
    # rxd.v in a rate: d(drift)/dt = 1e-3 * (v + 70) = 0.01 /ms for 5 ms
    np.testing.assert_allclose(rxd['drift[cyt]']['values'], 1.05, rtol=1e-9)
    # isinstance(node, rxd.node.Node1D): the inside starts at a0, the outside at ao and
    # keeps it (its reactions send their flux into dump, which does not change)
    np.testing.assert_allclose(rxd['a[ecs]']['values'], 140.0)
    np.testing.assert_allclose(rxd['dump[ecs]']['values'], 0.0)
    lost = {label: 10.0 - rxd[f'{label}[cyt]']['values'] for label in 'abc'}
    assert lost['a'].min() > 1e-4  # v = -60 > -70: the cells lose a, at a v-set rate
    # a bare 'gate' in a membrane rate is gate[mem] (2), not gate[cyt] (1)
    np.testing.assert_allclose(lost['a'], lost['b'], rtol=1e-12)
    np.testing.assert_allclose(lost['a'], 2 * lost['c'], rtol=1e-9)
    # abs and the region's geometry: the box is 6 voxels wide (120 um), its first and
    # last x planes are marked
    low, high = rxd['low[ecs]']['values'], rxd['high[ecs]']['values']
    assert low.shape == (6, 5, 5)
    assert low[0].min() == 1 and low[1:].max() == 0
    assert high[-1].min() == 1 and high[:-1].max() == 0


def test_bad_strings_are_still_refused_with_their_path():
    from neuroloom.errors import ExpressionError
    from neuroloom.validate import validate

    net, cfg = spreading_net()
    net.rxdParams['parameters']['low']['value'] = '1 if abs(node.x3d - ecs._xlow) < 1 else 0'
    net.rxdParams['multicompartmentReactions']['bare']['rate_f'] = 'g * (rxd.vv + 70)'
    with pytest.raises(ExpressionError) as err:
        validate(net, cfg)
    text = str(err.value)
    assert ("rxdParams.parameters['low'].value: unknown attribute '_xlow' of an "
            "extracellular region; did you mean '_xlo'?") in text
    assert ("rxdParams.multicompartmentReactions['bare'].rate_f: unknown name 'rxd.vv'; "
            "did you mean 'rxd.v'?") in text


def check_rxd_view(net):
    """The view's objects are held only while this runs: rxd's objects must be gone before
    the model is cleared (they keep NEURON's ion data in use)."""
    view = sim.net.rxd
    ecs = view['regions']['ecs']['hObj']
    assert type(ecs).__name__ == 'Extracellular'
    assert type(view['species']['a']['hObj'][ecs]).__name__ == 'SpeciesOnExtracellular'
    assert len(view.species['a']['hObj'].nodes) > 0  # attribute access, as init.py
    assert type(view['states']['gate']['hObj']).__name__ == 'State'
    assert type(view['parameters']['dump']['hObj']).__name__ == 'Parameter'
    assert sorted(view['multicompartmentReactions']) == ['bare', 'on_cyt', 'on_mem']
    assert all(type(r['hObj']).__name__ == 'MultiCompartmentReaction'
               for r in view['multicompartmentReactions'].values())
    assert sorted(view['rates']) == ['drift', 'hold']
    assert all(type(r['hObj']).__name__ == 'Rate' for r in view['rates'].values())
    assert net.rxdParams['species']['a'].get('hObj') is None  # the user's dict stays


def test_sim_net_rxd_hands_out_the_live_rxd_objects_as_netpyne():
    """spreadingDepression's init.py reads sim.net.rxd['species']['k']['hObj'][ecs] and
    walks sim.net.rxd.species['k']['hObj'].nodes."""
    net, cfg = spreading_net()
    sim.initialize(net, cfg)
    try:
        assert sim.net.rxd['species']['a']['d'] == 1.0  # the user's params, before NEURON
        assert 'hObj' not in sim.net.rxd['species']['a']
        sim.net.createPops(); sim.net.createCells(); sim.net.connectCells()
        sim.net.addStims(); sim.net.addRxD()
        check_rxd_view(net)
    finally:
        sim.clearAll()
