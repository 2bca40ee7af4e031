"""String functions -> safe, vectorised numpy evaluators.

A string such as ``'0.4*exp(-dist_3D/probLengthConst)'`` is parsed with Python's ``ast``
module and checked against a whitelist: numbers, the names the context provides, calls of
the known functions, arithmetic, comparisons, ``and``/``or``/``not`` and ``a if c else b``.
Anything else (attribute access, subscripts, strings, lambdas, comprehensions, unknown or
dunder names, keyword arguments) is refused before anything runs. The accepted tree is
turned into nested numpy closures; nothing is ever passed to eval or exec.

Sizes are bounded before anything is evaluated: the text's length, the nesting depth of
its syntax tree and the size of its numbers. Evaluation never raises anything but an
ExpressionError naming the rule's path and the text: numpy's floating-point warnings are
silenced (``x > 0 and 1/x`` evaluates both branches) and the values are judged instead,
against the bounds the option declares (expr/bounds.py) and finiteness, per element.
"""
from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from ..errors import ExpressionError, NeuroloomError, Problem
from ..suggest import closest
from .bounds import Bounds, describe_value
from .functions import CONSTANTS, MATH, RANDOM, DrawDomainError, Function

MAX_LENGTH = 2000  # characters; keeps parsing bounded
SHOWN_LENGTH = 200  # longer texts are not repeated under a message
MAX_DEPTH = 100  # levels of the syntax tree; evaluation recurses once per level

_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
           ast.Div: np.true_divide, ast.FloorDiv: np.floor_divide, ast.Mod: np.mod,
           ast.Pow: np.power}
_UNARY = {ast.USub: np.negative, ast.UAdd: np.positive, ast.Not: np.logical_not}
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
            ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne}

# A draw request: (site index, function, evaluated parameters) -> array of the element shape
Draw = Callable[[int, Function, list], np.ndarray]
# How a message names the element at a flat index ("the connection 12 -> 40", "cell 3")
Describe = Callable[[int], str]


@dataclass(frozen=True)
class Expression:
    """A compiled string function."""

    text: str
    variables: frozenset  # the context names it reads
    random_sites: int  # how many random calls it makes
    _root: Callable
    where: str = ""  # the rule's path, for messages
    bounds: Bounds = Bounds()  # what every value it gives must satisfy (always finite)

    @property
    def is_random(self) -> bool:
        return self.random_sites > 0

    def with_bounds(self, bounds: Bounds) -> "Expression":
        """The same function, its values held to ``bounds`` (the option's own)."""
        return replace(self, bounds=bounds)

    def evaluate(self, env: dict, draw: Draw | None = None, shape=None,
                 describe: Describe | None = None) -> np.ndarray:
        """Evaluate over the (broadcast) arrays in ``env``. ``draw`` supplies the values of
        random calls; it is required when the expression has any. With ``shape``, the
        values are broadcast to it and each is checked against the bounds: the first out
        of bounds raises an ExpressionError naming the element (``describe``)."""
        if self.is_random and draw is None:
            raise ValueError(f"{self.text!r} draws random numbers: a draw source is needed")
        describe = describe or (lambda i: f"element {i}")
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(self._root(env, draw), dtype=np.float64)
        except NeuroloomError:
            raise
        except DrawDomainError as err:
            raise self.error(f"{err.message} (for {describe(err.index)})") from None
        except RecursionError:
            raise self.error("nests too deeply to evaluate") from None
        except Exception as err:  # numpy and Python errors of any kind: name the rule
            raise self.error(f"cannot be evaluated: {type(err).__name__}: {err}") from err
        if shape is None:
            return out
        out = np.broadcast_to(out, shape)
        index = self.bounds.first_violation(out)
        if index is not None:
            bad = float(out.ravel()[index])
            raise self.error(f"gives {describe_value(bad)} for {describe(index)} "
                             f"({self.bounds.problem(bad)})")
        return out

    def error(self, message: str) -> ExpressionError:
        """An error about this function's values: its path, its text and ``message``."""
        return ExpressionError(Problem(self.where, f"{self.text!r} {message}",
                                       in_expression=True))


def compile_expression(text: str, variables, where: str = "") -> Expression:
    """Parse and check ``text``; ``variables`` are the names the context provides."""
    variables = frozenset(variables)
    if not isinstance(text, str):
        raise _error(where, f"a string function must be a string, not {text!r}")
    if len(text) > MAX_LENGTH:
        raise _error(where, f"string function longer than {MAX_LENGTH} characters")
    body = parse_bounded(text, where, _error, "string function")
    compiler = _Compiler(text, variables, where)
    root = compiler.node(body)
    return Expression(text=text, variables=frozenset(compiler.used), random_sites=compiler.sites,
                      _root=root, where=where)


def parse_bounded(text: str, where: str, error, subject: str = "") -> ast.expr:
    """The body of ``text`` parsed as one Python expression, its nesting bounded before
    anything walks it: a syntax error (with a caret), the parser's own limits and a tree
    deeper than MAX_DEPTH are ``error(where, message[, text, column])``. ``subject`` opens
    the messages ("string function"; none: "invalid expression")."""
    try:
        body = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise error(where, f"invalid {subject or 'expression'}: {err.msg}", text,
                    (err.offset or 1) - 1 + _indent(text)) from None
    except (RecursionError, MemoryError, ValueError) as err:  # the parser's own limits
        raise error(where, f"{subject} cannot be parsed ({type(err).__name__}: {err}); "
                           f"it may nest at most {MAX_DEPTH} levels".lstrip()) from None
    if depth(body) > MAX_DEPTH:
        raise error(where, f"{subject} nests deeper than {MAX_DEPTH} levels (operators, "
                           "calls and parentheses)".lstrip())
    return body


def depth(tree) -> int:
    """The depth of a syntax tree, walked without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:  # enough to refuse it
            break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _error(where, message, text=None, column=None) -> ExpressionError:
    """The error for one problem: the rule's path, what is wrong, and where in the text."""
    if text is not None and len(text) > SHOWN_LENGTH:  # a caret under 2000 characters
        message = f"{message} (at character {column or 0})"  # would help nobody
    elif text is not None:
        caret = " " * max(0, column or 0) + "^"
        message = f"{message}\n    {text}\n    {caret}"
    return ExpressionError(Problem(where, message, in_expression=True))


class _Compiler:
    def __init__(self, text, variables, where):
        self.text, self.variables, self.where = text, variables, where
        self.used: set[str] = set()
        self.sites = 0
        self.offset = _indent(text)

    def fail(self, node, message):
        column = getattr(node, "col_offset", 0)
        if isinstance(node, ast.Attribute):  # point at the dot, not the object
            column = node.end_col_offset - len(node.attr) - 1
        raise _error(self.where, message, self.text, column + self.offset)

    def known_names(self):
        return sorted(self.variables | set(CONSTANTS) | set(MATH) | set(RANDOM))

    def node(self, node) -> Callable:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            self.fail(node, f"{describe_node(node)} is not allowed in a string function")
        return method(node)

    # -- leaves -----------------------------------------------------------------------
    def _Constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            self.fail(node, f"only numbers are allowed as constants, not {node.value!r}")
        try:
            value = float(node.value)
        except OverflowError:  # an integer beyond the largest float (about 1.8e308)
            value = np.inf
        if np.isinf(value):
            self.fail(node, "number too large: beyond the largest float (about 1.8e308); "
                            "write inf if infinity is meant")
        return lambda env, draw: value

    def _Name(self, node):
        name = node.id
        if name in self.variables:
            self.used.add(name)
            return lambda env, draw: env[name]
        if name in CONSTANTS:
            value = CONSTANTS[name]
            return lambda env, draw: value
        if name in MATH or name in RANDOM:
            self.fail(node, f"'{name}' is a function: call it, e.g. {name}(...)")
        suggestion = closest(name, self.known_names())
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        self.fail(node, f"unknown name '{name}'{hint}")

    # -- operators --------------------------------------------------------------------
    def _BinOp(self, node):
        op = _BINARY.get(type(node.op))
        if op is None:
            self.fail(node, f"operator {type(node.op).__name__} is not allowed")
        left, right = self.node(node.left), self.node(node.right)
        return lambda env, draw: op(left(env, draw), right(env, draw))

    def _UnaryOp(self, node):
        op = _UNARY.get(type(node.op))
        if op is None:
            self.fail(node, f"operator {type(node.op).__name__} is not allowed")
        operand = self.node(node.operand)
        return lambda env, draw: op(operand(env, draw))

    def _Compare(self, node):
        ops = []
        for op in node.ops:
            if type(op) not in _COMPARE:
                self.fail(node, f"comparison {type(op).__name__} is not allowed")
            ops.append(_COMPARE[type(op)])
        parts = [self.node(n) for n in [node.left, *node.comparators]]

        def compare(env, draw):
            values = [p(env, draw) for p in parts]
            result = ops[0](values[0], values[1])
            for op, a, b in zip(ops[1:], values[1:], values[2:]):
                result = np.logical_and(result, op(a, b))
            return result.astype(np.float64) if isinstance(result, np.ndarray) else float(result)
        return compare

    def _BoolOp(self, node):
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        parts = [self.node(n) for n in node.values]

        def boolean(env, draw):
            result = parts[0](env, draw) != 0
            for part in parts[1:]:
                result = combine(result, part(env, draw) != 0)
            return np.asarray(result, dtype=np.float64)
        return boolean

    def _IfExp(self, node):
        test, body, orelse = self.node(node.test), self.node(node.body), self.node(node.orelse)
        return lambda env, draw: np.where(test(env, draw) != 0, body(env, draw),
                                          orelse(env, draw))

    # -- calls ------------------------------------------------------------------------
    def _Call(self, node):
        if not isinstance(node.func, ast.Name):
            self.fail(node.func, f"only the known functions can be called, not "
                                 f"{describe_node(node.func)}")
        name = node.func.id
        if node.keywords:
            self.fail(node, f"{name}(): keyword arguments are not allowed")
        function = MATH.get(name) or RANDOM.get(name)
        if function is None:
            suggestion = closest(name, sorted(set(MATH) | set(RANDOM)))
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            self.fail(node, f"unknown function '{name}'{hint}")
        n = len(node.args)
        if n < function.min_args or (function.max_args is not None and n > function.max_args):
            expected = (f"{function.min_args}" if function.min_args == function.max_args else
                        f"{function.min_args} to {function.max_args or 'any'}")
            self.fail(node, f"{name}() takes {expected} arguments, not {n}")
        args = [self.node(a) for a in node.args]
        if name in MATH:
            apply = function.apply
            return lambda env, draw: apply(*[a(env, draw) for a in args])
        site = self.sites
        self.sites += 1
        return lambda env, draw: draw(site, function, [a(env, draw) for a in args])


def describe_node(node) -> str:
    """How an error message names a piece of syntax (also used by kinetics.py)."""
    if isinstance(node, ast.Attribute):
        return f"attribute access ('.{node.attr}')"
    names = {"Subscript": "indexing", "Lambda": "a lambda", "ListComp": "a comprehension",
             "GeneratorExp": "a generator", "Starred": "unpacking", "JoinedStr": "an f-string",
             "NamedExpr": "assignment", "List": "a list", "Tuple": "a tuple",
             "Dict": "a dict", "Set": "a set", "Constant": "a number", "BinOp": "arithmetic",
             "Call": "a call", "Compare": "a comparison", "Name": "a name"}
    return names.get(type(node).__name__, f"'{type(node).__name__}'")
