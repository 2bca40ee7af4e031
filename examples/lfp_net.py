"""Tutorial 9, second example: the LFP of a tutorial-5-style network.

Tutorial 5's layers (E2/I2, E4/I4, E5/I5, 50 cells each, in a 100 x 1000 x 100 um
column), with cells that have dendrites: a one-compartment cell's membrane currents add
up to zero, so only cells with several compartments make an LFP. Excitatory cells have a
soma, an apical dendrite pointing to the surface and a basal one; inhibitory cells a soma
and one short dendrite; all with 3D points, so their orientation is the one given here
(y up: towards smaller depth). Excitatory synapses are on the dendrites, inhibitory ones
on the somas. Four electrodes in the middle of the column, at depths 200 to 800 um,
record the LFP; each population's own LFP and the network's current dipole are kept too.
"""
from neuroloom import specs, sim

netParams = specs.NetParams()
netParams.sizeX = 100
netParams.sizeY = 1000             # cortical depth (um)
netParams.sizeZ = 100
netParams.propVelocity = 100.0     # um/ms
netParams.probLengthConst = 150.0  # um

hh = {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}
passive = {'g': 0.0001, 'e': -70}
netParams.cellParams['E'] = {'secs': {
    'soma': {'geom': {'pt3d': [[0, -9, 0, 18], [0, 9, 0, 18]], 'Ra': 120},
             'mechs': {'hh': hh}},
    'dend': {'geom': {'pt3d': [[0, 9, 0, 3], [0, 130, 0, 2.5], [0, 250, 0, 2]],
                      'nseg': 5, 'Ra': 150},
             'topol': {'parentSec': 'soma', 'parentX': 1, 'childX': 0},
             'mechs': {'pas': passive}},
    'bdend': {'geom': {'pt3d': [[0, -9, 0, 2], [20, -60, 0, 1.5], [30, -110, 0, 1.5]],
                       'nseg': 3, 'Ra': 150},
              'topol': {'parentSec': 'soma', 'parentX': 0, 'childX': 0},
              'mechs': {'pas': passive}}}}
netParams.cellParams['I'] = {'secs': {
    'soma': {'geom': {'pt3d': [[0, -6, 0, 12], [0, 6, 0, 12]], 'Ra': 110},
             'mechs': {'hh': hh}},
    'dend': {'geom': {'pt3d': [[0, 6, 0, 1.5], [0, 106, 0, 1]], 'nseg': 3, 'Ra': 150},
             'topol': {'parentSec': 'soma', 'parentX': 1, 'childX': 0},
             'mechs': {'pas': passive}}}}

netParams.popParams['E2'] = {'cellType': 'E', 'numCells': 50, 'yRange': [100, 300]}
netParams.popParams['I2'] = {'cellType': 'I', 'numCells': 50, 'yRange': [100, 300]}
netParams.popParams['E4'] = {'cellType': 'E', 'numCells': 50, 'yRange': [300, 600]}
netParams.popParams['I4'] = {'cellType': 'I', 'numCells': 50, 'yRange': [300, 600]}
netParams.popParams['E5'] = {'cellType': 'E', 'numCells': 50, 'ynormRange': [0.6, 1.0]}
netParams.popParams['I5'] = {'cellType': 'I', 'numCells': 50, 'ynormRange': [0.6, 1.0]}

netParams.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.8, 'tau2': 5.3, 'e': 0}
netParams.synMechParams['inh'] = {'mod': 'Exp2Syn', 'tau1': 0.6, 'tau2': 8.5, 'e': -75}

netParams.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 20, 'noise': 0.3}
netParams.stimTargetParams['bkg->all'] = {'source': 'bkg', 'conds': {'cellType': ['E', 'I']},
                                          'sec': 'dend', 'loc': 0.2, 'weight': 0.02,
                                          'delay': 'max(1, normal(5,2))', 'synMech': 'exc'}

netParams.connParams['E->all'] = {
    'preConds': {'cellType': 'E'}, 'postConds': {'y': [100, 1000]},
    'probability': 0.1, 'weight': '0.01*post_ynorm', 'delay': 'dist_3D/propVelocity',
    'sec': 'dend', 'loc': 0.5, 'synMech': 'exc'}
netParams.connParams['I->E'] = {
    'preConds': {'cellType': 'I'}, 'postConds': {'pop': ['E2', 'E4', 'E5']},
    'probability': '0.4*exp(-dist_3D/probLengthConst)', 'weight': 0.002,
    'delay': 'dist_3D/propVelocity', 'sec': 'soma', 'synMech': 'inh'}

simConfig = specs.SimConfig()
simConfig.duration = 500           # ms
simConfig.dt = 0.05
simConfig.recordStep = 0.5         # ms, also the LFP's sampling
simConfig.recordTraces = {'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}}
simConfig.recordLFP = [[50, depth, 50] for depth in (200, 400, 600, 800)]  # um, y is depth
simConfig.saveLFPPops = True       # each population's own LFP: simData['LFPPops']
simConfig.recordDipole = True      # the network's current dipole: simData['dipoleSum']
simConfig.filename = 'lfp_net'
simConfig.saveJson = True

simConfig.analysis['plotRaster'] = {'orderBy': 'y', 'orderInverse': True, 'saveFig': True}
simConfig.analysis['plotTraces'] = {'include': [('E2', 0), ('E4', 0), ('E5', 5)],
                                    'saveFig': True}
simConfig.analysis['plotLFP'] = {'timeRange': [100, 500], 'figSize': (8, 10), 'saveFig': True}

sim.createSimulateAnalyze(netParams=netParams, simConfig=simConfig)
