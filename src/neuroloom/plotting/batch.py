"""Heatmap of a batch result over two parameters (tutorial 8's tut8_analysis figure)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..batch.analysis import load as load_batch
from .figures import colormap, new_figure, save_figure


def plot_heatmap(table, x, y, value, filename=None, ax=None, cmap="viridis", annotate=True,
                 where=None, fig_size=(7, 5)):
    """``value`` (e.g. 'popRates.M') over parameters ``x`` and ``y`` of a BatchTable (or a
    batch folder), one cell per pair of values, y increasing upwards. Cells no finished run
    fills stay blank. ``where`` ({'param': value}) fixes the other parameters of a batch
    over more than two. Returns the Figure; ``filename`` saves it as PNG."""
    if isinstance(table, (str, Path)):
        table = load_batch(table)
    xs, ys, grid = table.grid(x, y, value, where=where)
    own = ax is None
    if own:
        fig = new_figure(fig_size)
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    # a copy whose 'bad' colour is transparent: cells without a run show the background
    colours = colormap(cmap).with_extremes(bad=(0.0, 0.0, 0.0, 0.0))
    image = ax.imshow(np.ma.masked_invalid(grid), origin="lower", cmap=colours, aspect="auto",
                      interpolation="nearest")
    ax.set_xticks(range(len(xs)), [_tick(v) for v in xs.tolist()])
    ax.set_yticks(range(len(ys)), [_tick(v) for v in ys.tolist()])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fixed = ", ".join(f"{name}={_tick(v)}" for name, v in (where or {}).items())
    ax.set_title(f"{value} ({fixed})" if fixed else value)
    fig.colorbar(image, ax=ax, label=value)
    if annotate:
        _annotate(ax, image, grid)
    if own:
        fig.tight_layout()
    if filename is not None:
        save_figure(fig, filename)
    return fig


def _annotate(ax, image, grid) -> None:
    """Each cell's number, black on light colours and white on dark ones."""
    for row, col in zip(*np.nonzero(np.isfinite(grid))):
        number = grid[row, col]
        red, green, blue, _ = image.cmap(image.norm(number))
        light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
        ax.text(col, row, f"{number:.3g}", ha="center", va="center", fontsize=9,
                color="black" if light else "white")


def _tick(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
