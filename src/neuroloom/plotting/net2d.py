"""The network seen from one side: cells at their positions, connections as lines."""
from __future__ import annotations

import numpy as np

from .figures import colour_of, line_collection, new_figure

#: cap on drawn connections; beyond it a random-free, evenly strided subset is drawn
MAX_LINES = 20000


def plot_2dnet(network, gids, *, view="xy", show_conns=True, fig_size=(6, 8),
               pop_colours=None, line_width=None):
    """Returns (figure, data). y is drawn downwards, as cortical depth. ``pop_colours``:
    {population: colour}; ``line_width``: of the connections (default 0.3)."""
    if view not in ("xy", "xz", "zy"):
        raise ValueError(f"view must be 'xy', 'xz' or 'zy', not {view!r}")
    a, b = view[0], view[1]
    gids = np.asarray(gids, dtype=np.int64)
    cells = network.cells
    pos_a, pos_b = getattr(cells, a), getattr(cells, b)
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    segments = np.empty((0, 2, 2))
    if show_conns and len(network.conns):
        c = network.conns
        keep = np.isin(c.pre_gid, gids) & np.isin(c.post_gid, gids)
        pre, post = c.pre_gid[keep], c.post_gid[keep]
        stride = max(1, len(pre) // MAX_LINES)
        pre, post = pre[::stride], post[::stride]
        segments = np.stack([np.column_stack([pos_a[pre], pos_b[pre]]),
                             np.column_stack([pos_a[post], pos_b[post]])], axis=1)
        ax.add_collection(line_collection(
            segments, colors="0.5", linewidths=0.3 if line_width is None else line_width,
            alpha=0.5))
    for code, pop in enumerate(network.pops):
        mine = gids[cells.pop[gids] == code]
        if len(mine):
            ax.scatter(pos_a[mine], pos_b[mine], s=25, label=pop.label, zorder=3,
                       color=colour_of(pop.label, code, pop_colours))
    ax.set_xlabel(f"{a} (um)")
    ax.set_ylabel(f"{b} (um)")
    if b == "y":
        ax.invert_yaxis()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title("Network (2D projection)")
    ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    return fig, {"posX": pos_a[gids], "posY": pos_b[gids], "connSegments": segments}
