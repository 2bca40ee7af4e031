"""Safe string functions: AST whitelist, numpy-vectorised, no eval/exec."""
from .compile import Expression, compile_expression
from .functions import CONSTANTS, MATH, RANDOM, Function

__all__ = ["Expression", "compile_expression", "CONSTANTS", "MATH", "RANDOM", "Function"]
