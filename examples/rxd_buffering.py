"""RxD calcium buffering in a single cell (tutorial 10's first example).

Calcium and a buffer in the cytosol of one soma react, ca + buf <-> cabuf, at rates kf
(1/(mM ms)) and kb (1/ms), until the equilibrium ca * buf / cabuf = kb / kf, which, with
the totals of calcium and of buffer conserved, has a closed form (printed at the end).
'cai' and 'bufi' are NEURON's concentrations of the ions rxd makes for species on a region
with nrn_region 'i' (NetPyNE's way); 'cabuf[cyt]' is neuroloom's way to record any species
on any region.
"""
from neuroloom import specs, sim

netParams = specs.NetParams()
netParams.popParams['cell'] = {'cellType': 'PYR', 'numCells': 1}
netParams.cellParams['PYR'] = {'secs': {'soma': {'geom': {'diam': 10.0, 'L': 10.0}}}}

# RxD: where, who, what
netParams.rxdParams['constants'] = {'kf': 1e3, 'kb': 0.1, 'ca0': 2e-4, 'buf0': 5e-4}
netParams.rxdParams['regions'] = {'cyt': {'cells': 'all', 'secs': 'all', 'nrn_region': 'i'}}
netParams.rxdParams['species'] = {
    'ca': {'regions': ['cyt'], 'd': 0.25, 'charge': 2, 'initial': 'ca0'},
    'buf': {'regions': ['cyt'], 'initial': 'buf0'},
    'cabuf': {'regions': ['cyt'], 'initial': 0.0}}
netParams.rxdParams['reactions'] = {
    'buffering': {'reactant': 'ca + buf', 'product': 'cabuf', 'rate_f': 'kf', 'rate_b': 'kb'}}

simConfig = specs.SimConfig()
simConfig.duration = 50.0
simConfig.dt = 0.025
simConfig.recordCells = [0]
simConfig.recordStep = 0.1
simConfig.recordTraces = {'cai': {'sec': 'soma', 'loc': 0.5, 'var': 'cai'},
                          'bufi': {'sec': 'soma', 'loc': 0.5, 'var': 'bufi'},
                          'cabuf': {'sec': 'soma', 'loc': 0.5, 'var': 'cabuf[cyt]'}}
simConfig.filename = 'rxd_buffering'
simConfig.saveSpikesSonata = False
simConfig.analysis['plotTraces'] = {'include': [0], 'saveFig': True}
simConfig.analysis['plotRxDConcentration'] = {'speciesLabel': 'ca', 'regionLabel': 'cyt',
                                              'saveFig': True}

if __name__ == '__main__':
    sim.createSimulateAnalyze(netParams=netParams, simConfig=simConfig)

    constants = netParams.rxdParams['constants']
    kd = constants['kb'] / constants['kf']
    ca0, buf0 = constants['ca0'], constants['buf0']
    # x = cabuf at equilibrium: (ca0 - x)(buf0 - x) = kd x, the root below min(ca0, buf0)
    b = ca0 + buf0 + kd
    x = (b - (b * b - 4 * ca0 * buf0) ** 0.5) / 2
    final = {name: sim.allSimData[name]['cell_0'][-1] for name in ('cai', 'bufi', 'cabuf')}
    print(f"equilibrium: ca {ca0 - x:.6e} mM (simulated {final['cai']:.6e}), "
          f"cabuf {x:.6e} mM (simulated {final['cabuf']:.6e})")
