"""NetPyNE semantics the examples corpus showed neuroloom got wrong (issue 16), without
NEURON: a popParams cellModel that only a cellParams rule's conds name is a tag
(rxd_buffering), a NetStim population's start (subConn_IncomingNetStims), a VecStim
population's spike cap (M1detailed), plotfI's options and the f-I measures (evolCell).
Expected values that come from NetPyNE 1.1.1's source are marked so."""
import numpy as np
import pytest

from neuroloom import specs
from neuroloom.analysis.fi_curve import fi_features, fi_rates, find_peaks
from neuroloom.builder import network_from_specs
from neuroloom.engine.cells import vecstim_spike_cap
from neuroloom.errors import SpecError
from neuroloom.validate import validate


def rxd_buffering_net():
    """rxd_buffering's populations and rule: cellModel 'HH' and no cellType."""
    net = specs.NetParams()
    net.popParams['cell'] = {'numCells': 1, 'cellModel': 'HH'}
    net.cellParams['PYR'] = {'conds': {'cellModel': 'HH'}, 'secs': {'soma': {}}}
    return net


def test_a_cell_model_that_a_rule_selects_is_a_tag_of_compartmental_cells():
    network = network_from_specs(rxd_buffering_net())
    cell_type = network.cell_type_of(0)
    assert not cell_type.is_artificial
    assert [s.name for s in cell_type.sections] == ['soma']
    assert network.pop('cell').cell_model == 'HH'


def test_a_rule_selecting_the_population_by_label_makes_it_compartmental_too():
    net = specs.NetParams()
    net.popParams['P'] = {'numCells': 2, 'cellModel': 'Whatever'}
    net.cellParams['R'] = {'conds': {'pop': ['P', 'Q']}, 'secs': {'soma': {}}}
    assert not network_from_specs(net).cell_type_of(1).is_artificial


def test_a_cell_model_no_rule_selects_is_still_an_artificial_cell():
    net = rxd_buffering_net()
    net.popParams['if'] = {'numCells': 2, 'cellModel': 'IntFire1', 'tau': 5}
    net.popParams['mine'] = {'numCells': 1, 'cellModel': 'MyArtificial'}
    network = network_from_specs(net)
    assert network.cell_type_of(1).artificial.mod == 'IntFire1'
    assert network.cell_type_of(3).artificial.mod == 'MyArtificial'


def test_a_netstim_population_starts_at_neurons_default_start():
    net = specs.NetParams()
    net.popParams['N'] = {'cellModel': 'NetStim', 'numCells': 2, 'rate': 20, 'noise': 0.5}
    net.popParams['S'] = {'cellModel': 'NetStim', 'numCells': 1, 'rate': 20, 'start': 5}
    net.popParams['V'] = {'cellModel': 'VecStim', 'numCells': 1, 'rate': 20}
    network = network_from_specs(net)
    params = [dict(network.cell_type_of(g).artificial.params) for g in range(4)]
    # NetPyNE 1.1.1 (cell/pointCell.py) sets a NetStim's number, never its start: NEURON's 50
    assert params[0]['start'] == 50 and params[0]['number'] == 1e9
    assert params[2]['start'] == 5
    # its VecStim draws its own spikes from start 0 (pointCell.py: start defaults to 0.0)
    assert params[3]['start'] == 0


@pytest.mark.parametrize("interval, noise, duration, cap", [
    (100.0, 1.0, 100.0, 2),  # NetPyNE: int((1 + 1.5 * noise) * duration / interval)
    (1000 / 3, 1.0, 100.0, 0),  # a rate of 3 Hz fires no spike in 100 ms
    (1000 / 30, 0.0, 100.0, 3),
    (50.0, 0.5, 1000.0, 35),
])
def test_a_vecstim_population_fires_at_most_netpynes_number_of_spikes(interval, noise,
                                                                       duration, cap):
    assert vecstim_spike_cap({'interval': interval, 'noise': noise}, duration) == cap


def fi_cfg(**options):
    cfg = specs.SimConfig()
    cfg.analysis['plotfI'] = {'amps': [0.1, 0.2], 'times': [100, 600], 'dur': 400,
                              **options}
    return cfg


def test_plotfi_options_are_checked():
    net = rxd_buffering_net()
    validate(net, fi_cfg(targetRates=[5, 10], calculateOnset=True, durSteady=100,
                         calculateFeatures=['latencyPeak1', 'ampSpike2'], saveFig=True,
                         showFig=True, target={'rates': [4, 8], 'ISIPeak1': [3, 2]}))
    with pytest.raises(SpecError) as error:
        validate(net, fi_cfg(amps=None, times=[1, 2, 3], calculateFeatures=['latencyPeek1'],
                             targetRates=[1, 2, 3], target={'rate': [1, 2]}))
    text = str(error.value)
    assert "analysis['plotfI'].amps: is required" in text
    assert "calculateFeatures[0]" in text and "'latencyPeak1'" in text
    assert "analysis['plotfI'].target.rate: unknown key 'rate'; did you mean 'rates'?" in text
    with pytest.raises(SpecError, match=r"plotfI'\]\.targetRates: must be a list of one "
                                        r"value per amplitude"):
        validate(net, fi_cfg(targetRates=[1, 2, 3]))
    with pytest.raises(SpecError, match=r"plotfI'\]\.times: must give one start per "
                                        r"amplitude"):
        validate(net, fi_cfg(times=[100]))


def test_fi_rates_count_every_spike_in_each_step():
    spikes = [50, 100, 150, 180, 399.9, 400, 610, 620, 640, 700]
    # NetPyNE's calculatefI: spikes with t <= spkt < t + dur, per second
    out = fi_rates(spikes, times=[100, 600], dur=300, onset=True, dur_steady=100)
    assert out['fI'] == pytest.approx([4 / 0.3, 4 / 0.3])
    assert out['fI_onset'] == pytest.approx([1000 / 50, 1000 / 10])
    assert out['fI_steady'] == pytest.approx([10.0, 0.0])  # [300, 400) and [800, 900)
    assert set(fi_rates(spikes, [100], 300)) == {'fI'}


def test_fi_features_of_the_first_peaks():
    dt = 0.1
    t = np.arange(0, 300, dt)
    v = np.full(len(t), -70.0)
    for at, height in ((120.0, 30.0), (135.0, 20.0), (230.0, 25.0)):
        v[int(round(at / dt))] = height
        v[int(round(at / dt)) + 1] = height - 40  # a sharp peak
    out = fi_features(v, dt, times=[100, 200], dur=100, threshold=0.0,
                      features=['latencyPeak1', 'ISIPeak1', 'ampSpike1', 'ampSpike2'])
    assert out['fI_latencyPeak1'] == pytest.approx([20.0, 30.0])
    assert out['fI_ISIPeak1'] == pytest.approx([15.0, -1])
    assert out['fI_ampSpike1'] == pytest.approx([100.0, 95.0])  # above rest, -70
    assert out['fI_ampSpike2'] == pytest.approx([90.0, -1])  # none: threshold - 1


def test_find_peaks_keeps_the_highest_of_close_peaks_and_flat_tops_once():
    x = np.zeros(40)
    x[5], x[8] = 5.0, 7.0  # closer than 10 samples: the higher stays
    x[20:23] = 4.0  # a flat top: its middle
    x[35] = -1.0  # below the height
    peaks, heights = find_peaks(x, height=0.5, distance=10)
    assert peaks.tolist() == [8, 21] and heights.tolist() == [7.0, 4.0]


def test_the_synmechs_of_a_connection_share_its_random_section():
    net = specs.NetParams()
    dend = {'topol': {'parentSec': 'soma'}}
    net.cellParams['C'] = {'secs': {'soma': {}, 'a': dend, 'b': dend, 'c': dend},
                           'secLists': {'dends': ['a', 'b', 'c']}}
    net.popParams['P'] = {'cellType': 'C', 'numCells': 30}
    net.synMechParams['AMPA'] = {'mod': 'ExpSyn'}
    net.synMechParams['NMDA'] = {'mod': 'Exp2Syn'}
    net.connParams['P->P'] = {'preConds': {'pop': 'P'}, 'postConds': {'pop': 'P'},
                              'probability': 0.3, 'synMech': ['AMPA', 'NMDA'],
                              'sec': 'dends'}
    conns = network_from_specs(net).conns
    ampa = conns.syn_mech == 0
    # NetPyNE draws the section of a single synapse from (post gid, pre gid): every synMech
    # of the connection goes there (M1detailed's AMPA+NMDA, which subConnParams then
    # move together as groupSynMechs)
    assert np.array_equal(conns.pre_gid[ampa], conns.pre_gid[~ampa])
    assert np.array_equal(conns.sec[ampa], conns.sec[~ampa])
    assert len(set(conns.sec[ampa].tolist())) == 3  # and the sections still vary
