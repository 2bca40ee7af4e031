"""A conversion round trip: tutorial 2's network -> NeuroML2 (HDF5) -> SONATA -> back, each
step through neuroloom's one network model; every form fires the same spikes.
(`neuroloom convert tut2.py tut2.net.h5 --check` does one step from the command line.)"""
import numpy as np

from neuroloom import sim, specs


def spikes():
    sim.simulate()
    return sim.allSimData['spkt'].copy(), sim.allSimData['spkid'].copy()


# tutorial 2's network, with a shorter run and no data files or figures
netParams = specs.NetParams()
netParams.cellParams['PYR'] = {'secs': {'soma': {
    'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
    'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}}}}}
netParams.popParams['S'] = {'cellType': 'PYR', 'numCells': 20}
netParams.popParams['M'] = {'cellType': 'PYR', 'numCells': 20}
netParams.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': 0}
netParams.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
netParams.stimTargetParams['bkg->PYR'] = {'source': 'bkg', 'conds': {'cellType': 'PYR'},
                                          'weight': 0.01, 'delay': 5, 'synMech': 'exc'}
netParams.connParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                                'probability': 0.5, 'weight': 0.01, 'delay': 5,
                                'synMech': 'exc'}
simConfig = specs.SimConfig()
simConfig.duration = 300
simConfig.saveJson = False
simConfig.saveSpikesSonata = False
simConfig.saveFolder = 'round_trip'

sim.create(netParams, simConfig)
original = spikes()
nml_file, lems_file = sim.exportNeuroML2('tut2', format='hdf5')

sim.importNeuroML2(nml_file, simConfig, simulate=False)
from_neuroml = spikes()
sim.exportSONATA('round_trip/tut2_sonata')

sim.importSONATA('round_trip/tut2_sonata/simulation_config.json')
from_sonata = spikes()

for name, (t, gid) in (("NeuroML2", from_neuroml), ("SONATA", from_sonata)):
    same = np.array_equal(t, original[0]) and np.array_equal(gid, original[1])
    print(f"{name}: {len(t)} spikes, {'identical to' if same else 'DIFFERENT from'} the "
          f"original's {len(original[0])}")
    assert same
