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


def log_norm(vmin=None, vmax=None):
    """A logarithmic colour scale (matplotlib LogNorm)."""
    from matplotlib.colors import LogNorm  # heavy: see the module docstring

    return LogNorm(vmin=vmin, vmax=vmax)


def colormap(name: str):
    """A matplotlib colormap by name."""
    import matplotlib  # heavy: see the module docstring

    return matplotlib.colormaps.get_cmap(name)


def pop_colour(index: int) -> str:
    return POP_COLOURS[index % len(POP_COLOURS)]


def colour_of(label, code: int, pop_colours=None, colour_list=None):
    """Population ``label``'s colour (``code``: its index): NetPyNE's ``popColors``
    {label: colour} when it names it, else the ``code``-th of ``colour_list`` (NetPyNE's
    colorList), else the default one."""
    if pop_colours and label in pop_colours:
        return pop_colours[label]
    if colour_list:
        return colour_list[code % len(colour_list)]
    return pop_colour(code)


def save_figure(fig, path, dpi: int | None = 150) -> None:
    """Write ``fig`` as a PNG image (``dpi`` None: 150)."""
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=150 if dpi is None else dpi, format="png")


#: the label plotting functions give axes that are not the figure's data (a histogram
#: over a raster, a colour bar): the figure options (finish_figure) leave them alone
AUX = "aux"


def data_axes(fig) -> list:
    """The axes that show the figure's data (not colour bars, not AUX axes)."""
    return [ax for ax in fig.axes if ax.get_label() not in (AUX, "<colorbar>")]


def rc_context(rc_params):
    """A context in which matplotlib's rcParams are ``rc_params`` (None: unchanged); a
    KeyError or ValueError at once for a name or value matplotlib does not know."""
    import matplotlib  # heavy: see the module docstring

    checked = matplotlib.RcParams()  # checks each name and value as it is set
    for key, value in dict(rc_params or {}).items():
        try:
            checked[key] = value
        except KeyError:
            raise KeyError(f"rcParams: matplotlib has no rcParam '{key}'") from None
    return matplotlib.rc_context(dict(rc_params or {}))


def finish_figure(fig, *, title=None, xlabel=None, ylabel=None, xlim=None, ylim=None,
                  legend=True, legend_kwargs=None, font_size=None) -> None:
    """NetPyNE's figure options on a drawn figure: ``title`` on the first data axes,
    ``xlabel`` on the last, ``ylabel``, ``xlim`` and ``ylim`` on every one; ``legend``
    False removes the legends, a dict (or ``legend_kwargs``) redraws them with those
    matplotlib options; ``font_size`` sets every title, label, tick label and legend."""
    axes = data_axes(fig)
    if not axes:
        return
    if title is not None:
        axes[0].set_title(title)
    if xlabel is not None:
        axes[-1].set_xlabel(xlabel)
    for ax in axes:
        if ylabel is not None:
            ax.set_ylabel(ylabel)
        if xlim is not None:
            ax.set_xlim(*xlim)
        if ylim is not None:
            ax.set_ylim(*ylim)
    options = {**(legend if isinstance(legend, dict) else {}), **(legend_kwargs or {})}
    for ax in fig.axes:
        drawn = ax.get_legend()
        if drawn is None:
            continue
        if not legend:
            drawn.remove()
        elif options:
            ax.legend(*ax.get_legend_handles_labels(), **options)
    if font_size is not None:
        for ax in fig.axes:
            texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(),
                     *ax.get_yticklabels()]
            if ax.get_legend() is not None:
                texts += ax.get_legend().get_texts()
            for text in texts:
                text.set_fontsize(font_size)
        for text in fig.texts:  # the suptitle among them
            text.set_fontsize(font_size)

