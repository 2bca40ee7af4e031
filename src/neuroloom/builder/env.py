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

    for name in names:
        if name.startswith(("pre_", "post_")):
            which, axis = name.split("_", 1)
            env[name] = coord(which, axis)
        elif name in ("dist_3D", "dist_2D", "dist_norm3D", "dist_norm2D"):
            norm = "norm" if "norm" in name else ""
            axes = ("x", "y", "z") if name.endswith("3D") else ("x", "z")  # 2D: the x-z plane
            total = None
            for axis in axes:  # in place: these arrays can hold millions of pairs
                d = coord("pre", axis + norm) - coord("post", axis + norm)
                np.multiply(d, d, out=d)
                total = d if total is None else np.add(total, d, out=total)
            env[name] = np.sqrt(total, out=total)
        elif name.startswith("dist_"):
            env[name] = np.abs(coord("pre", name[5:]) - coord("post", name[5:]))
    return env
