"""SimConfig: how to simulate, record, save and plot, as in the tutorial."""
from __future__ import annotations

from ..validate.options import SIMCONFIG_OPTIONS
from .base import SpecObject, spec_defaults


class SimConfig(SpecObject):
    """How to simulate, record, save and plot a model, as in the tutorial.

    Options are attributes (``cfg.duration = 1000``) and items (``cfg['duration']``);
    validate/options.py lists them with their defaults. Attributes that are not options
    (``cfg.connWeight = 0.01``) are the user's own variables, e.g. parameters explored by
    a batch; a name one or two letters from an option is taken as a typo when the spec is
    validated.

    Parameters
    ----------
    values : dict, optional
        Options (and user variables) to set, e.g. a saved simConfig.
    **kwargs
        More of them.
    """

    SPEC_KIND = "SimConfig"  # how validation recognises it
    DEFAULTS = spec_defaults(SIMCONFIG_OPTIONS)

    def addAnalysis(self, func, params):
        """``analysis[func] = params``, as NetPyNE's method: ask for a plot.

        Parameters
        ----------
        func : str
            The plot, e.g. 'plotRaster' (sim.analysis' functions).
        params : dict or bool
            Its options; True for its defaults, False for none.
        """
        self.analysis[func] = params

    def setParam(self, param, value):
        """``simConfig.<param> = value``, as NetPyNE's method.

        Parameters
        ----------
        param : str
            An option, or a variable of your own.
        value : object
            Its value.
        """
        setattr(self, param, value)
