"""Tutorial 9, first example: the LFP around one multicompartment cell.

A reconstructed L4 pyramidal cell (Allen Cell Types Database, Rorb_325404214, as shipped
with the SONATA examples; licence in data/Rorb_325404214_m.LICENSE.txt) is imported from
its SWC morphology with its 3D points, gets Hodgkin-Huxley channels in soma and axon and a
passive membrane elsewhere, and receives NetStim input onto its soma through an
excitatory synapse. Ten electrodes, on both sides of the cell at 5 depths, record the
extracellular potential; the soma voltage and the LFP are saved and plotted with the
electrodes' locations.
"""
from pathlib import Path

from neuroloom import specs, sim

MORPHOLOGY = Path(__file__).resolve().parent / "data" / "Rorb_325404214_m.swc"

netParams = specs.NetParams()
cell = netParams.importCellParams('PYR', str(MORPHOLOGY))  # soma at the origin, y up
for name, sec in cell['secs'].items():
    length = sum(((a[0] - b[0])**2 + (a[1] - b[1])**2 + (a[2] - b[2])**2) ** 0.5
                 for a, b in zip(sec['geom']['pt3d'], sec['geom']['pt3d'][1:]))
    sec['geom']['nseg'] = 1 + 2 * int(length / 10)  # a segment every 5-10 um
    sec['geom']['Ra'] = 100
    if name in ('soma', 'axon'):
        sec['mechs'] = {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.0003, 'el': -65}}
    else:
        sec['mechs'] = {'pas': {'g': 0.0001, 'e': -65}}

netParams.popParams['PYR'] = {'cellType': 'PYR', 'cellsList': [{'x': 0, 'y': 600, 'z': 0}]}
netParams.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': 0}
netParams.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 20, 'noise': 0.5}
netParams.stimTargetParams['bkg->PYR'] = {'source': 'bkg', 'conds': {'pop': 'PYR'},
                                          'sec': 'soma', 'loc': 0.5, 'weight': 0.05,
                                          'delay': 1, 'synMech': 'exc'}

simConfig = specs.SimConfig()
simConfig.duration = 500           # ms
simConfig.dt = 0.025
simConfig.recordStep = 0.1         # ms, also the LFP's sampling
simConfig.recordCells = ['all']
simConfig.recordTraces = {'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}}
# electrodes 50 um to either side of the soma (x), at depths 200-800 um (y, as cell
# positions: the cell sits at depth 600 and its apical dendrite reaches up to about 180)
simConfig.recordLFP = [[x, depth, 0] for depth in range(200, 801, 150) for x in (-50, 50)]
simConfig.recordDipole = True      # current dipole moment, for EEG/MEG models
simConfig.filename = 'lfp_cell'
simConfig.saveJson = True
simConfig.analysis['plotTraces'] = {'include': [0], 'saveFig': True}
simConfig.analysis['plotLFP'] = {'plots': ['timeSeries', 'locations'], 'includeAxon': False,
                               'figSize': (6, 10), 'saveFig': True}

sim.createSimulateAnalyze(netParams=netParams, simConfig=simConfig)
