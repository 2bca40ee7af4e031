"""Safe string functions: AST whitelist, numpy-vectorised, no eval/exec."""
from .bounds import Bounds
from .compile import Expression, compile_expression
from .functions import CONSTANTS, MATH, RANDOM, DrawDomainError, Function, check_params

__all__ = ["Expression", "compile_expression", "CONSTANTS", "MATH", "RANDOM", "Function",
           "DrawDomainError", "check_params", "Bounds"]
