"""Cell morphologies seen from one side, optionally coloured by a value per section."""
from __future__ import annotations

import numpy as np

from ..analysis.morphology import cell_segments, section_values
from .figures import line_collection, new_figure, pop_colour


def plot_shape(network, gids, *, cvar=None, view="xy", fig_size=(8, 8)):
    """Returns (figure, data). ``cvar``: None, 'numSyns' or '<param>_<mech>'."""
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    collection, data = draw_shapes(ax, network, gids, cvar=cvar, view=view)
    if cvar:
        fig.colorbar(collection, ax=ax, label=cvar)
    ax.set_title("Cell shapes" + (f" coloured by {cvar}" if cvar else ""))
    fig.tight_layout()
    return fig, data


def draw_shapes(ax, network, gids, *, cvar=None, view="xy", include_axon=True):
    """The compartmental cells among ``gids`` drawn on ``ax`` (coloured by population, or
    by ``cvar``); sections with 'axon' in their name are left out unless ``include_axon``.
    Returns (LineCollection, data)."""
    a, b = "xyz".index(view[0]), "xyz".index(view[1])
    lines, values, colours, widths = [], [], [], []
    data = {"sections": {}, "values": {}}
    for gid in [int(g) for g in gids]:
        cell_type = network.cell_type_of(gid)
        if cell_type.is_artificial:
            continue
        shapes = cell_segments(network, gid)
        per_section = section_values(network, gid, cvar) if cvar else {}
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
