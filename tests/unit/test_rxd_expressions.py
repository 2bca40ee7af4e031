"""RxD strings of NetPyNE's spreadingDepression example, without NEURON: rxd.v, parameters
as reactants and products, isinstance with rxd.node's classes, abs, an extracellular
region's geometry, and a bare species in a membrane rate; and what stays refused."""
import pytest

from neuroloom import specs
from neuroloom.errors import ExpressionError
from neuroloom.expr import kinetics
from neuroloom.validate import validate

NAMES = kinetics.Names(
    species={'k': 'species', 'gate': 'state', 'dump': 'parameter'},
    species_regions={'k': ('cyt', 'ecs'), 'gate': ('cyt', 'mem'), 'dump': ('cyt', 'ecs')},
    regions={'cyt': 'intracellular', 'mem': 'intracellular', 'ecs': 'extracellular'},
    constants={'ko': 3.5, 'ki': 140.0},
    geometry={'ecs': kinetics.extracellular_geometry((0, -200, 0), (500, 0, 490), 25)})


def parse(text, kind):
    return kinetics.parse(text, NAMES, kind, "here")


def test_rxd_v_is_the_membrane_potential():
    assert parse("gate * (rxd.v - 26.6)", kinetics.RATE) == (
        "op", "*", ("ref", "gate", None), ("op", "-", ("v",), ("num", 26.6)))
    assert parse("rxd.v", kinetics.RATE) == parse("v", kinetics.RATE) == ("v",)


def test_a_parameter_may_react_but_has_no_rate():
    assert parse("dump[ecs]", kinetics.SCHEME) == ("ref", "dump", "ecs")
    assert parse("k[cyt] + 2 * dump[cyt]", kinetics.SCHEME)[3] == (
        "op", "*", ("num", 2.0), ("ref", "dump", "cyt"))
    with pytest.raises(ExpressionError, match="'dump' is a parameter: only species and "
                                              "states have rates"):
        parse("dump", kinetics.SPECIES)


@pytest.mark.parametrize("test, classes", [
    ("rxd.node.Node1D", {"Node1D"}), ("node.Node3D", {"Node3D"}),
    ("NodeExtracellular", {"NodeExtracellular"}),
    ("(rxd.node.Node1D, rxd.node.Node3D)", {"Node1D", "Node3D"}),
    ("rxd.node.Node", {"Node1D", "Node3D", "NodeExtracellular"})])
def test_isinstance_tells_the_kinds_of_node(test, classes):
    tree = parse(f"ki if isinstance(node, {test}) else ko", kinetics.INITIAL)
    for kind in ("Node1D", "Node3D", "NodeExtracellular"):
        node = {"class": kind, "extracellular": kind == "NodeExtracellular"}
        assert kinetics.evaluate(tree, node) == (140.0 if kind in classes else 3.5), kind


def test_abs_is_rxdmaths_fabs():
    assert parse("abs(k - ko)", kinetics.RATE) == parse("fabs(k - ko)", kinetics.RATE)
    tree = parse("abs(node.x3d - 10)", kinetics.INITIAL)
    assert kinetics.evaluate(tree, {"x3d": 4.0}) == 6.0


def test_an_extracellular_regions_geometry_is_rxds():
    geometry = NAMES.geometry['ecs']
    # 490 um is not a whole number of 25 um voxels: rxd makes 20 of them, to 500
    assert geometry['_zhi'] == 500.0 and geometry['_nz'] == 20 and geometry['_ny'] == 8
    assert geometry['_dx'] == (25.0, 25.0, 25.0)
    text = ("1 if (abs(node.x3d - ecs._xlo) < ecs._dx[0] or abs(node.z3d - ecs._zhi) < "
            "ecs._dx[2] or abs(node.y3d - ecs._ylo) < ecs._dx[1]) else 0")
    tree = parse(text, kinetics.INITIAL)
    inside = {"x3d": 250.0, "y3d": -100.0, "z3d": 250.0}
    assert kinetics.evaluate(tree, inside) == 0
    assert kinetics.evaluate(tree, {**inside, "x3d": 12.5}) == 1
    assert kinetics.evaluate(tree, {**inside, "z3d": 487.5}) == 1
    assert kinetics.evaluate(tree, {**inside, "z3d": 462.5}) == 0
    assert kinetics.evaluate(tree, {**inside, "y3d": -187.5}) == 1


@pytest.mark.parametrize("text, kind, message", [
    ("isinstance(node, rxd.node.Node2D)", kinetics.INITIAL,
     "the only isinstance test allowed is isinstance(node, rxd.node.<class>)"),
    ("isinstance(node, os.Node1D)", kinetics.INITIAL, "the only isinstance test allowed"),
    ("isinstance(k, rxd.node.Node1D)", kinetics.INITIAL, "the only isinstance test allowed"),
    ("ecs._xlow", kinetics.INITIAL, "unknown attribute '_xlow' of an extracellular region; "
                                    "did you mean '_xlo'?"),
    ("ecs._dx", kinetics.INITIAL, "_dx is a voxel size per axis: index it"),
    ("ecs._dx[3]", kinetics.INITIAL, "indexed by 0, 1 or 2"),
    ("ecs._xlo[0]", kinetics.INITIAL, "ecs._xlo is a number, not a list"),
    ("cyt._xlo", kinetics.INITIAL, "'cyt' is not an extracellular region"),
    ("ecs.__class__", kinetics.INITIAL, "unknown attribute '__class__'"),
    ("ecs._xlo", kinetics.RATE, "node attributes: allowed only in initial values"),
    ("rxd.vv + 1", kinetics.RATE, "unknown name 'rxd.vv'; did you mean 'rxd.v'?"),
    ("rxd.v", kinetics.INITIAL, "only the node's attributes"),
    ("abss(k)", kinetics.RATE, "unknown function 'abss'; did you mean 'abs'?"),
    ("abs(k, 2)", kinetics.RATE, "fabs() takes 1 argument, not 2"),
    ("dump * 1.5", kinetics.SCHEME, "a whole number times a species"),
])
def test_what_stays_refused(text, kind, message):
    with pytest.raises(ExpressionError, match=_escaped(message)):
        parse(text, kind)


def _escaped(message):
    for char in "()[]*.<>":
        message = message.replace(char, "\\" + char)
    return message


def membrane_net(rate):
    net = specs.NetParams()
    net.cellParams['cell'] = {'secs': {'soma': {'geom': {'L': 10.0, 'diam': 10.0}}}}
    net.popParams['P'] = {'cellType': 'cell', 'numCells': 1}
    net.rxdParams = {
        'regions': {'cyt': {'cells': 'all', 'secs': 'all', 'nrn_region': 'i'},
                    'mem': {'cells': 'all', 'secs': 'all', 'geometry': 'membrane'},
                    'er': {'cells': 'all', 'secs': 'all'}},
        'species': {'na': {'regions': ['cyt', 'er'], 'initial': 10.0}},
        'states': {'gate': {'regions': ['cyt', 'mem'], 'initial': 1.0}},
        'parameters': {'dump': {'regions': ['er']}},
        'multicompartmentReactions': {'leak': {
            'reactant': 'na[cyt]', 'product': 'dump[er]', 'rate_f': rate, 'membrane': 'mem',
            'custom_dynamics': True}}}
    return net


def test_a_bare_species_in_a_membrane_rate_is_the_one_on_the_membrane():
    validate(membrane_net('gate * (rxd.v + 70)'), specs.SimConfig())  # gate[mem]
    with pytest.raises(ExpressionError, match=r"rxdParams.multicompartmentReactions\['leak'\]"
                                              r"\.rate_f: 'na' is in several regions"):
        validate(membrane_net('na * (rxd.v + 70)'), specs.SimConfig())  # not on mem
