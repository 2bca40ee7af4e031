"""The NetPyNE semantics of cells and connectivity, run on NEURON and checked against
NetPyNE 1.1.1: a network without randomness that uses cellParams conds (rules merged by
position), diversity, cell vars and string mechanism parameters, weightNorm, connParams
threshold, synapses spread over sections and subConnParams (1D map, cartesian distance).
The expected spikes, synapse places and weights were computed by NetPyNE 1.1.1 (its venv)
on the same specs; they must be identical."""
import numpy as np
import pytest

from neuroloom import sim, specs
from neuroloom.sim import state


def model():
    net = specs.NetParams()
    net.sizeY = 1000
    soma = {'geom': {'diam': 18, 'L': 18, 'Ra': 120}, 'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}}}
    dend = {'geom': {'diam': 1.5, 'L': 300, 'Ra': 150, 'nseg': 5},
            'topol': {'parentSec': 'soma', 'parentX': 1.0, 'childX': 0},
            'mechs': {'pas': {'g': 'g0 + 2e-8 * dist_path', 'e': -70}},
            'weightNorm': [1.0, 1.5, 2.0, 2.5, 3.0]}
    apic = {'geom': {'diam': 1.0, 'L': 200, 'Ra': 150, 'nseg': 4},
            'topol': {'parentSec': 'dend', 'parentX': 1.0, 'childX': 0},
            'mechs': {'pas': {'g': 4e-5, 'e': -70}},
            'weightNorm': [0.5, 1.0, 1.5, 2.0]}
    net.cellParams['base'] = {'conds': {'cellType': 'PYR'}, 'vars': {'g0': 3e-5},
                              'secs': {'soma': soma, 'dend': dend, 'apic': apic},
                              'secLists': {'dendrites': ['dend', 'apic']}}
    # deeper cells: more sodium (merged over 'base')
    net.cellParams['deep'] = {'conds': {'cellType': 'PYR', 'ynorm': [0.5, 1.0]},
                              'secs': {'soma': {'mechs': {'hh': {'gnabar': 0.16}}}}}
    # interneurons: two variants by diversityFraction
    for label, diam, frac in (('INT1', 10, 0.4), ('INT2', 14, 0.6)):
        net.cellParams[label] = {'conds': {'cellType': 'INT'}, 'diversityFraction': frac,
                                 'secs': {'soma': {'geom': {'diam': diam, 'L': diam},
                                                   'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}},
                                                   'threshold': 0}}}
    net.popParams['S'] = {'cellType': 'PYR', 'cellsList': [
        {'x': 10, 'y': 100 + 150 * i, 'z': 20} for i in range(6)]}
    net.popParams['I'] = {'cellType': 'INT', 'diversity': True, 'cellsList': [
        {'x': 50, 'y': 200 * i + 50, 'z': 50} for i in range(5)]}
    net.popParams['M'] = {'cellType': 'PYR', 'cellsList': [
        {'x': 80, 'y': 300 + 400 * i, 'z': 70} for i in range(2)]}
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.5, 'tau2': 5.0, 'e': 0}
    net.synMechParams['inh'] = {'mod': 'Exp2Syn', 'tau1': 0.5, 'tau2': 8.0, 'e': -80}
    net.stimSourceParams['drive'] = {'type': 'IClamp', 'del': 5, 'dur': 200, 'amp': 0.5}
    net.stimTargetParams['drive->S'] = {'source': 'drive', 'conds': {'pop': 'S'}, 'sec': 'soma', 'loc': 0.5}
    net.stimSourceParams['spikes'] = {'type': 'NetStim', 'interval': 20, 'number': 10, 'start': 3, 'noise': 0}
    net.stimTargetParams['spikes->I'] = {'source': 'spikes', 'conds': {'pop': 'I'}, 'weight': 0.02, 'delay': 1, 'synMech': 'exc'}
    net.stimTargetParams['spikes->M'] = {'source': 'spikes', 'conds': {'pop': 'M'}, 'weight': 0.004, 'delay': 2,
                                         'synMech': 'exc', 'sec': 'dend', 'loc': 0.7}
    net.connParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                              'connList': [[i, j] for i in range(6) for j in range(2)],
                              'synMech': 'exc', 'weight': 0.02, 'delay': 3, 'sec': 'dendrites',
                              'synsPerConn': 3, 'threshold': 10}
    net.connParams['S->I'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'I'},
                              'connList': [[i, i % 5] for i in range(6)],
                              'synMech': 'exc', 'weight': 0.01, 'delay': 2}
    net.connParams['I->S'] = {'preConds': {'pop': 'I'}, 'postConds': {'pop': 'S'},
                              'connList': [[i % 5, i] for i in range(6)],
                              'synMech': 'inh', 'weight': 0.003, 'delay': 2, 'sec': 'dend', 'loc': 0.1}
    # M's synapses from S: 1D density map over the dendrites' depth, relative to the soma
    grid_y = [float(y) for y in range(-600, 101, 50)]
    net.subConnParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                                 'sec': ['dend', 'apic'],
                                 'density': {'type': '1Dmap', 'gridY': grid_y,
                                             'gridValues': [abs(y + 250) / 100 + 0.2 for y in grid_y],
                                             'fixedSomaY': 0}}
    # I's inputs onto S: all to the segment nearest 250 um (straight line) from the soma
    net.subConnParams['I->S'] = {'preConds': {'pop': 'I'}, 'postConds': {'pop': 'S'},
                                 'sec': 'dendrites',
                                 'density': {'type': 'distance', 'ref_sec': 'soma', 'ref_seg': 0.5,
                                             'target_distance': 250, 'coord': 'cartesian'}}
    net.defineCellShapes = True
    cfg = specs.SimConfig()
    cfg.duration = 150
    cfg.dt = 0.025
    cfg.hParams = {'celsius': 6.3, 'v_init': -65}
    cfg.verbose = False
    cfg.saveJson = False
    cfg.savePickle = False
    cfg.recordTraces = {}
    cfg.saveSpikesSonata = False
    cfg.progress = False
    cfg.timing = False
    return net, cfg


# NetPyNE 1.1.1: (gid, spike time)
SPIKES = [
    (0, 7.75), (1, 7.75), (2, 7.75), (3, 7.25), (4, 7.25),
    (5, 7.25), (6, 4.75), (6, 25.1), (6, 44.825), (6, 64.825),
    (6, 84.825), (6, 104.825), (6, 124.825), (6, 144.825), (7, 4.75),
    (7, 24.95), (7, 44.825), (7, 64.825), (7, 84.825), (7, 104.825),
    (7, 124.825), (7, 144.825), (8, 5.0), (8, 25.125), (8, 45.05),
    (8, 65.05), (8, 85.05), (8, 105.05), (8, 125.05), (8, 145.05),
    (9, 5.0), (9, 25.125), (9, 45.05), (9, 65.05), (9, 85.05),
    (9, 105.05), (9, 125.05), (9, 145.05), (10, 5.0), (10, 25.125),
    (10, 45.05), (10, 65.05), (10, 85.05), (10, 105.05), (10, 125.05),
    (10, 145.05), (11, 11.75), (12, 11.675),
]
# NetPyNE 1.1.1: (post gid, pre gid, section, location, weight) of every synapse
CONNS = [
    (0, 6, 'dend', 0.9, 0.0075), (1, 7, 'dend', 0.9, 0.0075), (2, 8, 'dend', 0.9, 0.0075),
    (3, 9, 'dend', 0.9, 0.0075), (4, 10, 'dend', 0.9, 0.0075), (5, 6, 'dend', 0.9, 0.0075),
    (6, 0, 'soma', 0.5, 0.01), (6, 5, 'soma', 0.5, 0.01), (7, 1, 'soma', 0.5, 0.01),
    (8, 2, 'soma', 0.5, 0.01), (9, 3, 'soma', 0.5, 0.01), (10, 4, 'soma', 0.5, 0.01),
    (11, 0, 'apic', 0.375, 0.02), (11, 0, 'dend', 0.1, 0.06), (11, 0, 'dend', 0.7, 0.05),
    (11, 1, 'apic', 0.625, 0.02), (11, 1, 'dend', 0.3, 0.03), (11, 1, 'dend', 0.9, 0.05),
    (11, 2, 'apic', 0.625, 0.02), (11, 2, 'dend', 0.3, 0.03), (11, 2, 'dend', 0.9, 0.05),
    (11, 3, 'apic', 0.125, 0.04), (11, 3, 'apic', 0.875, 0.04), (11, 3, 'dend', 0.5, 0.03),
    (11, 4, 'apic', 0.125, 0.04), (11, 4, 'apic', 0.875, 0.04), (11, 4, 'dend', 0.5, 0.03),
    (11, 5, 'apic', 0.375, 0.02), (11, 5, 'apic', 0.875, 0.04), (11, 5, 'dend', 0.7, 0.05),
    (12, 0, 'apic', 0.375, 0.02), (12, 0, 'dend', 0.1, 0.06), (12, 0, 'dend', 0.7, 0.05),
    (12, 1, 'apic', 0.625, 0.02), (12, 1, 'dend', 0.3, 0.03), (12, 1, 'dend', 0.9, 0.05),
    (12, 2, 'apic', 0.625, 0.02), (12, 2, 'dend', 0.3, 0.03), (12, 2, 'dend', 0.9, 0.05),
    (12, 3, 'apic', 0.125, 0.04), (12, 3, 'apic', 0.875, 0.04), (12, 3, 'dend', 0.5, 0.03),
    (12, 4, 'apic', 0.125, 0.04), (12, 4, 'apic', 0.875, 0.04), (12, 4, 'dend', 0.5, 0.03),
    (12, 5, 'apic', 0.375, 0.02), (12, 5, 'apic', 0.875, 0.04), (12, 5, 'dend', 0.7, 0.05),
]
# NetPyNE 1.1.1: the NetStim stimuli's (gid, section, location, weight)
STIMS = [
    (6, 'soma', 0.5, 0.02), (7, 'soma', 0.5, 0.02), (8, 'soma', 0.5, 0.02), (9, 'soma', 0.5, 0.02),
    (10, 'soma', 0.5, 0.02), (11, 'dend', 0.7, 0.01), (12, 'dend', 0.7, 0.01),
]
# NetPyNE 1.1.1: the cellParams rules of each cell
RULES = {0: ["base"], 1: ["base"], 2: ["base"], 3: ["base", "deep"], 4: ["base", "deep"],
         5: ["base", "deep"], 6: ["INT1"], 7: ["INT1"], 8: ["INT2"], 9: ["INT2"], 10: ["INT2"],
         11: ["base"], 12: ["base", "deep"]}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    net, cfg = model()
    cfg.saveFolder = str(tmp_path_factory.mktemp("semantics"))
    sim.createSimulate(netParams=net, simConfig=cfg)
    yield state.current()
    state.current().clear()


def test_same_rules_synapses_and_weights_as_netpyne(run):
    network = run.network
    assert {g: network.cell_type_of(g).label.split("@")[0].split("+") for g in range(13)} == RULES
    cells = sim.net.cells
    got = sorted((c.gid, int(x["preGid"]), x["sec"], round(float(x["loc"]), 6),
                  round(float(x["weight"]), 9)) for c in cells for x in c.conns
                 if x["preGid"] != "NetStim")  # those are the stims, below
    assert got == CONNS
    stims = sorted((c.gid, s["sec"], round(s["loc"], 6), round(s["weight"], 9))
                   for c in cells for s in c.stims if s["type"] == "NetStim")
    assert stims == STIMS
    labels = {c.gid: c.tags["cellType"] for c in cells}
    assert {labels[g] for g in range(6)} == {"PYR"}  # the tag, whichever rules
    dend = cells[-1].secs["dend"]["hObj"]
    assert [round(seg.pas.g, 12) for seg in dend] == [3.078e-05, 3.198e-05, 3.318e-05, 3.438e-05, 3.558e-05]


def test_same_spikes_as_netpyne(run):
    got = sorted(zip(np.asarray(sim.allSimData["spkid"], int).tolist(),
                     np.round(np.asarray(sim.allSimData["spkt"], float), 4).tolist()))
    assert got == SPIKES
