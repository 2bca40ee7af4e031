"""rxdParams without NEURON: the spec checker (every problem, dotted paths, 'did you
mean'), the safe parser of rxd strings, and a network with RxD through JSON, SONATA and
NeuroML2 and back equal."""
import json
import runpy

import pytest

from helpers import EXAMPLES
from neuroloom import specs
from neuroloom.builder import network_from_specs
from neuroloom.errors import ExpressionError, SpecError
from neuroloom.exporters import neuroml as neuroml_export, sonata as sonata_export
from neuroloom.expr import kinetics
from neuroloom.importers import neuroml as neuroml_import, sonata as sonata_import
from neuroloom.model.rxd import Extracellular
from neuroloom.model.serialize import network_from_dict, network_to_dict
from neuroloom.validate import validate


def example(name):
    """(netParams, simConfig) of an rxd example, without running it."""
    found = runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="spec")
    return found["netParams"], found.get("simConfig") or found["cfg"]


def cell_net():
    """NetPyNE's ER/cytosol/membrane kinds of regions, species, states, parameters,
    reactions across a membrane, rates and constants, in one spec."""
    net = specs.NetParams()
    net.cellParams['PYR'] = {'secs': {'soma': {'geom': {'L': 10, 'diam': 10}},
                                      'dend': {'geom': {'L': 50, 'diam': 2},
                                               'topol': {'parentSec': 'soma'}}}}
    net.popParams['cell'] = {'cellType': 'PYR', 'numCells': 2}
    rxd = net.rxdParams
    rxd['constants'] = {'kf': 1e3, 'kb': 0.1, 'fc': 0.8, 'fe': 0.2, 'caci': 1e-4}
    rxd['regions'] = {
        'cyt': {'cells': 'all', 'secs': 'all', 'nrn_region': 'i',
                'geometry': {'class': 'FractionalVolume',
                             'args': {'volume_fraction': 0.8, 'surface_fraction': 1}}},
        'er': {'cells': ['cell'], 'secs': ['soma', 'dend'],
               'geometry': {'class': 'FractionalVolume', 'args': {'volume_fraction': 0.2}}},
        'mem': {'geometry': {'class': 'ScalableBorder',
                             'args': {'scale': 1, 'on_cell_surface': False}}},
        'ecs': {'extracellular': True, 'xlo': -20, 'ylo': -20, 'zlo': -20, 'xhi': 100,
                'yhi': 20, 'zhi': 20, 'dx': 10, 'volume_fraction': 0.2, 'tortuosity': 1.6}}
    rxd['species'] = {
        'ca': {'regions': ['cyt', 'er', 'ecs'], 'd': 0.08, 'charge': 2,
               'initial': '2.0 if isinstance(node, rxd.node.NodeExtracellular) else '
                          '(0.0017 - caci * fc) / fe if node.region == er else caci'},
        'buf': {'regions': ['cyt'], 'initial': 1e-3},
        'cabuf': {'regions': 'cyt', 'initial': 0}}
    rxd['states'] = {'gate': {'regions': ['mem'], 'initial': 0.8}}
    rxd['parameters'] = {'pump': {'regions': ['cyt'], 'value': 'node.x * 2'}}
    rxd['reactions'] = {'buffering': {'reactant': 'ca + buf', 'product': 'cabuf',
                                      'rate_f': 'kf', 'rate_b': 'kb', 'regions': ['cyt']}}
    rxd['multicompartmentReactions'] = {
        'leak': {'reactant': 'ca[er]', 'product': 'ca[cyt]', 'rate_f': 6.0, 'rate_b': 6.0,
                 'membrane': 'mem'},
        'serca': {'reactant': 'ca[cyt]', 'product': 'ca[er]', 'custom_dynamics': True,
                  'rate_f': '0.39 / ((0.1 / (1000. * ca[cyt])) ** 2 + 1)', 'membrane': 'mem'}}
    rxd['rates'] = {'gating': {'species': 'gate[mem]',
                               'rate': '(1. / (1 + 1000. * ca[cyt] / 0.3) - gate[mem]) / 2000'},
                    'pumping': {'species': 'buf', 'rate': '-pump * buf * exp(-v / 50)'}}
    return net


def problems(net, cfg=None) -> list[str]:
    with pytest.raises(SpecError) as err:
        validate(net, cfg or specs.SimConfig())
    return [str(p) for p in err.value.problems]


def test_netpyne_rxd_specs_are_valid():
    rxd = validate(cell_net(), specs.SimConfig())[0].rxd
    assert [r.label for r in rxd.regions] == ['cyt', 'er', 'mem', 'ecs']
    assert isinstance(rxd.region('ecs'), Extracellular)
    assert rxd.region('er').cells == ('cell',) and rxd.region('er').secs == ('soma', 'dend')
    assert rxd.region('mem').cells == ('all',) and rxd.region('mem').secs is None
    assert [(s.label, s.kind) for s in rxd.species] == [
        ('ca', 'species'), ('buf', 'species'), ('cabuf', 'species'), ('gate', 'state'),
        ('pump', 'parameter')]
    serca = rxd.reactions[2]
    assert serca.membrane == 'mem' and not serca.mass_action
    assert dict(rxd.constants)['kf'] == 1e3
    for name in ("rxd_buffering", "rxd_net"):
        assert validate(*example(name))[0].rxd is not None


def test_a_typo_in_a_reaction_string_says_did_you_mean():
    net = cell_net()
    net.rxdParams['reactions']['buffering']['reactant'] = 'ca + bufer'
    found = problems(net)
    assert len(found) == 1
    assert found[0].startswith("rxdParams.reactions['buffering'].reactant: unknown species "
                               "'bufer'; did you mean 'buf'?")
    assert "    ca + bufer\n         ^" in found[0]  # where in the string


def test_every_problem_at_once_with_its_dotted_path():
    net = cell_net()
    rxd = net.rxdParams
    rxd['reactions']['buffering']['rate_fw'] = 1.0
    rxd['reactions']['buffering']['rate_b'] = 'kb * cabuff'
    rxd['species']['buf']['regions'] = ['cty']
    rxd['species']['ca']['intial'] = 1.0
    rxd['regions']['cyt']['secs'] = ['sooma']
    rxd['regions']['er']['geometry']['args']['volume_fractoin'] = 0.3
    rxd['regions']['ecs']['xhi'] = -30
    rxd['multicompartmentReactions']['leak']['reactant'] = 'ca'
    rxd['multicompartmentReactions']['leak']['membrane'] = 'memb'
    rxd['rates']['gating']['rate'] = 'gate[cyt] / 2'
    rxd['reactionz'] = {}
    found = "\n".join(problems(net))
    for expected in (
            "rxdParams.reactionz: unknown key 'reactionz'; did you mean 'reactions'?",
            "rxdParams.reactions['buffering'].rate_fw: unknown key 'rate_fw'; did you mean "
            "'rate_f'?",
            "rxdParams.reactions['buffering'].rate_b: unknown name 'cabuff'; did you mean "
            "'cabuf'?",
            "rxdParams.species['buf'].regions[0]: unknown region 'cty'; did you mean 'cyt'?",
            "rxdParams.species['ca'].intial: unknown key 'intial'; did you mean 'initial'?",
            "rxdParams.regions['cyt'].secs: unknown section 'sooma'; did you mean 'soma'?",
            "rxdParams.regions['er'].geometry.args.volume_fractoin: unknown key",
            "rxdParams.regions['ecs'].xhi: must be > xlo (-20), not -30",
            "rxdParams.multicompartmentReactions['leak'].reactant: 'ca' is in several regions",
            "rxdParams.multicompartmentReactions['leak'].membrane: unknown region 'memb'; did "
            "you mean 'mem'?",
            "rxdParams.rates['gating'].rate: 'gate' is not in region 'cyt' (its regions: mem)"):
        assert expected in found, expected
    assert len(problems(net)) == 11


@pytest.mark.parametrize("text, kind, message", [
    ("__import__('os').system('x')", kinetics.RATE, "only the known functions can be called"),
    ("ca.__class__", kinetics.RATE, "node attributes: allowed only in initial values"),
    ("node.__class__", kinetics.INITIAL, "unknown node attribute '__class__'"),
    ("[ca for ca in ()]", kinetics.RATE, "a comprehension is not allowed"),
    ("lambda: 1", kinetics.RATE, "a lambda is not allowed"),
    ("'ca'", kinetics.RATE, "only numbers are allowed"),
    ("1.5 * ca + buf", kinetics.SCHEME, "a whole number times a species"),
    ("ca + kf", kinetics.SCHEME, "'kf' is a constant, not a species or state"),
    ("ca > buf", kinetics.RATE, "a comparison: allowed only in initial values"),
    ("exp(ca, 2)", kinetics.RATE, "exp() takes 1 argument, not 2"),
    ("expp(ca)", kinetics.RATE, "unknown function 'expp'; did you mean 'exp'?"),
    ("node.region < cyt", kinetics.INITIAL, "can only be compared (== or !=)"),
    ("ca * 2", kinetics.INITIAL, "'ca' is a species: an initial value cannot depend on one"),
    ("isinstance(node, int)", kinetics.INITIAL, "the only isinstance test allowed"),
])
def test_rxd_strings_outside_the_language_are_refused(text, kind, message):
    names = kinetics.Names(species={'ca': 'species', 'buf': 'species'},
                           species_regions={'ca': ('cyt',), 'buf': ('cyt',)},
                           regions={'cyt': 'intracellular'}, constants={'kf': 1.0})
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("*", r"\*")):
        kinetics.parse(text, names, kind, "here")


def test_initial_values_are_evaluated_per_node_without_eval():
    names = kinetics.Names(regions={'cyt': 'intracellular', 'er': 'intracellular',
                                    'ecs': 'extracellular'},
                           constants={'fc': 0.8, 'fe': 0.2, 'caci': 1e-4})
    tree = kinetics.parse(cell_net().rxdParams['species']['ca']['initial'], names,
                          kinetics.INITIAL, "initial")
    node = {'region': 'cyt', 'extracellular': False, 'x': 0.5}
    assert kinetics.evaluate(tree, node) == 1e-4
    assert kinetics.evaluate(tree, {**node, 'region': 'er'}) == (0.0017 - 1e-4 * 0.8) / 0.2
    assert kinetics.evaluate(tree, {**node, 'region': 'ecs', 'extracellular': True}) == 2.0
    gradient = kinetics.parse('exp(-node.x3d / 10) if node.x < 0.5 and not node.x3d > 5 '
                              'else pi', names, kinetics.INITIAL, "initial")
    assert kinetics.evaluate(gradient, {'x': 0.2, 'x3d': 2.0}) == pytest.approx(0.8187307531)
    assert kinetics.evaluate(gradient, {'x': 0.7, 'x3d': 2.0}) == pytest.approx(3.14159265)


def test_traces_and_plots_name_known_species_and_regions():
    cfg = specs.SimConfig()
    cfg.recordTraces = {'ca_er': {'sec': 'soma', 'var': 'ca[er]'},
                        'bad': {'sec': 'soma', 'var': 'ca[ers]'},
                        'worse': {'sec': 'soma', 'var': 'caa[er]'},
                        'ion': {'sec': 'soma', 'var': 'cai'}}
    cfg.analysis['plotRxDConcentration'] = {'speciesLabel': 'buf', 'regionLabel': 'ecs',
                                            'plane': 'yx'}
    found = "\n".join(problems(cell_net(), cfg))
    assert "recordTraces['bad'].var: unknown region of 'ca' 'ers'; did you mean 'er'?" in found
    assert "recordTraces['worse'].var: unknown rxd species 'caa'; did you mean 'ca'?" in found
    assert ("analysis['plotRxDConcentration'].regionLabel: unknown region of 'buf' 'ecs'; "
            "valid names are 'cyt'") in found
    assert "analysis['plotRxDConcentration'].plane: unknown plane 'yx'" in found
    assert "ca_er" not in found and "'ion'" not in found
    plain = specs.NetParams()
    plain.cellParams['PYR'] = {'secs': {'soma': {'geom': {'L': 10, 'diam': 10}}}}
    plain.popParams['cell'] = {'cellType': 'PYR', 'numCells': 1}
    cfg = specs.SimConfig()
    cfg.recordTraces = {'x': {'sec': 'soma', 'var': 'ca[cyt]'}}
    assert problems(plain, cfg) == ["recordTraces['x'].var: there is no reaction-diffusion "
                                    "(netParams.rxdParams)"]


def test_a_network_with_rxd_survives_json():
    network = network_from_specs(cell_net(), specs.SimConfig())
    assert network.rxd is not None
    back = network_from_dict(json.loads(json.dumps(network_to_dict(network))))
    assert back == network and back.rxd == network.rxd
    changed = json.loads(json.dumps(network_to_dict(network)))
    changed["rxd"]["reactions"][0]["rate_f"] = "kb"
    assert network_from_dict(changed) != network  # equality looks at the RxD too


@pytest.mark.parametrize("name", ["rxd_buffering", "rxd_net"])
def test_sonata_and_neuroml_carry_the_rxd(name, tmp_path):
    """The formats have no RxD: neuroloom's own files carry it (neuroloom_catalogs.json,
    the 'neuroloom' annotation), so the import of an export is the same network."""
    net, cfg = example(name)
    network = network_from_specs(net, cfg)
    sonata_export.export(network, tmp_path / "circuit", cfg)
    assert "rxd" in json.loads((tmp_path / "circuit" / "neuroloom_catalogs.json").read_text())
    back = sonata_import.load(tmp_path / "circuit" / "simulation_config.json").network
    assert back == network and back.rxd == network.rxd
    neuroml_export.export(network, "net", tmp_path, cfg)
    back = neuroml_import.load(tmp_path / "LEMS_net.xml").network
    assert back == network and back.rxd == network.rxd
