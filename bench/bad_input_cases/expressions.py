"""Spec values given as string functions (and their numeric twins) that are out of range, non-finite, hostile or too big, and RxD strings that cannot be evaluated: each built and run on a 5-cell network."""
PRELUDE = '''
from neuroloom import sim, specs


def tiny(conn=None, pop=None, source=None, target=None, soma=None, cell_vars=None):
    """Five HH cells, all to all with probability 0.5, a NetStim on each; one value replaced."""
    net = specs.NetParams()
    net.cellParams['PYR'] = {'secs': {'soma': {'geom': {'diam': 18.8, 'L': 18.8},
                                               'mechs': {'hh': {}}}}}
    if cell_vars:
        net.cellParams['PYR']['vars'] = cell_vars
    net.popParams['E'] = {'cellType': 'PYR', 'numCells': 5}
    if pop:
        net.popParams['E'].pop('numCells')
        net.popParams['E'].update(pop)
    net.synMechParams['exc'] = {'mod': 'Exp2Syn', 'tau1': 0.1, 'tau2': 5, 'e': 0}
    rule = {'preConds': {'pop': 'E'}, 'postConds': {'pop': 'E'}, 'probability': 0.5,
            'weight': 0.01, 'delay': 5}
    if conn and ('convergence' in conn or 'divergence' in conn):
        rule.pop('probability')
    net.connParams['E->all'] = {**rule, **(conn or {})}
    source = source or {'type': 'NetStim', 'rate': 10, 'noise': 0.5}
    net.stimSourceParams['bg'] = source
    synaptic = {'weight': 0.01, 'delay': 1} if source['type'] == 'NetStim' else {}
    net.stimTargetParams['bg->E'] = {'source': 'bg', 'conds': {'pop': 'E'}, **synaptic,
                                     **(target or {})}
    if soma:
        net.cellParams['PYR']['secs']['soma'].update(soma)
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.saveSpikesSonata = 20, False, False
    return net, cfg


def run(**kwargs):
    net, cfg = tiny(**kwargs)
    sim.createSimulate(netParams=net, simConfig=cfg)


def run_rxd(initial=1.0, rate=None, reaction=None, part='species', key='initial'):
    """One cell with a species ca (and a buffer for reactions) in its cytosol."""
    net = specs.NetParams()
    net.cellParams['c'] = {'secs': {'soma': {'geom': {'L': 10.0, 'diam': 10.0, 'nseg': 3}}}}
    net.popParams['p'] = {'cellType': 'c', 'numCells': 1}
    net.rxdParams['regions'] = {'cyt': {'cells': 'all', 'secs': 'all'}}
    net.rxdParams['species'] = {'ca': {'regions': ['cyt'], 'd': 1.0, 'initial': 1.0},
                                'buf': {'regions': ['cyt'], 'd': 0.0, 'initial': 1.0},
                                'cabuf': {'regions': ['cyt'], 'd': 0.0, 'initial': 0.0}}
    if part == 'species':
        net.rxdParams['species']['ca'][key] = initial
    elif part == 'states':
        net.rxdParams['states'] = {'s': {'regions': ['cyt'], 'initial': initial}}
    else:
        net.rxdParams['parameters'] = {'k': {'regions': ['cyt'], 'value': initial}}
    if rate is not None:
        net.rxdParams['rates'] = {'r': {'species': 'ca', 'rate': rate}}
    if reaction is not None:
        net.rxdParams['reactions'] = {'buffering': {'reactant': 'ca + buf', 'product': 'cabuf',
                                                    'rate_f': reaction, 'rate_b': 0.1}}
    cfg = specs.SimConfig()
    cfg.duration, cfg.saveJson, cfg.saveSpikesSonata = 10, False, False
    sim.createSimulate(netParams=net, simConfig=cfg)


def run_on_ranks(n, **kwargs):
    """The same tiny network run by `mpiexec -n n`."""
    with open('case_mpi.py', 'w') as f:
        f.write(PRELUDE_SOURCE + f"\\nrun(**{kwargs!r})\\n")
    mpiexec(n, 'case_mpi.py', timeout=90)
'''
PRELUDE = PRELUDE.replace("PRELUDE_SOURCE", repr(PRELUDE.split("def run_on_ranks")[0]))

NAN, INF = float('nan'), float('inf')
DEEP_MINUS = '-' * 1990 + '1'
DEEP_SUM = '1+' * 990 + '1'
DEEP_PARENS = '(' * 600 + '1' + ')' * 600
DEEP_CALLS = 'exp(' * 300 + '0' + ')' * 300
NINES = '9' * 1999
#: texts that would run code if they were ever handed to Python
INJECTIONS = [
    "__import__('os').system('touch PWNED')",
    "().__class__.__base__.__subclasses__()",
    "(lambda: 0.01)()",
    "[0.01 for _ in (1,)][0]",
    "post_x[0]",
    "exec('x = 1')",
    "f'{post_x}'",
    "__builtins__",
    "(x := 0.01)",
    "post_x.real",
]


def _cases(category, option, build, values):
    """One case per value: ``build`` % repr(value) is the code."""
    out = []
    for value in values:
        shown = value if not isinstance(value, str) or len(value) < 40 else \
            f"{value[:12]}...({len(value)} chars)"
        shown = repr(shown) if isinstance(value, str) else f"number {value!r}"
        code = build.replace("VALUE", "float('nan')" if value != value else
                             "float('inf')" if value == INF else
                             "float('-inf')" if value == -INF else repr(value))
        out.append((category, f"{option} {shown}", code))
    return out


S = "spec strings"
CASES = [
    # -- connParams weight: non-finite, too big, bad draws, deep nesting, injections ------
    *_cases(S, "weight", "run(conn={'weight': VALUE})", [
        '0/0', '1e999', 'exp(1000)', '9**9**9', 'normal(0,-1)', DEEP_MINUS, DEEP_SUM,
        'poisson(-1)', 'discunif(5,1)', 'binomial(1e30,0.5)', 'uniform(0, inf)', NINES,
        'inf', '-inf', '1/0', 'log(0)', 'sqrt(-1)', 'lognormal(-1, 1)', 'negexp(-1)',
        'gamma(-1, 1)', 'beta(0, 1)', 'triangular(1, 0)', 'geometric(1.5)', 'expovariate(0)',
        'weibull(0, 1)', 'gauss(0, -1)', 'vonmisesvariate(0, -1)', 'paretovariate(0)',
        DEEP_PARENS, DEEP_CALLS, '10**400', 'exp(post_x*1e6)', '1/(post_x - post_x)',
        NAN, INF, *INJECTIONS]),
    # -- probability: above 1 (a warning, as the number), negative, non-finite -------------
    *_cases(S, "probability", "run(conn={'probability': VALUE})", [
        '2', '-1', '0/0', 'inf', '1e999', '2*exp(-dist_3D/1e9)', '0.5 - post_xnorm*1e9',
        'log(0)', 2, -1, NAN, INF]),
    # -- convergence / divergence -----------------------------------------------------------
    *_cases(S, "convergence", "run(conn={'convergence': VALUE})", [
        'inf', '-5', '0/0', '1e999', 'exp(1000)', INF, -5]),
    *_cases(S, "divergence", "run(conn={'divergence': VALUE})", [
        'inf', '-5', '0/0', INF, -5]),
    # -- density: negative, non-finite, too many cells ----------------------------------------
    *_cases(S, "density", "run(pop={'density': VALUE})", [
        '-1', 'xnorm*1e30', '1e15', '0/0', 'inf', 'log(xnorm - xnorm)', 'normal(0, 1)',
        1e15, -1, INF]),
    # -- delay (numbers: >= 0) --------------------------------------------------------------
    *_cases(S, "delay", "run(conn={'delay': VALUE})", [
        '-1', '0/0', 'inf', 'exp(1000)', '1 - dist_3D*1e9', -1, INF]),
    ("spec strings", "delay '-1' on 2 ranks", "run_on_ranks(2, conn={'delay': '-1'})"),
    ("spec strings", "delay number -1 on 2 ranks", "run_on_ranks(2, conn={'delay': -1})"),
    ("spec strings", "delay '1 - post_xnorm*2' on 3 ranks",
     "run_on_ranks(3, conn={'delay': '1 - post_xnorm*2'})"),
    # -- loc ----------------------------------------------------------------------------------
    *_cases(S, "loc", "run(conn={'loc': VALUE})", ['2', '-0.5', '0/0', 'inf', 2]),
    # -- synsPerConn ---------------------------------------------------------------------------
    *_cases(S, "synsPerConn", "run(conn={'synsPerConn': VALUE})", [
        '0', '1e15', '0/0', '-3']),
    # -- stimulus sources -----------------------------------------------------------------------
    *_cases(S, "NetStim rate", "run(source={'type': 'NetStim', 'rate': VALUE, 'noise': 0.5})", [
        '-20', '0', '0/0', 'inf', '1e-320', -20, 1e-320]),
    *_cases(S, "NetStim noise", "run(source={'type': 'NetStim', 'rate': 10, 'noise': VALUE})", [
        '2', '-1']),
    *_cases(S, "IClamp del", "run(source={'type': 'IClamp', 'del': VALUE, 'dur': 5, 'amp': 0.1})",
            ['-5', '0/0', -5]),
    *_cases(S, "IClamp dur", "run(source={'type': 'IClamp', 'del': 1, 'dur': VALUE, 'amp': 0.1})",
            ['-1', 'inf']),
    *_cases(S, "IClamp amp", "run(source={'type': 'IClamp', 'del': 1, 'dur': 5, 'amp': VALUE})",
            ['log(0)', '1e999']),
    # -- stimulus targets -------------------------------------------------------------------------
    *_cases(S, "stim delay", "run(target={'delay': VALUE})", ['-5', '0/0', -5]),
    *_cases(S, "stim weight", "run(target={'weight': VALUE})", ['0/0', 'inf', INF]),
    *_cases(S, "stim loc", "run(target={'loc': VALUE})", ['2', '-1']),
    # -- cellParams ----------------------------------------------------------------------------
    *_cases(S, "geom diam", "run(soma={'geom': {'diam': VALUE, 'L': 18.8}})",
            ['0/0', '-1', 'inf']),
    *_cases(S, "hh gnabar", "run(soma={'geom': {'diam': 18.8, 'L': 18.8}, "
                            "'mechs': {'hh': {'gnabar': VALUE}}})", ['log(0)', '0/0']),
    *_cases(S, "cell vars", "run(cell_vars={'k': VALUE}, "
                            "soma={'geom': {'diam': 'k', 'L': 18.8}})", ['normal(0,-1)', '0/0']),
    # -- RxD strings -----------------------------------------------------------------------------
    *_cases("RxD strings", "initial", "run_rxd(initial=VALUE)", [
        '1/0', 'log(0)', 'sqrt(-1)', '-1', -1, '1e308*10', '-1 if node.x > 0.5 else 1',
        DEEP_MINUS]),
    *_cases("RxD strings", "state initial", "run_rxd(initial=VALUE, part='states')",
            ['log(0)']),
    *_cases("RxD strings", "parameter value", "run_rxd(initial=VALUE, part='parameters')",
            ['1/0']),
    *_cases("RxD strings", "rate", "run_rxd(rate=VALUE)", ['ca/0', 'log(ca - 1)', 'sqrt(-ca)']),
    *_cases("RxD strings", "reaction rate_f", "run_rxd(reaction=VALUE)", ['ca/0']),
]
