"""``sim.analysis.plotRxDConcentration`` (and simConfig.analysis['plotRxDConcentration']):
a species' concentration in a region at the end of the last run, drawn by plotting/rxd.py;
with saveFig=True into <filename>_rxd_concentration.png, as NetPyNE names it."""
from __future__ import annotations

from .. import plotting
from ..errors import SpecError

RXD_PLOTS = ("plotRxDConcentration",)


def run_rxd_plot(session, name: str, options: dict):
    """Draw plotRxDConcentration from validated options; returns (figure, data, saved
    path)."""
    species, region = options["speciesLabel"], options["regionLabel"]
    recordings = session.recordings
    if recordings is None:
        raise SpecError(f"analysis['{name}']: there are no results yet; run the simulation "
                        "first")
    snapshot = recordings.rxd.get(f"{species}[{region}]")
    if snapshot is None:
        raise SpecError(f"analysis['{name}']: the last run has no '{species}' in region "
                        f"'{region}'")
    fig, data = plotting.plot_rxd_concentration(
        snapshot, species, region, session.network, plane=options["plane"],
        fig_size=options["figSize"], clim=options["clim"], font_size=options["fontSize"],
        title=options["title"])
    saved = None
    if options["saveFig"]:
        saved = session.output_path("_rxd_concentration.png") if options["saveFig"] is True \
            else options["saveFig"]
        plotting.save_figure(fig, saved)
    return fig, data, saved
