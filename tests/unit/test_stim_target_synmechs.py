"""stimTargetParams of spike sources as NetPyNE 1.1.1 reads them (network/stim.py
_addCellStim, CompartCell.addStim/addConn): a rule may list synMechs; each gets synsPerConn
synapses, synMech after synMech (NetPyNE's order in cell.conns and cell.stims, a NetStim
each); weight, delay and loc lists give one value per synMech (with one synMech and
synsPerConn, one per synapse); synMechWeightFactor, synMechDelayFactor and synMechLocFactor
scale the value per synMech when there are several. The expected rows are NetPyNE 1.1.1's
cell.conns for the same rules (run in its venv)."""
import warnings

import numpy as np
import pytest

from neuroloom import specs
from neuroloom.builder import network_from_specs
from neuroloom.errors import SpecError


def net_with(**rules):
    """Two cells (soma and a 200 um dend), two synMechs, a NetStim and ``rules``."""
    net = specs.NetParams()
    net.cellParams['PYR'] = {'secs': {
        'soma': {'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
                 'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}}},
        'dend': {'geom': {'diam': 2, 'L': 200},
                 'topol': {'parentSec': 'soma', 'parentX': 1, 'childX': 0}}}}
    net.popParams['S'] = {'cellType': 'PYR', 'numCells': 2}
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': 0}
    net.synMechParams['inh'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': -80}
    net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 50, 'noise': 1}
    net.stimSourceParams['clamp'] = {'type': 'IClamp', 'del': 1, 'dur': 1, 'amp': 0.1}
    for label, rule in rules.items():
        net.stimTargetParams[label] = {'source': 'bkg', 'conds': {'pop': 'S'}, **rule}
    return net


def rows_of(network, gid=0):
    """(sec, loc, synMech, weight, delay) of the cell's stimulus rows, in table order."""
    s = network.stims
    mine = np.flatnonzero(s.gid == gid).tolist()
    return [(network.section_names[s.sec[i]], round(float(s.loc[i]), 6),
             network.syn_mechs[s.syn_mech[i]].label, round(float(s.weight[i]), 9),
             float(s.delay[i])) for i in mine]


def test_a_list_of_synmechs_takes_one_value_of_each_list():
    network = network_from_specs(net_with(r={
        'synMech': ['exc', 'inh'], 'weight': [0.001, 0.002], 'delay': [1, 2],
        'loc': [0.2, 0.7], 'sec': 'dend'}))
    assert len(network.stims) == 4
    for gid in (0, 1):
        assert rows_of(network, gid) == [('dend', 0.2, 'exc', 0.001, 1.0),
                                         ('dend', 0.7, 'inh', 0.002, 2.0)]


def test_factors_scale_weight_delay_and_loc_per_synmech():
    network = network_from_specs(net_with(r={
        'synMech': ['exc', 'inh'], 'weight': 0.01, 'delay': 3, 'loc': 0.5,
        'synMechWeightFactor': [0.5, 2], 'synMechDelayFactor': [1, 2],
        'synMechLocFactor': [0.4, 1.5]}))
    assert rows_of(network) == [('soma', 0.2, 'exc', 0.005, 3.0),
                                ('soma', 0.75, 'inh', 0.02, 6.0)]


def test_each_synmech_gets_synsperconn_synapses_synmech_after_synmech():
    network = network_from_specs(net_with(r={
        'synMech': ['exc', 'inh'], 'weight': [0.1, 0.2], 'synsPerConn': 2, 'sec': 'dend'}))
    assert rows_of(network) == [('dend', 0.25, 'exc', 0.1, 1.0), ('dend', 0.75, 'exc', 0.1, 1.0),
                                ('dend', 0.25, 'inh', 0.2, 1.0), ('dend', 0.75, 'inh', 0.2, 1.0)]


def test_one_synmech_lists_run_over_its_synapses():
    network = network_from_specs(net_with(r={
        'synMech': 'exc', 'synsPerConn': 3, 'weight': [0.1, 0.2, 0.3], 'delay': [1, 2, 3],
        'loc': [0.1, 0.5, 0.9]}))
    assert rows_of(network) == [('soma', 0.1, 'exc', 0.1, 1.0), ('soma', 0.5, 'exc', 0.2, 2.0),
                                ('soma', 0.9, 'exc', 0.3, 3.0)]
    spaced = network_from_specs(net_with(r={'synMech': 'exc', 'synsPerConn': 3}))
    assert [r[1] for r in rows_of(spaced)] == [0.166667, 0.5, 0.833333]


def test_factors_of_one_synmech_or_beside_a_list_have_no_effect_with_a_warning():
    plain = rows_of(network_from_specs(net_with(r={'synMech': ['exc'], 'weight': 0.01})))
    with pytest.warns(UserWarning, match=r"stimTargetParams\['r'\]: synMechWeightFactor "
                                         r"has no effect with one synMech"):
        # as NetPyNE's M1detailed NetStim inputs: synMech ['AMPA'], synMechWeightFactor [1.0]
        network = network_from_specs(net_with(r={'synMech': ['exc'], 'weight': 0.01,
                                                 'synMechWeightFactor': [2.0]}))
    assert rows_of(network) == plain
    with pytest.warns(UserWarning, match="synMechDelayFactor has no effect with a list"):
        network = network_from_specs(net_with(r={'synMech': ['exc', 'inh'],
                                                 'delay': [1, 2],
                                                 'synMechDelayFactor': [3, 3]}))
    assert [r[4] for r in rows_of(network)] == [1.0, 2.0]


@pytest.mark.parametrize("rule, message", [
    ({'synMech': ['exc', 'inh'], 'weight': [1, 2, 3]},
     r"stimTargetParams\['r'\]\.weight: has 3 values for 2 synMechs"),
    ({'synMech': ['exc', 'inh'], 'synMechWeightFactor': [1]},
     r"stimTargetParams\['r'\]\.synMechWeightFactor: must be a list with one number per "
     + r"synMech \(2\)"),
    ({'synMech': ['exc', 'inh'], 'synMechLocFactor': [1, 2]},
     r"stimTargetParams\['r'\]\.synMechLocFactor: scales 'loc', which is not given"),
    ({'synMech': ['exc', 'inh'], 'loc': 0.8, 'synMechLocFactor': [1, 2]},
     r"stimTargetParams\['r'\]\.synMechLocFactor: puts synapses outside their section"),
    ({'synMech': ['exc', 'inh'], 'loc': '0.3 + 0 * post_y', 'synMechLocFactor': [1, 4]},
     r"stimTargetParams\['r'\]\.synMechLocFactor: puts synapses outside their section"),
    ({'synMech': ['exc', 'inhh']},
     r"stimTargetParams\['r'\]\.synMech: unknown synMech 'inhh'; did you mean 'inh'\?"),
    ({'synMech': 'exc', 'weight': [1, 2]},
     r"stimTargetParams\['r'\]\.weight: a list is only allowed with a list of synMechs"),
    ({'synMech': 'exc', 'synsPerConn': 3, 'loc': [0.1, 0.2]},
     r"stimTargetParams\['r'\]\.loc: has 2 values for 3 synapses"),
    # NetPyNE refuses an explicit single location for several synapses on one section
    ({'synMech': 'exc', 'synsPerConn': 3, 'loc': 0.5},
     r"stimTargetParams\['r'\]\.loc: a single location for several synapses"),
])
def test_bad_synmech_lists_and_factors_are_errors_naming_the_key(rule, message):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SpecError, match=message):
            network_from_specs(net_with(r=rule))


def test_factors_are_not_keys_of_current_clamps():
    net = net_with()
    net.stimTargetParams['c'] = {'source': 'clamp', 'conds': {'pop': 'S'},
                                 'synMechWeightFactor': [1, 2]}
    with pytest.raises(SpecError, match=r"stimTargetParams\['c'\]\.synMechWeightFactor: is "
                                        r"not used by IClamp stimuli"):
        network_from_specs(net)
