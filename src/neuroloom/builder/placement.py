"""Populations -> cells with positions and tags.

Positions are drawn per population from a stream keyed by (seed, 'loc', population label):
uniformly inside the network's shape (a box, the cylinder along y inside it, or the
inscribed ellipsoid), mapped into the population's x/y/z ranges. Numbers of cells are
truncated as NetPyNE truncates them: int(scale * numCells), int(density * volume) with
the volume in mm3 computed in NetPyNE's order of operations (so the same products round
the same way). Populations with diversity give their cells a 'fraction' tag: i / n for
the i-th of n cells (grids: those fractions shuffled, from a stream keyed by the cell
seed and the population).
"""
from __future__ import annotations

import numpy as np

from .. import rng
from ..errors import Problem, SpecError
from ..model.catalog import Population
from ..model.tables import GID, CellTable

DENSITY_GRID = {1: 1001, 2: 201, 3: 51}  # points per axis to find a density's maximum
MAX_CELLS = int(np.iinfo(GID).max)  # gids are int32


FRACTION = "fraction"  # the tag of populations with diversity


def place_cells(net_spec, seed: int, cell_seed: int = 1):
    """(populations, cells) of a spec; the cells' cell_type codes are 0 until the cell
    types are assigned (builder/cell_rules.py)."""
    pops, parts = [], []
    gid_start = 0
    size = np.asarray(net_spec.size, dtype=np.float64)
    variables = dict(net_spec.variables)
    for code, spec in enumerate(net_spec.pops):
        gen = rng.generator(rng.stream_key(seed, "loc", spec.label))
        norm, extra = _positions(spec, net_spec, size, variables, gen)
        n = len(norm)
        xyz = norm * size
        if spec.diversity:
            fraction = np.arange(n, dtype=np.float64) / n
            if spec.method == "grid":
                key = rng.stream_key(cell_seed, "diversity", spec.label)
                fraction = rng.generator(key).permutation(fraction)
            extra = {**extra, FRACTION: fraction}
        pops.append(Population(label=spec.label, cell_type=spec.cell_type,
                               cell_model=spec.cell_model, gid_start=gid_start, size=n))
        parts.append(CellTable(
            pop=np.full(n, code), cell_type=np.zeros(n),
            index=np.arange(n), x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2],
            xnorm=norm[:, 0], ynorm=norm[:, 1], znorm=norm[:, 2], extra=extra))
        gid_start += n
    return tuple(pops), CellTable.concat(parts)


def _positions(spec, net_spec, size, variables, gen):
    """Normalised positions (n x 3) and per-cell extra tags of one population."""
    low = np.array([r[0] for r in spec.norm_ranges])
    high = np.array([r[1] for r in spec.norm_ranges])
    if spec.method == "list":
        return _listed(spec.cells_list, size)
    if spec.method == "grid":
        return _grid(spec.grid_spacing, low * size, high * size, net_spec.shape, size), {}
    if spec.method == "count" or not hasattr(spec.density, "evaluate"):
        n = _cell_count(planned_cells(spec, net_spec), spec.label,
                        "numCells" if spec.method == "count" else "density")
        return low + in_shape(gen, n, net_spec.shape) * (high - low), {}
    volume = volume_mm3(net_spec.shape, size, spec.norm_ranges)
    return _density_function(spec.density, volume * net_spec.scale, low, high,
                             net_spec.shape, variables, gen, spec.label), {}


def planned_cells(spec, net_spec) -> float:
    """How many cells (before truncation) a population of ``numCells`` or of a numeric
    ``density`` is given: scale x numCells, or density x its volume x scale (NetPyNE 1.1.1
    leaves the scale out for densities; neuroloom applies it)."""
    if spec.method == "count":
        return net_spec.scale * spec.num_cells
    volume = volume_mm3(net_spec.shape, net_spec.size, spec.norm_ranges)
    return spec.density * volume * net_spec.scale


def _cell_count(n: float, label: str, key: str, text: str = "") -> int:
    """int(n) cells, or a SpecError when there would be more than gids can number."""
    if not n <= MAX_CELLS:
        given = f"{text!r} " if text else ""
        raise SpecError(Problem(f"popParams[{label!r}].{key}", f"{given}makes {n:.3g} cells, "
                                f"more than a network can hold ({MAX_CELLS}: gids are "
                                "32-bit)"))
    return int(n)


def in_shape(gen, n, shape) -> np.ndarray:
    """n points uniform in the unit cube's cuboid, y-axis cylinder or ellipsoid."""
    u = gen.random((n, 3))
    if shape == "cuboid":
        return u
    if shape == "cylinder":
        radius, angle = np.sqrt(u[:, 0]) / 2, 2 * np.pi * u[:, 2]
        return np.column_stack([0.5 + radius * np.cos(angle), u[:, 1],
                                0.5 + radius * np.sin(angle)])
    radius = np.cbrt(u[:, 0]) / 2  # ellipsoid: a uniform ball, stretched to the box
    cos_theta, phi = 2 * u[:, 2] - 1, 2 * np.pi * u[:, 1]
    sin_theta = np.sqrt(1 - cos_theta ** 2)
    return np.column_stack([0.5 + radius * sin_theta * np.cos(phi),
                            0.5 + radius * sin_theta * np.sin(phi), 0.5 + radius * cos_theta])


def volume_mm3(shape, size, norm_ranges) -> float:
    """The population's share of the network's volume in mm3, as NetPyNE computes it."""
    x, y, z = (float(v) for v in size)
    if shape == "cylinder":
        volume = y / 1e3 * x / 1e3 / 2 * z / 1e3 / 2 * np.pi
    elif shape == "ellipsoid":
        volume = y / 1e3 / 2.0 * x / 1e3 / 2.0 * z / 1e3 / 2.0 * np.pi * 4.0 / 3.0
    else:
        volume = y / 1e3 * x / 1e3 * z / 1e3
    for low, high in norm_ranges:
        if (low, high) != (0.0, 1.0):
            volume = volume * (high - low)
    return volume


def _inside(norm, shape) -> np.ndarray:
    centred = norm - 0.5
    if shape == "cylinder":
        return centred[:, 0] ** 2 + centred[:, 2] ** 2 <= 0.25
    if shape == "ellipsoid":
        return (centred ** 2).sum(axis=1) <= 0.25
    return np.ones(len(norm), dtype=bool)


def _grid(spacing, low_um, high_um, shape, size):
    axes = [np.arange(lo, hi + 1e-9 * max(1.0, hi), step)
            for lo, hi, step in zip(low_um, high_um, spacing)]
    points = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    norm = points / size
    return norm[_inside(norm, shape)]


def _listed(cells_list, size):
    rows = [dict(cell) for cell in cells_list]
    norm = np.array([[row[f"{a}norm"] for a in "xyz"] for row in rows], dtype=np.float64)
    names = sorted({k for row in rows for k in row} - {"x", "y", "z", "xnorm", "ynorm", "znorm"})
    extra = {}
    for name in names:
        values = [row.get(name) for row in rows]
        if all(isinstance(v, float) or v is None for v in values):
            extra[name] = np.array([np.nan if v is None else v for v in values])
        else:
            extra[name] = np.array(["" if v is None else str(v) for v in values])
    return norm, extra


def _density_function(density, volume_mm3, low, high, shape, variables, gen, label):
    """Cells with a density (cells/mm3) that varies with position: candidates are drawn at
    the maximum density and each is kept with probability density / maximum."""
    names = sorted(density.variables & {"xnorm", "ynorm", "znorm"})
    points = DENSITY_GRID.get(len(names), 2)
    grids = np.meshgrid(*[np.linspace(low["xyz".index(n[0])], high["xyz".index(n[0])], points)
                          for n in names], indexing="ij")
    sample = {**variables, **{n: g.ravel() for n, g in zip(names, grids)}}
    n_sample = grids[0].size if names else 1
    peak = float(np.max(density.evaluate(sample, shape=(n_sample,),
                                         describe=_describe_points(sample, names))))
    if not peak > 0:
        return np.empty((0, 3))
    n = _cell_count(round(peak * volume_mm3), label, "density", density.text)
    candidates = low + in_shape(gen, n, shape) * (high - low)
    env = {**variables, "xnorm": candidates[:, 0], "ynorm": candidates[:, 1],
           "znorm": candidates[:, 2]}
    values = density.evaluate(env, shape=(len(candidates),),
                              describe=_describe_points(env, ("xnorm", "ynorm", "znorm")))
    keep = gen.random(len(candidates)) * peak < values
    return candidates[keep]


def _describe_points(env, names):
    """``describe`` naming a point of a density function by its coordinates."""
    def describe(index):
        at = ", ".join(f"{n}={np.broadcast_to(env[n], np.shape(env[n])).ravel()[index]:.3g}"
                       for n in names)
        return f"the point {at}" if at else "every point"
    return describe

