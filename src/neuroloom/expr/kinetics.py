"""Reaction-diffusion strings -> checked trees of plain tuples; never eval'd.

NetPyNE runs the strings of ``rxdParams`` (reaction schemes such as '2 * ca + buf', rates
such as 'gserca / ((kserca / (1000. * ca[cyt])) ** 2 + 1)', initial concentrations such as
'caco_init if node.region == ecs else caci_init') as Python code, with NEURON's rxd objects
in scope.
neuroloom parses them with Python's ``ast``, keeps only what is listed here and turns them
into trees of tuples: engine/rxd.py maps a tree onto rxd objects (functions onto
rxd.rxdmath), and ``evaluate`` computes an initial value node by node. Unknown names are
errors with the closest known name.

What each kind of string may hold:

- SCHEME (reactant, product): a sum of species, states or parameters, each optionally on
  a region (``ca[cyt]``) and multiplied by a whole number (``2 * ca + buf``). A parameter
  takes part without changing: NetPyNE's spreadingDepression sends fluxes into
  ``dump[ecs]``, a sink.
- SPECIES (rates' species): one species or state, optionally on a region.
- RATE (rate_f, rate_b, rates' rate): numbers, constants, species, states and parameters
  (optionally on a region), ``v`` or NetPyNE's ``rxd.v`` (the membrane potential),
  + - * / ** and the rxdmath functions in FUNCTIONS (``abs`` is rxdmath's ``fabs``, as
  Python's abs of an rxd expression is).
- INITIAL (initial, parameters' value): numbers, constants, the node's ``node.x`` (0..1
  along its section), ``node.x3d``/``node.y3d``/``node.z3d`` (um), ``node.volume`` (um3) and
  ``node.region`` compared (== or !=) with a region label, the math FUNCTIONS,
  comparisons, and/or/not, ``a if c else b``; NetPyNE's
  ``isinstance(node, rxd.node.NodeExtracellular)`` (or ``Node1D``, ``Node3D``, ``Node``, or a
  tuple of them); and an extracellular region's geometry as rxd holds it
  (``ecs._xlo``, ``ecs._xhi``, ..., ``ecs._dx[0]``, ``ecs._nx``: EXTRACELLULAR_ATTRIBUTES).

Tree nodes: ("num", value), ("ref", species, region or None), ("v",), ("neg", a),
("op", symbol, a, b), ("call", name, (args...)), and in INITIAL also ("node", attribute),
("region", label), ("ecs",), ("isa", (class names...)), ("cmp", (symbols...),
(operands...)), ("if", test, a, b), ("and", (values...)), ("or", (values...)), ("not", a).
Constants and region geometry arrive as numbers.
"""
from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass, field

from ..errors import ExpressionError, Problem
from ..suggest import closest
from .compile import describe_node, parse_bounded

SCHEME, SPECIES, RATE, INITIAL = "scheme", "species", "rate", "initial"
MAX_LENGTH = 4000  # characters: keeps parsing and nesting bounded


def _vtrap(x, y):
    """rxdmath's vtrap: x / (exp(x/y) - 1), with its limit y*(1 - x/y/2) near 0."""
    return y * (1 - x / y / 2) if abs(x / y) < 1e-6 else x / (math.exp(x / y) - 1)


#: rxdmath's functions (name -> number of arguments) and their numeric forms (INITIAL)
FUNCTIONS = {
    **{name: (1, getattr(math, name)) for name in (
        "exp", "log", "log10", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "asin", "acos",
        "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "erf", "erfc", "fabs",
        "ceil", "floor", "trunc", "degrees", "radians", "gamma", "lgamma", "factorial")},
    **{name: (2, getattr(math, name)) for name in ("pow", "atan2", "hypot", "copysign",
                                                   "fmod")},
    "vtrap": (2, _vtrap),
}
#: other names of FUNCTIONS: Python's abs of an rxd expression is rxdmath's fabs
ALIASES = {"abs": "fabs"}
#: rxd.node's classes an initial value may test a node against (isinstance)
NODE_CLASSES = ("Node", "Node1D", "Node3D", "NodeExtracellular")
#: what an extracellular region's rxd object holds of its geometry (rxd.Extracellular)
EXTRACELLULAR_ATTRIBUTES = ("_xlo", "_ylo", "_zlo", "_xhi", "_yhi", "_zhi", "_dx", "_nx",
                            "_ny", "_nz")
CONSTANTS = {"pi": math.pi, "e": math.e}
NODE_ATTRIBUTES = ("x", "x3d", "y3d", "z3d", "volume", "region")
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
               "**": operator.pow}
_COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                ">": operator.gt, ">=": operator.ge}
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
        ast.GtE: ">="}


@dataclass(frozen=True)
class Names:
    """What rxd strings may name: species, states and parameters (label -> kind), the
    regions each lives in, the region labels (label -> 'intracellular'/'extracellular')
    and the constants."""

    species: dict = field(default_factory=dict)  # label -> 'species' | 'state' | 'parameter'
    species_regions: dict = field(default_factory=dict)  # label -> tuple of region labels
    regions: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    #: extracellular region label -> its EXTRACELLULAR_ATTRIBUTES (extracellular_geometry)
    geometry: dict = field(default_factory=dict)


def extracellular_geometry(lo, hi, dx) -> dict:
    """What rxd.Extracellular(*lo, *hi, dx) holds of its geometry: the box grows to a whole
    number of voxels along each axis, so ``_xhi`` may exceed the ``xhi`` it was given.

    Parameters
    ----------
    lo, hi : sequence of 3 floats
        The box's corners (um).
    dx : float or sequence of 3 floats
        The voxel size (um), one or one per axis.

    Returns
    -------
    dict
        '_xlo', '_ylo', '_zlo', '_xhi', '_yhi', '_zhi' (floats), '_dx' (a tuple of 3) and
        '_nx', '_ny', '_nz' (voxel counts).
    """
    dx = tuple(float(d) for d in (dx if hasattr(dx, "__len__") else (dx,)))
    dx = dx * 3 if len(dx) == 1 else dx
    out = {"_dx": dx}
    for axis, low, high, step in zip("xyz", lo, hi, dx):
        count = int(math.ceil(float(high - low) / step))
        out.update({f"_{axis}lo": float(low), f"_{axis}hi": low + step * count,
                    f"_n{axis}": count})
    return out


def parse(text, names: Names, kind: str, where: str = ""):
    """The checked tree of ``text``; an ExpressionError (with ``where`` and a caret under
    the offending part) for anything not allowed."""
    if not isinstance(text, str):
        raise ExpressionError(Problem(where, f"must be a string, not {text!r}", True))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(Problem(where, f"longer than {MAX_LENGTH} characters", True))
    body = parse_bounded(text, where, _error)
    parser = _Parser(text, names, kind, where, len(text) - len(text.lstrip()))
    if kind == SCHEME:
        return parser.scheme(body)
    if kind == SPECIES:
        return parser.reference(body, allow_parameter=False)
    tree, typ = parser.node(body)
    if typ != "num":
        parser.fail(body, f"must give a number, not a {typ}")
    return tree


def references(tree) -> list:
    """The ("ref", species, region) nodes of a tree, in order."""
    if not isinstance(tree, tuple):
        return []
    if tree[0] == "ref":
        return [tree]
    out = []
    for part in tree[1:]:
        if isinstance(part, tuple):
            if part and isinstance(part[0], str):
                out += references(part)
            else:
                for item in part:
                    out += references(item)
    return out


def evaluate(tree, node: dict) -> float:
    """An INITIAL tree's value at one node: ``node`` gives 'x', 'x3d', 'y3d', 'z3d',
    'volume', 'region' (its label), 'extracellular' (bool) and 'class' (its rxd.node class
    name: 'Node1D', 'Node3D' or 'NodeExtracellular'); only what the tree reads is asked."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "node":
        return node[tree[1]]
    if kind == "region":
        return tree[1]
    if kind == "ecs":
        return float(node["extracellular"])
    if kind == "isa":
        return float("Node" in tree[1] or node["class"] in tree[1])
    if kind == "neg":
        return -evaluate(tree[1], node)
    if kind == "not":
        return float(not evaluate(tree[1], node))
    if kind == "op":
        return _ARITHMETIC[tree[1]](evaluate(tree[2], node), evaluate(tree[3], node))
    if kind == "call":
        return float(FUNCTIONS[tree[1]][1](*(evaluate(a, node) for a in tree[2])))
    if kind == "if":
        return evaluate(tree[2] if evaluate(tree[1], node) else tree[3], node)
    if kind in ("and", "or"):
        values = (bool(evaluate(v, node)) for v in tree[1])
        return float(all(values) if kind == "and" else any(values))
    if kind == "cmp":
        values = [evaluate(v, node) for v in tree[2]]
        return float(all(_compare(op, a, b) for op, a, b in zip(tree[1], values, values[1:])))
    raise ValueError(f"not an initial-value tree: {tree!r}")


def _compare(op, a, b) -> bool:
    return _COMPARISONS[op](a, b)


def _error(where, message, text=None, column=None) -> ExpressionError:
    if text is not None:
        message = f"{message}\n    {text}\n    {' ' * max(0, column or 0)}^"
    return ExpressionError(Problem(where, message, in_expression=True))


class _Parser:
    def __init__(self, text, names, kind, where, indent):
        self.text, self.names, self.kind, self.where = text, names, kind, where
        self.indent = indent

    def fail(self, node, message):
        raise _error(self.where, message, self.text, getattr(node, "col_offset", 0)
                     + self.indent)

    # -- schemes and species references ----------------------------------------------
    def scheme(self, node):
        """A sum of (whole number *) species terms."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return ("op", "+", self.scheme(node.left), self.scheme(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            number, term = (node.left, node.right) if isinstance(node.left, ast.Constant) \
                else (node.right, node.left)
            value = getattr(number, "value", None)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 \
                    or not float(value).is_integer():
                self.fail(node, "a reaction term is a species, or a whole number times a "
                                "species ('2 * ca')")
            return ("op", "*", ("num", float(value)), self.reference(term))
        return self.reference(node)

    def reference(self, node, allow_parameter=True):
        """``ca`` or ``ca[cyt]``."""
        if isinstance(node, ast.Subscript):
            if not isinstance(node.value, ast.Name):
                self.fail(node, "only a species can be put on a region ('ca[cyt]')")
            label = self._species(node.value, allow_parameter)
            index = node.slice
            if not isinstance(index, ast.Name):
                self.fail(index, "a species is put on a region by the region's label "
                                 "('ca[cyt]')")
            region = self._region(index)
            where = self.names.species_regions.get(label, ())
            if region not in where:
                self.fail(index, f"'{label}' is not in region '{region}' (its regions: "
                                 f"{', '.join(where) or 'none'})")
            return ("ref", label, region)
        if isinstance(node, ast.Name):
            return ("ref", self._species(node, allow_parameter), None)
        what = "a species or state" if not allow_parameter else "a species"
        self.fail(node, f"must be {what} ('ca' or 'ca[cyt]'), not {describe_node(node)}")

    def _species(self, node, allow_parameter):
        name = node.id
        kind = self.names.species.get(name)
        if kind == "parameter" and not allow_parameter:
            self.fail(node, f"'{name}' is a parameter: only species and states have rates")
        if kind is None:
            known = [s for s, k in self.names.species.items()
                     if allow_parameter or k != "parameter"]
            if name in self.names.constants or name in self.names.regions:
                what = "constant" if name in self.names.constants else "region"
                self.fail(node, f"'{name}' is a {what}, not a species or state")
            self.fail(node, f"unknown species '{name}'{_hint(name, known)}")
        return name

    def _region(self, node):
        if node.id not in self.names.regions:
            self.fail(node, f"unknown region '{node.id}'{_hint(node.id, self.names.regions)}")
        return node.id

    # -- expressions: (tree, type) with type 'num', 'region' or 'bool' -----------------
    def node(self, node):
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            self.fail(node, f"{describe_node(node)} is not allowed here")
        return method(node)

    def _initial_only(self, node, what):
        if self.kind != INITIAL:
            self.fail(node, f"{what}: allowed only in initial values")

    def _Constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            self.fail(node, f"only numbers are allowed as constants, not {node.value!r}")
        return ("num", float(node.value)), "num"

    def _Name(self, node):
        name, names = node.id, self.names
        if name in names.constants:
            return ("num", float(names.constants[name])), "num"
        if self.kind == RATE and name in names.species:
            return self.reference(node), "num"
        if self.kind == INITIAL and name in names.regions:
            return ("region", name), "region"
        if self.kind == RATE and name == "v":
            return ("v",), "num"
        if name in CONSTANTS:
            return ("num", CONSTANTS[name]), "num"
        if name in FUNCTIONS or name in ALIASES:
            self.fail(node, f"'{name}' is a function: call it, e.g. {name}(...)")
        if self.kind == INITIAL and name in names.species:
            self.fail(node, f"'{name}' is a species: an initial value cannot depend on one")
        known = list(names.constants) + list(CONSTANTS)
        if self.kind == RATE:
            known += list(names.species) + ["v"]
        else:
            known += list(names.regions) + ["node"]
        self.fail(node, f"unknown name '{name}'{_hint(name, known)}")

    def _Subscript(self, node):
        if self.kind == INITIAL and isinstance(node.value, ast.Attribute):
            return self._geometry(node), "num"
        if self.kind != RATE:
            self.fail(node, "a species on a region is allowed only in reactions and rates")
        return self.reference(node), "num"

    def _Attribute(self, node):
        dotted = _dotted(node)
        if self.kind == RATE and dotted == "rxd.v":
            return ("v",), "num"  # NetPyNE's name of the membrane potential
        if self.kind == RATE and dotted and dotted.startswith("rxd."):
            self.fail(node, f"unknown name '{dotted}'{_hint(dotted, ['rxd.v'])}")
        self._initial_only(node, "node attributes")
        if isinstance(node.value, ast.Name) and node.value.id in self.names.regions:
            return self._geometry(node), "num"
        if not (isinstance(node.value, ast.Name) and node.value.id == "node"):
            self.fail(node, "only the node's attributes (node.x, node.region, ...) can be read")
        if node.attr not in NODE_ATTRIBUTES:
            self.fail(node, f"unknown node attribute '{node.attr}'"
                            f"{_hint(node.attr, NODE_ATTRIBUTES)}")
        return ("node", node.attr), "region" if node.attr == "region" else "num"

    def _BinOp(self, node):
        symbol = _OPS.get(type(node.op))
        if symbol is None:
            self.fail(node, f"operator {type(node.op).__name__} is not allowed")
        left, right = self._number(node.left), self._number(node.right)
        return ("op", symbol, left, right), "num"

    def _UnaryOp(self, node):
        if isinstance(node.op, ast.USub):
            return ("neg", self._number(node.operand)), "num"
        if isinstance(node.op, ast.UAdd):
            return self._number(node.operand), "num"
        if isinstance(node.op, ast.Not):
            self._initial_only(node, "'not'")
            return ("not", self.node(node.operand)[0]), "bool"
        self.fail(node, f"operator {type(node.op).__name__} is not allowed")

    def _geometry(self, node):
        """``ecs._xlo`` or ``ecs._dx[0]``: an extracellular region's geometry, a number."""
        index = None
        if isinstance(node, ast.Subscript):
            index = node.slice
            node = node.value
            if not (isinstance(index, ast.Constant) and type(index.value) is int
                    and 0 <= index.value < 3):
                self.fail(index, "a region's _dx is indexed by 0, 1 or 2")
            index = index.value
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            self.fail(node, f"{describe_node(node)} is not allowed here")
        region, attr = node.value.id, node.attr
        if region not in self.names.regions:
            self.fail(node, "only a region's geometry can be indexed (ecs._dx[0])")
        geometry = self.names.geometry.get(region)
        if geometry is None:
            self.fail(node, f"'{region}' is not an extracellular region: only those have a "
                            "geometry to read" if self.names.regions[region] != "extracellular"
                      else f"the geometry of region '{region}' is not known here")
        if attr not in EXTRACELLULAR_ATTRIBUTES:
            self.fail(node, f"unknown attribute '{attr}' of an extracellular region"
                            f"{_hint(attr, EXTRACELLULAR_ATTRIBUTES)}")
        value = geometry[attr]
        if (attr == "_dx") != (index is not None):
            self.fail(node, "_dx is a voxel size per axis: index it (ecs._dx[0])"
                      if index is None else f"{region}.{attr} is a number, not a list")
        return ("num", float(value if index is None else value[index]))

    def _Call(self, node):
        if node.keywords:
            self.fail(node, "keyword arguments are not allowed")
        name = _function_name(node.func)
        name = ALIASES.get(name, name)
        if name == "isinstance":
            return self._isinstance(node), "bool"
        if name is None:
            self.fail(node.func, f"only the known functions can be called, not "
                                 f"{describe_node(node.func)}")
        if name not in FUNCTIONS:
            self.fail(node, f"unknown function '{name}'{_hint(name, [*FUNCTIONS, *ALIASES])}")
        count = FUNCTIONS[name][0]
        if len(node.args) != count:
            self.fail(node, f"{name}() takes {count} argument{'s' * (count > 1)}, not "
                            f"{len(node.args)}")
        return ("call", name, tuple(self._number(a) for a in node.args)), "num"

    def _isinstance(self, node):
        """NetPyNE's tests of what kind of node an initial value is for: an extracellular
        one (NodeExtracellular), one on a 1D or a 3D section (Node1D, Node3D), any (Node)."""
        self._initial_only(node, "isinstance")
        args = node.args
        kinds = args[1].elts if len(args) == 2 and isinstance(args[1], ast.Tuple) \
            else args[1:2]
        names = [_node_class(k) for k in kinds]
        if len(args) != 2 or not (isinstance(args[0], ast.Name) and args[0].id == "node") \
                or not names or None in names:
            self.fail(node, "the only isinstance test allowed is isinstance(node, "
                            "rxd.node.<class>) with a class (or a tuple of them) of "
                            f"{', '.join(NODE_CLASSES)}")
        if names == ["NodeExtracellular"]:
            return ("ecs",)
        return ("isa", tuple(dict.fromkeys(names)))

    def _Compare(self, node):
        self._initial_only(node, "a comparison")
        parts = [self.node(n) for n in [node.left, *node.comparators]]
        symbols = []
        for op, (a, b) in zip(node.ops, zip(parts, parts[1:])):
            symbol = _CMP.get(type(op))
            if symbol is None:
                self.fail(node, f"comparison {type(op).__name__} is not allowed")
            if "region" in (a[1], b[1]) and (a[1] != b[1] or symbol not in ("==", "!=")):
                self.fail(node, "node.region can only be compared (== or !=) with a region "
                                "label")
            symbols.append(symbol)
        return ("cmp", tuple(symbols), tuple(p[0] for p in parts)), "bool"

    def _BoolOp(self, node):
        self._initial_only(node, "and/or")
        kind = "and" if isinstance(node.op, ast.And) else "or"
        return (kind, tuple(self.node(v)[0] for v in node.values)), "bool"

    def _IfExp(self, node):
        self._initial_only(node, "'a if c else b'")
        return ("if", self.node(node.test)[0], self._number(node.body),
                self._number(node.orelse)), "num"

    def _number(self, node):
        tree, typ = self.node(node)
        if typ == "region":
            self.fail(node, "a region can only be compared with node.region")
        return tree


def _function_name(func) -> str | None:
    """``exp`` or NetPyNE's ``rxdmath.exp``/``rxd.rxdmath.exp``."""
    if isinstance(func, ast.Name):
        return func.id
    dotted = _dotted(func)
    if dotted and dotted.rsplit(".", 1)[0] in ("rxdmath", "rxd.rxdmath", "math"):
        return dotted.rsplit(".", 1)[1]
    return None


def _node_class(node) -> str | None:
    """``rxd.node.Node1D`` (or ``node.Node1D``, ``Node1D``) -> 'Node1D'."""
    dotted = _dotted(node)
    if dotted is None:
        return None
    prefix, _, name = dotted.rpartition(".")
    return name if name in NODE_CLASSES and prefix in ("", "node", "rxd.node") else None


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _hint(name, known) -> str:
    match = closest(name, sorted(known))
    return f"; did you mean '{match}'?" if match else ""
