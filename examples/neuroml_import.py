"""Import a NeuroML2 model written elsewhere (examples/data/izh_chain.net.nml, two
populations of Izhikevich cells, a current pulse and a projection), simulate it and plot it,
as NetPyNE's sim.importNeuroML2SimulateAnalyze does."""
from pathlib import Path

from neuroloom import specs, sim

simConfig = specs.SimConfig()
simConfig.duration = 200              # ms
simConfig.dt = 0.025
simConfig.recordCells = ['all']
simConfig.recordTraces = {'V': {'var': 'v'}}
simConfig.filename = 'izh_chain'
simConfig.analysis['plotRaster'] = {'saveFig': True}
simConfig.analysis['plotTraces'] = {'include': [0, 3], 'saveFig': True}

model = sim.importNeuroML2SimulateAnalyze(Path(__file__).parent / 'data' / 'izh_chain.net.nml',
                                          simConfig)
print('populations:', [pop.label for pop in model.network.pops])
print('spikes per cell:', {int(g): int((sim.allSimData['spkid'] == g).sum())
                           for g in range(model.network.num_cells)})
