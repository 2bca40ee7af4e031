"""A reaction-diffusion species' concentration at the end of a run (plotRxDConcentration).

An extracellular region is drawn as NetPyNE draws it: the voxel grid averaged across the
axis the plane leaves out, over the region's extent (NEURON's frame: y up). An
intracellular region is drawn over the cells' shapes, each segment coloured by its node's
concentration.
"""
from __future__ import annotations

import numpy as np

from ..analysis.morphology import cell_segments
from .figures import line_collection, new_figure


def plot_rxd_concentration(snapshot: dict, species: str, region: str, network, *,
                           plane="xy", fig_size=(5, 10), clim=None, font_size=10,
                           title=True):
    """``snapshot``: one entry of an RxD snapshot (engine/rxd.py). Returns (figure, data)."""
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    vmin, vmax = (None, None) if clim is None else clim
    if snapshot["kind"] == "extracellular":
        mappable, data = _grid(ax, snapshot, plane, vmin, vmax)
    else:
        mappable, data = _cells(ax, snapshot, network, plane, vmin, vmax)
    colorbar = fig.colorbar(mappable, ax=ax)
    colorbar.set_label(f"[{species}] in {region} (mM)", fontsize=font_size)
    ax.set_xlabel(f"{plane[0]} location (um)", fontsize=font_size)
    ax.set_ylabel(f"{plane[1]} location (um)", fontsize=font_size)
    if title:
        ax.set_title(f"RxD: {species} concentration in {region}", fontsize=font_size)
    fig.tight_layout()
    return fig, data


def _grid(ax, snapshot, plane, vmin, vmax):
    values = np.asarray(snapshot["values"])
    a, b = "xyz".index(plane[0]), "xyz".index(plane[1])
    left_out = 3 - a - b
    mean = values.mean(axis=left_out)  # axes (a, b) in index order
    image = mean.T if a < b else mean  # rows along b, columns along a
    lo, hi = snapshot["lo"], snapshot["hi"]
    mappable = ax.imshow(image, origin="lower", interpolation="nearest", aspect="equal",
                         extent=(lo[a], hi[a], lo[b], hi[b]), vmin=vmin, vmax=vmax)
    return mappable, {"data": image, "extent": [lo[a], hi[a], lo[b], hi[b]],
                      "min": float(values.min()), "max": float(values.max())}


def _cells(ax, snapshot, network, plane, vmin, vmax):
    """One line per node: the part of its section's drawn shape it covers."""
    a, b = "xyz".index(plane[0]), "xyz".index(plane[1])
    lines, values = [], []
    gids, secs, xs, conc = (snapshot[k] for k in ("gid", "sec", "x", "values"))
    shapes = {}
    for gid in np.unique(gids).tolist():
        shapes[gid] = cell_segments(network, gid) if gid >= 0 else {}
    for (gid, sec), rows in _groups(gids, secs):
        points = shapes[gid].get(sec)
        if points is None:
            continue
        order = rows[np.argsort(xs[rows], kind="stable")]
        edges = _edges(xs[order])
        for (start, stop), value in zip(zip(edges[:-1], edges[1:]), conc[order]):
            p, q = _along(points, start), _along(points, stop)
            lines.append([(p[a], p[b]), (q[a], q[b])])
            values.append(value)
    collection = line_collection(lines, linewidths=3, cmap="viridis")
    collection.set_array(np.asarray(values, dtype=float))
    collection.set_clim(vmin, vmax)
    ax.add_collection(collection)
    ax.autoscale()
    ax.set_aspect("equal", adjustable="datalim")
    return collection, {"gid": gids, "sec": secs, "x": xs, "values": conc}


def _groups(gids, secs):
    keys = {}
    for i, key in enumerate(zip(gids.tolist(), secs.tolist())):
        keys.setdefault(key, []).append(i)
    return [(key, np.asarray(rows)) for key, rows in keys.items()]


def _edges(centres):
    """Bounds (0..1) of the nodes centred at ``centres`` along a section."""
    centres = np.asarray(centres, dtype=float)
    middle = (centres[:-1] + centres[1:]) / 2
    return np.concatenate([[0.0], middle, [1.0]])


def _along(points, fraction):
    """The point at ``fraction`` of a polyline's length."""
    points = np.asarray(points, dtype=float)
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    arc = np.concatenate([[0.0], np.cumsum(steps)])
    where = fraction * arc[-1]
    return np.array([np.interp(where, arc, points[:, k]) for k in range(3)])
