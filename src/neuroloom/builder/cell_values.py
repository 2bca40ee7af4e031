"""The string functions of cellParams, evaluated for one cell.

As in NetPyNE, a rule's ``vars`` are evaluated once per cell; geometry and point process
parameters once per section (at its middle); density mechanism parameters once per
segment, where ``dist_path`` and ``dist_euclidean`` are the distances of the segment's
middle from the middle of the soma (morphology.origin_section) along the sections and in
a straight line between 3D points. Every random draw comes from a stream keyed by
(cell seed, rule, section, mechanism, parameter) and the cell's gid, so a cell gets the
same values whoever builds it.
"""
from __future__ import annotations

import numpy as np

from .. import rng
from ..errors import Problem, SpecError
from ..validate.cells import GID, Bound, assemble, map_leaves, placeholders
from ..validate.checker import Checker
from .draws import KeyedDraws
from .morphology import origin_section, path_distance, point_at, segment_centres

AXES = ("x", "y", "z", "xnorm", "ynorm", "znorm")


class CellValues:
    """Evaluates the Bound string functions of merged sections for cells of one kind."""

    def __init__(self, rules, variables: dict, seed: int, where: str):
        self.rules = {r.label: r for r in rules}
        self.variables, self.seed, self.where = variables, seed, where
        self._same_shape = None  # (shape, distances) when no geometry is a function

    def evaluate(self, secs: dict, sec_lists, globals_, threshold, gid: int,
                 position: dict) -> dict:
        """``secs`` (merged, with Bound string functions) with numbers for cell ``gid``
        at ``position`` (its x, y, z, xnorm, ynorm, znorm)."""
        cell_vars = {label: self._vars(rule, gid, position)
                     for label, rule in self.rules.items()}

        def value(v, where, env_extra=None, n=1):
            if isinstance(v, Bound):
                env = {**self.variables, **position, **cell_vars[v.rule], **(env_extra or {})}
                key = rng.stream_key(self.seed, "cellParams", v.rule, *map(str, where))
                draws = KeyedDraws(key, np.full(n, gid), (n,)) if v.expression.is_random \
                    else None
                out = v.expression.evaluate(env, draws, (n,), _describe(gid, where, n))
                return float(out[0]) if n == 1 else tuple(float(x) for x in out)
            if v == GID and where[1] == "pointps":
                return float(gid)
            return v

        # geometry first: the distances of the mechanisms' functions depend on it
        varied = []
        secs = map_leaves(secs, lambda v, where: (varied.append(1) or value(v, where))
                          if where[1] == "geom" and isinstance(v, Bound) else v)
        if varied or self._same_shape is None:
            shape = self._shape(secs, sec_lists, globals_, threshold)
            found = (shape, _Distances(shape))
            if not varied:  # every cell of this kind has this shape
                self._same_shape = found
        shape, distances = found if varied else self._same_shape

        def leaf(v, where):
            name, group, _, _ = where
            if group == "mechs" and isinstance(v, Bound):
                used = v.expression.variables
                xs = segment_centres(shape.section(name))
                extra = {}
                if "dist_path" in used:
                    extra["dist_path"] = distances.path(name, xs)
                if "dist_euclidean" in used:
                    extra["dist_euclidean"] = distances.euclidean(name, xs, self.where)
                # a number for one segment (a section of nseg 1), else one per segment
                return value(v, where, extra, len(xs))
            return value(v, where)

        return map_leaves(secs, leaf)

    def _vars(self, rule, gid, position) -> dict:
        out = {}
        for name, v in rule.vars:
            if hasattr(v, "evaluate"):
                key = rng.stream_key(self.seed, "cellParams", rule.label, "vars", name)
                draws = KeyedDraws(key, np.array([gid]), (1,)) if v.is_random else None
                v = float(v.evaluate({**self.variables, **position}, draws, (1,),
                                     lambda _: f"cell {gid}")[0])
            out[name] = v
        return out

    def _shape(self, secs, sec_lists, globals_, threshold):
        check = Checker()
        shape = assemble("shape", placeholders(secs), sec_lists, globals_, threshold,
                         self.where, check)
        if check.problems:
            raise SpecError(check.problems)
        return shape


def _describe(gid, where, n):
    """``describe`` naming the cell, and the segment of a value given per segment."""
    section = where[0]
    if n == 1:
        return lambda _: f"cell {gid} (section '{section}')"
    return lambda i: f"cell {gid} (section '{section}', segment {i} of {n})"


class _Distances:
    """Distances of segments from the middle of a cell's origin section (kept: cells of
    one shape share them)."""

    def __init__(self, cell_type):
        self.cell_type = cell_type
        self.origin = origin_section(cell_type)
        self._paths = {}

    def path(self, name, xs) -> np.ndarray:
        if name not in self._paths:
            self._paths[name] = np.array([path_distance(self.cell_type, (self.origin, 0.5),
                                                        (name, x)) for x in xs.tolist()])
        return self._paths[name]

    def euclidean(self, name, xs, where) -> np.ndarray:
        secs = {s.name: s for s in self.cell_type.sections}
        for sec in (self.origin, name):
            if not secs[sec].pt3d:
                # NetPyNE places 3D points only after the cells are made: it fails too
                raise SpecError(Problem(where, f"dist_euclidean needs 3D points (pt3d) on "
                                               f"section '{sec}'"))
        origin = point_at(np.asarray(secs[self.origin].pt3d)[:, :3], [0.5])[0]
        points = point_at(np.asarray(secs[name].pt3d)[:, :3], xs)
        return np.linalg.norm(points - origin, axis=1)
