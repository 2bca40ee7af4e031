"""Spec errors: dotted paths, closest valid names, all problems at once."""
import pytest

from helpers import tutorial_specs
from neuroloom.builder import build_network
from neuroloom.errors import SpecError
from neuroloom.validate import validate
from neuroloom.validate.checker import NearMissWarning


@pytest.fixture
def tut2():
    return tutorial_specs("tut2")


def problems(net, cfg):
    with pytest.raises(SpecError) as info:
        validate(net, cfg)
    return [str(p) for p in info.value.problems]


def test_tutorial_specs_are_valid(tut2):
    net, run, out = validate(*tut2)
    assert [p.label for p in net.pops] == ["S", "M"]
    assert net.conn_rules[0].connector == "probability" and net.conn_rules[0].amount == 0.5
    assert out.filename == "tut2"
    for name in ("tut1", "tut3"):
        validate(*tutorial_specs(name))


def test_misspelt_connectivity_key(tut2):
    net, cfg = tut2
    net.connParams['S->M']['probabilty'] = net.connParams['S->M'].pop('probability')
    with pytest.raises(SpecError, match=r"connParams\['S->M'\]\.probabilty: unknown key "
                                        r"'probabilty'; did you mean 'probability'\?"):
        validate(net, cfg)


def test_misspelt_population_key(tut2):
    net, cfg = tut2
    net.popParams['S']['numCels'] = 20
    with pytest.raises(SpecError, match=r"popParams\['S'\]\.numCels: unknown key 'numCels'; "
                                        r"did you mean 'numCells'\?"):
        validate(net, cfg)


def test_unknown_netstim_key_lists_valid_keys(tut2):
    net, cfg = tut2
    net.stimSourceParams['bkg']['dur'] = 100
    with pytest.raises(SpecError, match=r"stimSourceParams\['bkg'\]\.dur: unknown key 'dur'; "
                                        r"valid names are .*'interval'.*'rate'"):
        validate(net, cfg)


@pytest.mark.parametrize("where, key, value, message", [
    ("connParams", "synMech", "exx", r"connParams\['S->M'\]\.synMech: unknown synMech 'exx'; "
                                     r"did you mean 'exc'\?"),
    ("stimTargetParams", "synMech", "inh", r"stimTargetParams\['bkg->PYR'\]\.synMech: unknown "
                                           r"synMech 'inh'"),
    ("stimTargetParams", "source", "bkgg", r"stimTargetParams\['bkg->PYR'\]\.source: unknown "
                                           r"stim source 'bkgg'; did you mean 'bkg'\?"),
])
def test_unknown_references_name_the_rule(tut2, where, key, value, message):
    net, cfg = tut2
    rule = next(iter(net[where].values()))
    rule[key] = value
    with pytest.raises(SpecError, match=message):
        validate(net, cfg)


def test_unknown_pop_and_cell_type_in_conditions(tut2):
    net, cfg = tut2
    net.connParams['S->M']['preConds'] = {'pop': ['S', 'Q']}
    net.stimTargetParams['bkg->PYR']['conds'] = {'cellType': 'PRY'}
    net.popParams['M']['cellType'] = 'PIR'
    # a stimulus aimed at cells the network lacks targets none, as in NetPyNE: a warning
    with pytest.warns(UserWarning, match=r"stimTargetParams\['bkg->PYR'\]\.conds\.cellType: "
                                         r"the network has no cellType 'PRY' \(did you mean "
                                         r"'PYR'\?\)"):
        found = problems(net, cfg)
    assert any(p.startswith("connParams['S->M'].preConds.pop: unknown pop 'Q'") for p in found)
    assert any("popParams['M'].cellType: unknown cellType 'PIR'; did you mean 'PYR'?" in p
               for p in found)
    assert not any(p.startswith("stimTargetParams") for p in found)


def test_all_problems_are_reported_together(tut2):
    net, cfg = tut2
    net.connParams['S->M']['probabilty'] = 0.5
    net.popParams['S']['numCels'] = 20
    net.stimSourceParams['bkg']['dur'] = 100
    cfg.duraton = 5
    cfg.recordTraces['V_soma']['lco'] = 0.5
    # a top-level near miss is NetPyNE's user variable: a warning, not an error (below)
    with pytest.raises(SpecError) as info, pytest.warns(NearMissWarning, match="duraton"):
        validate(net, cfg)
    paths = [p.path for p in info.value.problems]
    assert sorted(paths) == sorted(["connParams['S->M'].probabilty", "popParams['S'].numCels",
                                    "stimSourceParams['bkg'].dur",
                                    "recordTraces['V_soma'].lco"])
    assert str(info.value).startswith("4 problems in the spec:")


def test_user_variables_are_accepted_but_near_misses_are_typos():
    from neuroloom import specs
    net, cfg = specs.NetParams(), specs.SimConfig()
    net.probLengthConst = 150.0
    cfg.connWeight = 0.01
    cfg.synMechTau2 = 5
    spec, _, _ = validate(net, cfg)
    assert ("probLengthConst", 150.0) in spec.variables
    # NetPyNE keeps any attribute as the user's variable (CA3model_3pops sets cfg.hparams):
    # one a letter or two from an option is run as NetPyNE runs it, with a warning
    cfg.recordStep, cfg.recordStp = 0.5, 0.1
    with pytest.warns(NearMissWarning, match=r"SimConfig attribute 'recordStp' is not an "
                                             r"option; did you mean 'recordStep'\?"):
        _, sim_spec, _ = validate(net, cfg)
    assert sim_spec.record_step == 0.5  # the option keeps its own value


@pytest.mark.parametrize("edit, message", [
    (lambda n, c: n.connParams['S->M'].update(probability=-0.5),
     r"connParams\['S->M'\]\.probability: must be >= 0, not -0\.5"),
    (lambda n, c: n.connParams['S->M'].update(convergence=3),
     r"give at most one of probability, convergence, divergence"),
    (lambda n, c: n.popParams['S'].update(numCells=-1),
     r"popParams\['S'\]\.numCells: must be >= 0, not -1"),
    (lambda n, c: n.cellParams['PYR']['secs']['soma']['geom'].update(diam=0),
     r"cellParams\['PYR'\]\.secs\['soma'\]\.geom\.diam: must be > 0"),
    (lambda n, c: n.connParams['S->M'].update(sec='dnd'),
     r"connParams\['S->M'\]\.sec: cell type 'PYR' has no section or secList 'dnd'; "
     r"valid names are 'soma'"),
    (lambda n, c: n.stimSourceParams['bkg'].update(interval=100),
     r"a NetStim needs exactly one of 'rate' \(Hz\) and 'interval' \(ms\)"),
    (lambda n, c: n.connParams['S->M'].update(weight=[0.1, 0.2]),
     r"connParams\['S->M'\]\.weight: a list is only allowed with connList, a list of "
     r"synMechs, synsPerConn > 1"),
    (lambda n, c: n.connParams['S->M'].update(synMech=['exc', 'exc'], weight=[0.1, 0.2, 0.3]),
     r"connParams\['S->M'\]\.weight: has 3 values but the rule has 2 synMechs"),
    (lambda n, c: n.popParams['S'].update(density=1e4),
     r"popParams\['S'\]: give exactly one of numCells, density, gridSpacing, cellsList "
     r"\(found numCells, density\)"),
    (lambda n, c: n.popParams['S'].update(yRange=[300, 100]),
     r"popParams\['S'\]\.yRange: must be \[min, max\] with min < max"),
    (lambda n, c: setattr(n, 'shape', 'sphere'),
     r"shape: unknown shape 'sphere'"),
    (lambda n, c: n.stimTargetParams['bkg->PYR']['conds'].update(ynorm=[0.5]),
     r"conds\.ynorm: a position condition is \[min, max\]"),
    (lambda n, c: n.stimTargetParams['bkg->PYR']['conds'].update(layer=2),
     r"conds\.layer: unknown key 'layer'"),
    (lambda n, c: c.analysis.update(plotRastr={}),
     r"analysis\['plotRastr'\]: unknown analysis function 'plotRastr'; did you mean "
     r"'plotRaster'\?"),
    (lambda n, c: setattr(c, 'saveDataInclude', ['simData', 'netcells']),
     r"saveDataInclude: unknown parts \['netcells'\]"),
    (lambda n, c: n.cellParams['PYR']['secs']['soma'].update(pointps={'izh': {'C': 1}}),
     r"cellParams\['PYR'\]\.secs\['soma'\]\.pointps\['izh'\]\.mod: is required"),
    # one point is what NEURON (and NetPyNE's M1detailed) accepts: a 1e-9 um section
    (lambda n, c: n.cellParams['PYR']['secs']['soma']['geom'].update(pt3d=[[0, 0, 0]]),
     r"geom\.pt3d\[0\]: must be \[x, y, z, diam\], not \[0, 0, 0\]"),
    (lambda n, c: setattr(c, 'sonataPopulations', {'net': ['S', 'MM']}),
     r"sonataPopulations\['net'\]: unknown population 'MM'; did you mean 'M'\?"),
    (lambda n, c: setattr(c, 'loadBalance', 'greedy'),
     r"loadBalance: must be one of 'roundrobin', 'lpt', not 'greedy'"),
    (lambda n, c: setattr(c, 'sonataPopulations', {'M': ['S']}),
     r"sonataPopulations\['M'\]: 'M' is the name of a population outside this group"),
])
def test_bad_values(tut2, edit, message):
    net, cfg = tut2
    edit(net, cfg)
    with pytest.raises(SpecError, match=message):
        validate(net, cfg)


def test_topology_must_name_an_existing_parent():
    net, cfg = tutorial_specs("tut3")
    net.cellParams['PYR']['secs']['dend']['topol']['parentSec'] = 'som'
    with pytest.raises(SpecError, match=r"cellParams\['PYR'\]\.secs\['dend'\]\.topol\.parentSec:"
                                        r" unknown section 'som' in cell type 'PYR'; did you "
                                        r"mean 'soma'\?"):
        validate(net, cfg)


def test_a_probability_above_one_connects_every_pair_with_a_warning(tut2):
    """NetPyNE connects a pair when its probability reaches a uniform draw, so RL_arm's
    probability 1.15 connects every candidate pair; neuroloom does too, and says so."""
    net, cfg = tut2
    net.connParams['S->M']['probability'] = 1.15
    with pytest.warns(UserWarning, match=r"connParams\['S->M'\]\.probability = 1\.15 is "
                                         r"above 1: every candidate pair connects"):
        net_spec, sim_spec, _ = validate(net, cfg)
    network = build_network(net_spec, dict(sim_spec.seeds))
    rule = network.conn_rules.index('S->M')
    assert (network.conns.rule == rule).sum() == 20 * 20  # S and M have 20 cells each
