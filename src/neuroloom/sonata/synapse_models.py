"""What BMTK's names on SONATA edges mean: its synapse models (the point process and
parameters of each, sonata/conventions.py SYNAPSE_MODELS), the NEURON mechanisms a
mechanisms_dir defines, and its weight functions.

Weight functions are BMTK 1.2.0's built-ins, written from their definitions: 'wmax',
'default_weight_fnc' and 'set_syn_weight' are the edge's syn_weight; 'gaussianLL' lowers it
with the difference of the two cells' ``tuning_angle`` (an orientation, so 0 and 180 degrees
are the same) as a Gaussian of width ``weight_sigma``. Any other name is a function a BMTK
user registers in Python, which a file cannot carry: an error names it.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import FormatError
from ..suggest import hint
from . import conventions as sc

_POINT_PROCESS = re.compile(r"^\s*POINT_PROCESS\s+(\w+)", re.MULTILINE)
_COMMENT = re.compile(r":[^\n]*|COMMENT.*?ENDCOMMENT", re.DOTALL)


def point_processes(folder) -> set[str]:
    """The POINT_PROCESS names the .mod files of a mechanisms folder define (read as
    text: no NEURON needed)."""
    if folder is None or not Path(folder).is_dir():
        return set()
    names = set()
    for mod in sorted(Path(folder).glob("*.mod")):
        text = _COMMENT.sub("", mod.read_text(errors="replace"))
        names.update(_POINT_PROCESS.findall(text))
    return names


def synapse_params(kind: str, params: dict, where: str) -> tuple:
    """((our parameter, value), ...) of BMTK's synapse model ``kind`` from a dynamics
    dict, as BMTK's setter sets them (its constants included); ``where`` names the
    dynamics file for the error when one it reads is missing."""
    mod, names = sc.SYNAPSE_MODELS[kind]
    given = dict(params)
    for other, theirs in sc.SYNAPSE_ALIASES.get(kind, {}).items():
        if other in given and theirs not in given:
            given[theirs] = given[other]
    missing = [k for k in names if given.get(k) is None]
    if missing:
        raise FormatError(f"{where}: lacks {', '.join(missing)} for {kind} ({mod})")
    values = {ours: _number(given[theirs], f"{where}: {theirs}")
              for theirs, ours in names.items()}
    values.update(sc.SYNAPSE_FIXED.get(kind, {}))
    return tuple(values.items())


def _number(value, where: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise FormatError(f"{where} is {value!r}, not a number") from None


# -- weight functions --------------------------------------------------------------------
def _syn_weight(weight, edges, pre, post, cells, where):
    return weight


def _gaussian_ll(weight, edges, pre, post, cells, where):
    """syn_weight x exp(-(d / weight_sigma)^2), d the difference of the tuning angles of
    the two cells folded to 0..90 degrees (orientations)."""
    angles = cells.extra.get("tuning_angle")
    if angles is None:
        raise FormatError(f"{where}: weight_function gaussianLL needs the node attribute "
                          "tuning_angle, which the nodes lack")
    angles = np.asarray(angles, dtype=float)
    source, target = angles[pre], angles[post]
    for end, values, gids in (("source", source, pre), ("target", target, post)):
        if np.isnan(values).any():
            gid = int(gids[np.isnan(values)][0])
            raise FormatError(f"{where}: weight_function gaussianLL needs tuning_angle of "
                              f"every {end} cell; cell {gid} has none")
    if "weight_sigma" not in edges.attributes:
        raise FormatError(f"{where}: weight_function gaussianLL needs the edge attribute "
                          "weight_sigma")
    sigma = sc.as_float_array(edges.get("weight_sigma"), f"{where} weight_sigma")
    if np.isnan(sigma).any() or np.any(sigma == 0):
        raise FormatError(f"{where}: weight_function gaussianLL needs a nonzero "
                          "weight_sigma on every edge")
    folded = np.abs(180.0 - np.mod(np.abs(target - source), 360.0))
    delta = np.abs(np.abs(folded - 90.0) - 90.0)
    return weight * np.exp(-(delta / sigma) ** 2)


#: BMTK 1.2.0's built-in weight functions: name -> f(syn_weight, edges, pre gids, post gids,
#: cells, where) -> weights; None (no weight_function) is syn_weight itself
WEIGHT_FUNCTIONS = {None: _syn_weight, "wmax": _syn_weight, "default_weight_fnc": _syn_weight,
                    "set_syn_weight": _syn_weight, "gaussianLL": _gaussian_ll}


def apply_weight_functions(weight, functions, edges, pre, post, cells, where, types_file):
    """The weights of edges whose ``functions`` (one name or None per edge) BMTK applies
    to their syn_weight ``weight``."""
    out = np.array(weight, dtype=float)
    for name in sorted(set(functions.tolist()), key=str):
        if name not in WEIGHT_FUNCTIONS:
            known = [k for k in WEIGHT_FUNCTIONS if k]
            raise FormatError(f"{types_file}: weight_function '{name}' is not one of BMTK's "
                              f"built-ins ({', '.join(known)}); a function registered in a "
                              f"BMTK run script cannot be read from a file: "
                              f"{hint(str(name), known)}")
        mine = np.flatnonzero(functions == name) if name is not None else \
            np.flatnonzero(np.equal(functions, None))
        if len(mine):
            out[mine] = WEIGHT_FUNCTIONS[name](out[mine], _Rows(edges, mine), pre[mine],
                                               post[mine], cells, where)
    return out


class _Rows:
    """Some edges of a population, seen as a population (``get``, ``attributes``)."""

    def __init__(self, edges, rows):
        self._edges, self._rows = edges, rows
        self.attributes = edges.attributes

    def get(self, name, default=None):
        return self._edges.get(name, default)[self._rows]
