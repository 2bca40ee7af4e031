"""Figures without pyplot: no global state, no GUI, never blocking."""
from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..atomic import atomic_path

#: one colour per population, in population order
POP_COLOURS = ("tab:blue", "tab:red", "tab:green", "tab:orange", "tab:purple", "tab:brown",
               "tab:pink", "tab:gray", "tab:olive", "tab:cyan")


def new_figure(fig_size=(8, 5)) -> Figure:
    fig = Figure(figsize=tuple(fig_size))
    FigureCanvasAgg(fig)
    return fig


def pop_colour(index: int) -> str:
    return POP_COLOURS[index % len(POP_COLOURS)]


def save_figure(fig: Figure, path, dpi: int = 150) -> None:
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")

