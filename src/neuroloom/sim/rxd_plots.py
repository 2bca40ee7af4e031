"""The drawing of plotRxDConcentration (its entry in the table of plots,
validate/plots.py PLOTS; sim/plots.py dispatches to it): a species' concentration in a
region at the end of the last run, drawn by plotting/rxd.py; with saveFig=True into
<filename>_rxd_concentration.png, as NetPyNE names it."""
from __future__ import annotations

from .. import plotting
from ..errors import SpecError


def draw_rxd_concentration(session, options):
    """plotRxDConcentration from validated options: (figure, data)."""
    species, region = options["speciesLabel"], options["regionLabel"]
    snapshot = session.recordings.rxd.get(f"{species}[{region}]")
    if snapshot is None:
        raise SpecError(f"analysis['plotRxDConcentration']: the last run has no '{species}' "
                        f"in region '{region}'")
    return plotting.plot_rxd_concentration(
        snapshot, species, region, session.network, plane=options["plane"],
        fig_size=options["figSize"], clim=options["clim"], font_size=options["fontSize"],
        title=options["title"])
