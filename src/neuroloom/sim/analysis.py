"""``sim.analysis``: the tutorial's plots and analyses of the current session.

The plot functions (plotRaster, plotTraces, ..., plotRxDConcentration) are made from the
table of plots (sim/plots.py), one per entry, with its options as keyword arguments and its
docstring. Each returns ``(figure, data)`` (a list of figures when it draws several); with
``saveFig=True`` the figure goes to ``<saveFolder>/<filename>_<plot>.png`` as NetPyNE names
them (a string gives the file name instead).
"""
from __future__ import annotations

from ..analysis.rates import pop_rates
from ..errors import SpecError
from . import state
from .plots import PLOTS, fi_measures, plot_function
from .plots import run_plot  # noqa: F401 - as before

globals().update({name: plot_function(name, __name__) for name in PLOTS})


def plotData():
    """Every plot simConfig.analysis asks for; returns the saved files."""
    return state.current().plot_data()


def popAvgRates(timeRange=None, show=True) -> dict:
    """Mean rate (Hz) of each population; printed unless show=False."""
    session = state.current()
    rec = _recordings(session, "popAvgRates")
    rates = pop_rates(rec.spike_t, rec.spike_gid, session.network.pops,
                      timeRange or (0.0, session.run_spec.duration))
    if show:
        for label, rate in rates.items():
            session.log(f"  population '{label}': {rate:.2f} Hz")
    return rates


def calculatefI() -> dict:
    """NetPyNE's calculatefI: the f-I measures of simConfig.analysis['plotfI'] ('fI', and
    'fI_onset', 'fI_steady', 'fI_<feature>' as its options ask) put in sim.allSimData
    (a run with plotfI in simConfig.analysis has them already); returns them."""
    session = state.current()
    _recordings(session, "plotfI")
    options = dict(session.output.analysis).get("plotfI")
    if options is None:
        raise SpecError("analysis['plotfI']: calculatefI measures what "
                        "simConfig.analysis['plotfI'] asks for, and it has no such entry")
    measured = fi_measures(session, dict(options))
    session.sim_data.update(measured)
    return measured


def _recordings(session, name):
    if session.recordings is None:
        raise SpecError(f"analysis['{name}']: there are no results yet; run the simulation "
                        "first")
    return session.recordings


def __getattr__(name):
    # a plot the table gained after this module was imported
    if name in PLOTS:
        return plot_function(name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# the plots are made at import: the API reference finds them with
# docs/griffe_generated.py (static analysis reads this __all__ as unknown, silently)
__all__ = list(PLOTS) + ["plotData", "popAvgRates", "calculatefI"]
