"""sim.net.cells[i].conns as NetPyNE 1.1.1 lists them: the cell's connections, then the
synapses its NetStim stimuli drive (NetPyNE's CompartCell.addStim makes them with addConn,
preGid 'NetStim'): keys preGid, sec, loc, synMech, weight, delay, preLoc, preLabel (the
source; no 'label'), and hObj, the NetCon; in the order of stimTargetParams, then synapse.
The expected lists were printed by NetPyNE 1.1.1 (its venv) on the same specs."""
import numpy as np
import pytest

from neuroloom import sim, specs
from neuroloom.engine.neuron_env import neuron_h
from neuroloom.sim import state


def netpyne_specs():
    net = specs.NetParams()
    net.popParams['E'] = {'cellType': 'E', 'numCells': 3}
    net.popParams['S'] = {'cellModel': 'NetStim', 'numCells': 2, 'rate': 10, 'noise': 0}
    net.cellParams['E'] = {'secs': {
        'soma': {'geom': {'diam': 10, 'L': 10}, 'mechs': {'hh': {}}},
        'dend': {'geom': {'diam': 2, 'L': 100},
                 'topol': {'parentSec': 'soma', 'parentX': 1, 'childX': 0}}}}
    net.synMechParams['AMPA'] = {'mod': 'Exp2Syn'}
    net.synMechParams['NMDA'] = {'mod': 'Exp2Syn', 'tau2': 15}
    net.connParams['S->E'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'E'},
                              'probability': 1, 'weight': 0.01, 'synMech': 'AMPA'}
    net.connParams['E->E'] = {'preConds': {'pop': 'E'}, 'postConds': {'pop': 'E'},
                              'probability': 1, 'weight': 0.005, 'synMech': 'AMPA',
                              'sec': 'dend'}
    net.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
    net.stimSourceParams['ic'] = {'type': 'IClamp', 'del': 1, 'dur': 5, 'amp': 0.1}
    net.stimSourceParams['drive'] = {'type': 'NetStim', 'interval': 20, 'noise': 0}
    net.stimTargetParams['bkg->E'] = {'source': 'bkg', 'conds': {'pop': 'E'}, 'weight': 0.02,
                                      'delay': 2, 'synMech': 'NMDA', 'sec': 'dend',
                                      'synsPerConn': 2}
    net.stimTargetParams['ic->E'] = {'source': 'ic', 'conds': {'pop': 'E'}, 'sec': 'soma',
                                     'loc': 0.5}
    net.stimTargetParams['drive->E0'] = {'source': 'drive',
                                         'conds': {'pop': 'E', 'cellList': [0]},
                                         'weight': 0.03, 'delay': 1.5, 'synMech': 'AMPA',
                                         'loc': 0.3}
    cfg = specs.SimConfig()
    cfg.duration = 10
    cfg.analysis, cfg.saveJson, cfg.saveSpikesSonata = {}, False, False
    return net, cfg


def conn(pre, sec, syn, weight, label):
    return {'preGid': pre, 'sec': sec, 'loc': 0.5, 'synMech': syn, 'weight': weight,
            'delay': 1.0, 'label': label}


def stim(sec, loc, syn, weight, delay, source):
    return {'preGid': 'NetStim', 'sec': sec, 'loc': loc, 'synMech': syn, 'weight': weight,
            'delay': delay, 'preLoc': 0.5, 'preLabel': source}


#: NetPyNE 1.1.1's sim.net.cells[0].conns and [1].conns (without hObj)
NETPYNE = {
    0: [conn(3, 'soma', 'AMPA', 0.01, 'S->E'), conn(4, 'soma', 'AMPA', 0.01, 'S->E'),
        conn(1, 'dend', 'AMPA', 0.005, 'E->E'), conn(2, 'dend', 'AMPA', 0.005, 'E->E'),
        stim('dend', 0.25, 'NMDA', 0.02, 2.0, 'bkg'), stim('dend', 0.75, 'NMDA', 0.02, 2.0, 'bkg'),
        stim('soma', 0.3, 'AMPA', 0.03, 1.5, 'drive')],
    1: [conn(3, 'soma', 'AMPA', 0.01, 'S->E'), conn(4, 'soma', 'AMPA', 0.01, 'S->E'),
        conn(0, 'dend', 'AMPA', 0.005, 'E->E'), conn(2, 'dend', 'AMPA', 0.005, 'E->E'),
        stim('dend', 0.25, 'NMDA', 0.02, 2.0, 'bkg'), stim('dend', 0.75, 'NMDA', 0.02, 2.0, 'bkg')],
}


@pytest.fixture
def clean():
    yield
    if state.peek() is not None:
        state.peek().clear()
    assert list(neuron_h().allsec()) == []


def without_netcons(conns):
    return [{k: v for k, v in c.items() if k != 'hObj'} for c in conns]


def test_cell_conns_list_netstim_stimuli_after_the_connections_as_netpyne(clean):
    sim.create(*netpyne_specs())
    cells = sim.net.cells
    for gid, expected in NETPYNE.items():
        conns = cells[gid].conns
        assert without_netcons(conns) == expected
        # every entry has its NetCon, which holds its weight and delay
        assert all(c['hObj'].weight[0] == pytest.approx(c['weight']) and
                   c['hObj'].delay == pytest.approx(c['delay']) for c in conns)
        stims = [c for c in conns if c['preGid'] == 'NetStim']
        assert [c['hObj'] for c in stims] == [s['hNetcon'] for s in cells[gid].stims
                                              if s['type'] == 'NetStim']
    network = state.current().network
    spiking = np.count_nonzero(network.stims.syn_mech >= 0)  # the IClamps are not conns
    assert sum(len(c.conns) for c in cells) == len(network.conns) + spiking == 12 + 7


def test_walking_the_conns_reads_every_netcon_weight_as_intervalsaveweights_does(clean):
    # NetPyNE's intervalSaveWeights example: conn['hObj'].weight[0] of every cell.conns
    net, cfg = netpyne_specs()
    sim.create(net, cfg)
    weights = [float(c['hObj'].weight[0]) for cell in sim.net.cells for c in cell.conns]
    assert len(weights) == 19
    assert weights[:7] == pytest.approx([0.01, 0.01, 0.005, 0.005, 0.02, 0.02, 0.03])


def test_stimuli_appear_once_added_as_in_netpyne(clean):
    net, cfg = netpyne_specs()
    sim.initialize(netParams=net, simConfig=cfg)
    sim.net.createPops()
    sim.net.createCells()
    sim.net.connectCells()
    assert [c['preGid'] for c in sim.net.cells[0].conns] == [3, 4, 1, 2]
    sim.net.addStims()
    conns = sim.net.cells[0].conns
    assert [c['preGid'] for c in conns] == [3, 4, 1, 2] + ['NetStim'] * 3
    assert all('hObj' in c for c in conns)
