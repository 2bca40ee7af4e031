"""Figures without pyplot: no global state, no GUI, never blocking.

matplotlib is imported when a figure is first drawn, not when neuroloom is: it takes
longer to import than the rest of the package, and most runs draw nothing (every MPI rank
imports the sim facade; only rank 0 plots).
"""
from __future__ import annotations

from ..atomic import atomic_path

#: one colour per population, in population order
POP_COLOURS = ("tab:blue", "tab:red", "tab:green", "tab:orange", "tab:purple", "tab:brown",
               "tab:pink", "tab:gray", "tab:olive", "tab:cyan")


def new_figure(fig_size=(8, 5)):
    """A matplotlib Figure drawn by the Agg canvas."""
    # heavy third-party module: imported when a figure is drawn (see the module docstring)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=tuple(fig_size))
    FigureCanvasAgg(fig)
    return fig


def line_collection(segments, **options):
    """A matplotlib LineCollection of ``segments`` (lists of points)."""
    from matplotlib.collections import LineCollection  # heavy: see the module docstring

    return LineCollection(segments, **options)


def colormap(name: str):
    """A matplotlib colormap by name."""
    import matplotlib  # heavy: see the module docstring

    return matplotlib.colormaps.get_cmap(name)


def pop_colour(index: int) -> str:
    return POP_COLOURS[index % len(POP_COLOURS)]


def save_figure(fig, path, dpi: int = 150) -> None:
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")

