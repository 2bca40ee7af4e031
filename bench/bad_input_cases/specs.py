"""Bad specs (issue 19, item 7): typos in every kind of mechanism name, recordTraces naming what the cells lack, cell indices out of range, synMech parameters out of range, a broken population named elsewhere; through the API and `neuroloom validate`."""
PRELUDE = '''
BASE_SRC = """
from neuroloom import specs, sim
netParams = specs.NetParams()
netParams.popParams['S'] = {'cellType': 'PYR', 'numCells': 5}
netParams.popParams['M'] = {'cellType': 'PYR', 'numCells': 5}
netParams.cellParams['PYR'] = {'secs': {
    'soma': {'geom': {'diam': 18.8, 'L': 18.8, 'Ra': 123.0},
             'mechs': {'hh': {'gnabar': 0.12, 'gkbar': 0.036, 'gl': 0.003, 'el': -70}}},
    'dend': {'geom': {'diam': 5.0, 'L': 150.0, 'Ra': 150.0, 'cm': 1},
             'topol': {'parentSec': 'soma', 'parentX': 1.0, 'childX': 0},
             'mechs': {'pas': {'g': 0.0000357, 'e': -70}}}}}
netParams.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5.0, 'e': 0}
netParams.stimSourceParams['bkg'] = {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
netParams.stimTargetParams['bkg->PYR'] = {'source': 'bkg', 'conds': {'cellType': 'PYR'},
                                          'weight': 0.01, 'delay': 5, 'synMech': 'exc'}
netParams.connParams['S->M'] = {'preConds': {'pop': 'S'}, 'postConds': {'pop': 'M'},
                                'probability': 0.5, 'weight': 0.01, 'delay': 5,
                                'synMech': 'exc'}
simConfig = specs.SimConfig()
simConfig.duration = 20
simConfig.recordTraces = {'V_soma': {'sec': 'soma', 'loc': 0.5, 'var': 'v'}}
simConfig.analysis = {}
simConfig.saveJson = False
simConfig.verbose = False
"""


def run(change):
    """The tiny network with one bad value (``change``: Python source acting on netParams
    and simConfig), created and simulated through the API."""
    scope = {}
    exec(BASE_SRC + change, scope)
    scope['sim'].createSimulate(scope['netParams'], scope['simConfig'])


def validate_script(change):
    """The same model as a script, checked by `neuroloom validate`."""
    with open('model.py', 'w') as f:
        f.write(BASE_SRC + change + "\\nsim.createSimulate(netParams, simConfig)\\n")
    return cli('validate', 'model.py')
'''

SOMA = "netParams.cellParams['PYR']['secs']['soma']"
DEND = "netParams.cellParams['PYR']['secs']['dend']"
_API = [
    # mechanism names and parameters (checked against NEURON)
    ("density mechanism 'hhh'",
     f"{SOMA}['mechs']['hhh'] = {SOMA}['mechs'].pop('hh')"),
    ("hh parameter 'gnabarr'", f"{SOMA}['mechs']['hh']['gnabarr'] = 0.12"),
    ("pas parameter 'gg'", f"{DEND}['mechs']['pas']['gg'] = 1e-5"),
    ("density mechanism 'pass'", f"{DEND}['mechs']['pass'] = {DEND}['mechs'].pop('pas')"),
    ("density mechanism 'HH' (case)", f"{SOMA}['mechs']['HH'] = {SOMA}['mechs'].pop('hh')"),
    ("point process as density mechanism 'ExpSyn'", f"{DEND}['mechs']['ExpSyn'] = {{}}"),
    ("synMech mod 'Exp3Syn'", "netParams.synMechParams['exc']['mod'] = 'Exp3Syn'"),
    ("synMech mod 'exp2syn' (case)", "netParams.synMechParams['exc']['mod'] = 'exp2syn'"),
    ("synMech mod 'hh' (a density mechanism)", "netParams.synMechParams['exc']['mod'] = 'hh'"),
    ("synMech mod 'NetStim' (an artificial cell)",
     "netParams.synMechParams['exc']['mod'] = 'NetStim'"),
    ("Exp2Syn parameter 'tauu1'", "netParams.synMechParams['exc']['tauu1'] = 0.1"),
    ("ExpSyn parameter 'tauu'",
     "netParams.synMechParams['exc'] = {'mod': 'ExpSyn', 'tauu': 2, 'e': 0}"),
    ("ion 'naa'", f"{SOMA}['ions'] = {{'naa': {{'e': 50}}}}"),
    ("pointp mod 'ExpSynn'", f"{SOMA}['pointps'] = {{'s': {{'mod': 'ExpSynn', 'loc': 0.5}}}}"),
    ("pointp parameter 'tauu'",
     f"{SOMA}['pointps'] = {{'s': {{'mod': 'ExpSyn', 'loc': 0.5, 'tauu': 2}}}}"),
    ("Izhikevich pointp parameter 'kk'",
     f"{SOMA}['pointps'] = {{'Izhi': {{'mod': 'Izhi2007b', 'C': 1, 'kk': 0.7}}}}"),
    ("cellModel 'IntFire11'",
     "netParams.popParams['A'] = {'cellModel': 'IntFire11', 'numCells': 2}"),
    ("IntFire1 parameter 'tauu'",
     "netParams.popParams['A'] = {'cellModel': 'IntFire1', 'numCells': 2, 'tauu': 5}"),
    ("NetStim rate 'variable' without nsloc.mod",
     "netParams.stimSourceParams['bkg']['rate'] = 'variable'"),
    ("modFolders naming no folder", "simConfig.modFolders = ['no_such_mods']"),
    # recordTraces naming what the cells lack
    ("recordTraces sec 'axon'",
     "simConfig.recordTraces['V_x'] = {'sec': 'axon', 'loc': 0.5, 'var': 'v'}"),
    ("recordTraces sec 'somaa'",
     "simConfig.recordTraces['V_x'] = {'sec': 'somaa', 'loc': 0.5, 'var': 'v'}"),
    ("recordTraces mech 'hhh'",
     "simConfig.recordTraces['m'] = {'sec': 'soma', 'loc': 0.5, 'mech': 'hhh', 'var': 'm'}"),
    ("recordTraces mech on the wrong section",
     "simConfig.recordTraces['m'] = {'sec': 'dend', 'loc': 0.5, 'mech': 'hh', 'var': 'm'}"),
    ("recordTraces pointp the section lacks",
     "simConfig.recordTraces['u'] = {'sec': 'soma', 'loc': 0.5, 'pointp': 'Izhi', "
     "'var': 'u'}"),
    ("recordTraces var 'gnaa' of hh",
     "simConfig.recordTraces['g'] = {'sec': 'soma', 'loc': 0.5, 'mech': 'hh', "
     "'var': 'gnaa'}"),
    ("recordTraces conds on a population whose cells lack the section",
     "netParams.cellParams['BALL'] = {'secs': {'soma': {'geom': {'diam': 10, 'L': 10}}}}\n"
     "netParams.popParams['B'] = {'cellType': 'BALL', 'numCells': 2}\n"
     "simConfig.recordTraces['V_d'] = {'sec': 'dend', 'loc': 0.5, 'var': 'v', "
     "'conds': {'pop': 'B'}}"),
    ("recordTraces conds selecting no cells",
     "simConfig.recordTraces['V_x'] = {'sec': 'soma', 'loc': 0.5, 'var': 'v', "
     "'conds': {'pop': 'S', 'cellModel': 'IntFire1'}}"),
    # cell index lists out of range
    ("stim cellList [0, 100]",
     "netParams.stimTargetParams['bkg->PYR']['conds'] = {'pop': 'S', 'cellList': [0, 100]}"),
    ("stim cellList [5] (one past)",
     "netParams.stimTargetParams['bkg->PYR']['conds'] = {'pop': 'S', 'cellList': [5]}"),
    ("recordCells ('S', 7)", "simConfig.recordCells = [('S', 7)]"),
    ("recordCells gid 99", "simConfig.recordCells = [99]"),
    ("plotRaster include ('M', [0, 9])",
     "simConfig.analysis['plotRaster'] = {'include': [('M', [0, 9])], 'saveFig': False}"),
    ("plotTraces include gid 50",
     "simConfig.analysis['plotTraces'] = {'include': [50], 'saveFig': False}"),
    # synMech parameters out of range
    ("synMech tau1 -1", "netParams.synMechParams['exc']['tau1'] = -1"),
    ("synMech tau2 0", "netParams.synMechParams['exc']['tau2'] = 0"),
    ("ExpSyn tau -0.5",
     "netParams.synMechParams['exc'] = {'mod': 'ExpSyn', 'tau': -0.5, 'e': 0}"),
    ("synMech e inf", "netParams.synMechParams['exc']['e'] = float('inf')"),
    ("synMech e nan", "netParams.synMechParams['exc']['e'] = float('nan')"),
    ("Exp2Syn tau1 > tau2", "netParams.synMechParams['exc']['tau1'] = 8"),
    # a population defined wrongly, named by other rules
    ("popParams['S'] numCells -3 named by rules",
     "netParams.popParams['S']['numCells'] = -3\n"
     "netParams.stimTargetParams['bkg->S'] = {'source': 'bkg', 'conds': {'pop': 'S'}, "
     "'weight': 0.01, 'delay': 5, 'synMech': 'exc'}\n"
     "simConfig.recordCells = [('S', 1)]"),
    ("popParams['S'] without numCells named by rules",
     "del netParams.popParams['S']['numCells']"),
]
_CLI = [
    ("validate: density mechanism 'hhh'",
     f"{SOMA}['mechs']['hhh'] = {SOMA}['mechs'].pop('hh')"),
    ("validate: hh parameter 'gnabarr'", f"{SOMA}['mechs']['hh']['gnabarr'] = 0.12"),
    ("validate: synMech mod 'Exp3Syn'", "netParams.synMechParams['exc']['mod'] = 'Exp3Syn'"),
    ("validate: recordTraces sec 'axon'",
     "simConfig.recordTraces['V_x'] = {'sec': 'axon', 'loc': 0.5, 'var': 'v'}"),
    ("validate: stim cellList [0, 100]",
     "netParams.stimTargetParams['bkg->PYR']['conds'] = {'pop': 'S', 'cellList': [0, 100]}"),
    ("validate: synMech tau1 -1", "netParams.synMechParams['exc']['tau1'] = -1"),
    ("validate: popParams['S'] numCells -3", "netParams.popParams['S']['numCells'] = -3"),
]
CASES = [("bad specs", name, f"run({change!r})") for name, change in _API] + [
    ("bad specs", name, f"validate_script({change!r})") for name, change in _CLI]
