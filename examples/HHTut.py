"""Parameters of tutorial 1: 200 randomly connected Hodgkin-Huxley cells.

neuroloom's own version of the tutorial's HHTut parameter module (one population 'PYR' of
single-compartment HH cells, noisy background input, random recurrent excitation).
"""
from neuroloom import specs

netParams = specs.NetParams()

netParams.cellParams['PYR'] = {
    'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
                      'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}}}}}

netParams.popParams['PYR'] = {'cellModel': 'HH', 'cellType': 'PYR', 'numCells': 200}

netParams.synMechParams['AMPA'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 1.0, 'e': 0}

netParams.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.5, 'start': 1}
netParams.stimTargetParams['bkg->PYR'] = {'source': 'bkg', 'conds': {'pop': 'PYR'},
                                          'weight': 0.1, 'delay': 3, 'synMech': 'AMPA'}

netParams.connParams['PYR->PYR'] = {
    'preConds': {'pop': 'PYR'}, 'postConds': {'pop': 'PYR'},
    'convergence': 8,        # presynaptic cells per cell
    'weight': 0.002,
    'delay': 13.2,           # ms
    'synMech': 'AMPA'}

simConfig = specs.SimConfig()
simConfig.duration = 1*1e3
simConfig.dt = 0.025
simConfig.seeds = {'conn': 1, 'stim': 1, 'loc': 1}
simConfig.hParams = {'v_init': -71}
simConfig.verbose = False
simConfig.recordTraces = {'Vsoma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}}
simConfig.recordStep = 0.1
simConfig.filename = 'HHTut'
simConfig.savePickle = False

simConfig.analysis['plotRaster'] = {'saveFig': True}
simConfig.analysis['plotTraces'] = {'include': [2], 'saveFig': True}
simConfig.analysis['plot2Dnet'] = {'saveFig': True}
