"""RxD in a network (tutorial 10's second example): extracellular potassium sets how
excitable the cells are.

Twenty Hodgkin-Huxley cells (soma and dendrite), driven by Poisson background input and
sparsely connected, sit in a box of extracellular space. Potassium is an rxd species in
their cytosol and in that space, so NEURON's ko and ki, and with them the potassium
reversal potential ek, follow it, and what the cells release accumulates around them.

With cfg.rxd = True the space starts at cfg.ko mM of potassium (9 mM: a raised
extracellular potassium, ek about -67 mV at 6.3 degC); with cfg.rxd = False there is no
rxd and hh's ek stays at its fixed -77 mV (the reversal of about 5.8 mM). The raised
potassium depolarises the cells and they fire clearly more (tests/engine/test_rxd.py
measures both). `python rxd_net.py norxd` runs without rxd; under MPI
(`mpiexec -n 2 python rxd_net.py`) the spikes are the serial run's.
"""
import sys

from neuroloom import specs, sim

cfg = specs.SimConfig()
cfg.duration = 200.0
cfg.dt = 0.025
cfg.hParams = {'celsius': 6.3, 'v_init': -70.0}
cfg.rxd = 'norxd' not in sys.argv[1:]  # your own cfg variables, as in tutorial 8
cfg.ko = 9.0  # mM, extracellular potassium at the start
cfg.ki = 140.0  # mM, intracellular potassium
cfg.recordCells = [0, 10]
cfg.recordStep = 0.5
cfg.recordTraces = {'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}}
if cfg.rxd:
    cfg.recordTraces['ko'] = {'sec': 'soma', 'loc': 0.5, 'var': 'ko'}  # NEURON's view
    cfg.recordTraces['k_ecs'] = {'sec': 'soma', 'loc': 0.5, 'var': 'k[ecs]'}  # the voxel
    cfg.analysis['plotRxDConcentration'] = {'speciesLabel': 'k', 'regionLabel': 'ecs',
                                            'saveFig': True}
cfg.filename = 'rxd_net'
cfg.analysis['plotRaster'] = {'saveFig': True}
cfg.analysis['plotTraces'] = {'saveFig': True}

netParams = specs.NetParams()
netParams.sizeX, netParams.sizeY, netParams.sizeZ = 100.0, 100.0, 100.0
netParams.cellParams['PYR'] = {'secs': {
    'soma': {'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
             'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.0005, 'el': -62}}},
    'dend': {'geom': {'diam': 3.0, 'L': 150.0, 'Ra': 150.0, 'nseg': 5},
             'topol': {'parentSec': 'soma', 'parentX': 1.0, 'childX': 0.0},
             'mechs': {'pas': {'g': 0.0001, 'e': -70}}}}}
netParams.popParams['E'] = {'cellType': 'PYR', 'numCells': 20}
netParams.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': 0}
netParams.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 40, 'noise': 1.0}
netParams.stimTargetParams['bkg->E'] = {'source': 'bkg', 'conds': {'pop': 'E'},
                                        'weight': 0.0015, 'delay': 1, 'synMech': 'exc'}
netParams.connParams['E->E'] = {'preConds': {'pop': 'E'}, 'postConds': {'pop': 'E'},
                                'probability': 0.1, 'weight': 0.001, 'delay': 3,
                                'sec': 'dend', 'synMech': 'exc'}

if cfg.rxd:
    netParams.rxdParams['constants'] = {'ko0': cfg.ko, 'ki0': cfg.ki}
    netParams.rxdParams['regions'] = {
        'cyt': {'cells': 'all', 'secs': 'soma', 'nrn_region': 'i'},
        # NEURON's frame: cells at depth y sit at -y
        'ecs': {'extracellular': True, 'xlo': -20, 'ylo': -120, 'zlo': -20, 'xhi': 180,
                'yhi': 20, 'zhi': 120, 'dx': 20, 'volume_fraction': 0.2, 'tortuosity': 1.6}}
    netParams.rxdParams['species'] = {
        'k': {'regions': ['cyt', 'ecs'], 'd': 2.62, 'charge': 1,
              'initial': 'ko0 if isinstance(node, rxd.node.NodeExtracellular) else ki0',
              'ecs_boundary_conditions': cfg.ko}}

if __name__ == '__main__':
    sim.createSimulateAnalyze(netParams=netParams, simConfig=cfg)
