"""Cell morphologies seen from one side, optionally coloured by a value per section."""
from __future__ import annotations

import numpy as np

from ..analysis.morphology import cell_segments, section_values
from .figures import line_collection, new_figure, pop_colour


def plot_shape(network, gids, *, cvar=None, view="xy", fig_size=(8, 8), pre_gids=None,
               show_syns=False, syn_style=".", syn_size=3, syn_colour="red",
               electrodes=None, clim=None, include_axon=True, bkg_colour=None,
               aspect="equal", axis_labels=True):
    """Returns (figure, data). ``cvar``: None, 'numSyns' or '<param>_<mech>'.

    ``pre_gids``: the presynaptic cells whose synapses count (numSyns) and are shown
    (``show_syns``: a ``syn_style`` marker of ``syn_size`` and ``syn_colour`` where each
    lands); None: all. ``electrodes``: [[x, y, z], ...] (um, y is depth) marked on the
    view; ``clim``: [min, max] of the colour scale; ``bkg_colour``: the background;
    ``aspect``: 'equal', 'auto' or a ratio; ``axis_labels`` False: none."""
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    collection, data = draw_shapes(ax, network, gids, cvar=cvar, view=view,
                                   include_axon=include_axon, pre_gids=pre_gids)
    if cvar:
        if clim is not None:
            collection.set_clim(*clim)
        fig.colorbar(collection, ax=ax, label=cvar)
    if show_syns:
        points = synapse_points(network, gids, pre_gids)
        a, b = "xyz".index(view[0]), "xyz".index(view[1])
        ax.plot(points[:, a], points[:, b], syn_style, markersize=syn_size,
                color=syn_colour, linestyle="none")
        data["synapses"] = points
    if electrodes is not None and len(electrodes):
        placed = np.asarray(electrodes, dtype=float).reshape(-1, 3) * [1.0, -1.0, 1.0]
        a, b = "xyz".index(view[0]), "xyz".index(view[1])
        ax.plot(placed[:, a], placed[:, b], "s", color="k", markersize=6,
                linestyle="none", label="electrodes")
        data["electrodes"] = placed
    if bkg_colour is not None:
        ax.set_facecolor(bkg_colour)
    ax.set_aspect(aspect, adjustable="datalim")
    if not axis_labels:
        ax.set_xlabel("")
        ax.set_ylabel("")
    ax.set_title("Cell shapes" + (f" coloured by {cvar}" if cvar else ""))
    fig.tight_layout()
    return fig, data


def synapse_points(network, gids, pre_gids=None) -> np.ndarray:
    """(n, 3) points where the connections onto ``gids`` (from ``pre_gids``, None: all)
    land, in the frame the shapes are drawn in."""
    c = network.conns
    keep = np.isin(c.post_gid, np.asarray(list(gids), dtype=np.int64))
    if pre_gids is not None:
        keep &= np.isin(c.pre_gid, np.asarray(pre_gids, dtype=np.int64))
    points = []
    shapes = {}
    for post, sec, loc in zip(c.post_gid[keep], c.sec[keep], c.loc[keep]):
        post = int(post)
        if post not in shapes:
            shapes[post] = cell_segments(network, post)
        line = shapes[post].get(network.section_names[int(sec)])
        if line is not None:
            points.append(_point_along(line, float(loc)))
    return np.asarray(points, dtype=float).reshape(-1, 3)


def _point_along(points, x):
    """The point a fraction ``x`` of the way along a polyline."""
    lengths = np.linalg.norm(np.diff(points, axis=0), axis=1)
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    if cumulative[-1] == 0:
        return points[0]
    return np.array([np.interp(x * cumulative[-1], cumulative, points[:, k])
                     for k in range(3)])


def draw_shapes(ax, network, gids, *, cvar=None, view="xy", include_axon=True,
                pre_gids=None):
    """The compartmental cells among ``gids`` drawn on ``ax`` (coloured by population, or
    by ``cvar``); sections with 'axon' in their name are left out unless ``include_axon``.
    ``pre_gids``: numSyns counts only the connections from them (None: all).
    Returns (LineCollection, data)."""
    a, b = "xyz".index(view[0]), "xyz".index(view[1])
    lines, values, colours, widths = [], [], [], []
    data = {"sections": {}, "values": {}}
    for gid in [int(g) for g in gids]:
        cell_type = network.cell_type_of(gid)
        if cell_type.is_artificial:
            continue
        shapes = cell_segments(network, gid)
        per_section = (_syn_counts(network, gid, pre_gids)
                       if cvar == "numSyns" and pre_gids is not None else
                       section_values(network, gid, cvar) if cvar else {})
        for sec in cell_type.sections:
            if not include_axon and "axon" in sec.name.lower():
                continue
            p = shapes[sec.name]
            for start, stop in zip(p[:-1], p[1:]):
                lines.append([(start[a], start[b]), (stop[a], stop[b])])
                values.append(per_section.get(sec.name, np.nan))
                colours.append(pop_colour(int(network.cells.pop[gid])))
                widths.append(max(0.5, min(sec.diam, 20) / 4))
            data["sections"][f"cell_{gid}.{sec.name}"] = p
        data["values"].update({f"cell_{gid}.{k}": v for k, v in per_section.items()})
    collection = line_collection(lines, linewidths=widths)
    if cvar:
        collection.set_array(np.asarray(values, dtype=float))
        collection.set_cmap("viridis")
    else:
        collection.set_color(colours)
    ax.add_collection(collection)
    ax.autoscale()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(f"{view[0]} (um)")
    ax.set_ylabel(f"{view[1]} (um)")
    return collection, data


def _syn_counts(network, gid, pre_gids) -> dict:
    """Section name -> connections onto it from ``pre_gids``."""
    c = network.conns
    mine = (c.post_gid == gid) & np.isin(c.pre_gid, np.asarray(pre_gids, dtype=np.int64))
    codes = c.sec[mine]
    return {s.name: float(np.count_nonzero(codes == network.section_names.index(s.name)))
            for s in network.cell_type_of(gid).sections}
