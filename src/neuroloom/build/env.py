"""The variables of string functions, computed from cell positions on demand."""
from __future__ import annotations

import numpy as np

AXES = ("x", "y", "z", "xnorm", "ynorm", "znorm")


def cell_env(cells, gids, prefix, net_variables, names) -> dict:
    """Only what ``names`` asks for (cheap for big arrays)."""
    env = dict(net_variables)
    for axis in AXES:
        if f"{prefix}{axis}" in names:
            env[f"{prefix}{axis}"] = getattr(cells, axis)[gids]
    return env


def pair_env(cells, pre, post, net_variables, names) -> dict:
    """Variables of (pre, post) pairs; ``pre`` and ``post`` broadcast against each other
    (1-D aligned arrays, or a column of posts against a row of pres)."""
    env = dict(net_variables)
    cache = {}

    def coord(which, axis):
        k = (which, axis)
        if k not in cache:
            cache[k] = getattr(cells, axis)[pre if which == "pre" else post]
        return cache[k]

    def delta(axis):
        return np.abs(coord("pre", axis) - coord("post", axis))

    for name in names:
        if name.startswith(("pre_", "post_")):
            which, axis = name.split("_", 1)
            env[name] = coord(which, axis)
        elif name in ("dist_3D", "dist_2D", "dist_norm3D", "dist_norm2D"):
            norm = "norm" if "norm" in name else ""
            axes = ("x", "y", "z") if name.endswith("3D") else ("x", "z")  # 2D: the x-z plane
            env[name] = np.sqrt(sum(np.square(delta(a + norm)) for a in axes))
        elif name.startswith("dist_"):
            env[name] = delta(name[5:])
    return env
