"""The outputs of a run of an imported SONATA circuit, written as BMTK writes them.

A network read by ``sim.importSONATA`` (or ``neuroloom run``) keeps its configs on the
session (``Session.sonata``); these functions turn them into the options of the spike file
and into the extracellular (ecp) reports, which the engine computes during the run and
which are written here, where the simulation config says.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..importers.sonata_run import ecp_reports, spikes_output
from ..results.sonata_ecp import write_ecp
from ..results.sonata_spikes import simulated_populations


def spike_file_options(sonata, layout) -> dict:
    """write_spikes' options for the spike file of an imported circuit: its simulated
    populations only unless the config asks for virtual ones too, in its sort order ({}
    when no circuit was imported or its config has no ``output``)."""
    if sonata is None:
        return {}
    spikes = spikes_output(sonata.config)
    if spikes is None:  # no `output` in the config: the spike file is neuroloom's
        return {}
    return {"only": None if spikes.virtual else simulated_populations(layout),
            "sort_order": spikes.sort_order}


def ecp_reports_of(sonata) -> list:
    """The extracellular reports of an imported circuit's simulation config ([] for
    none)."""
    if sonata is None:
        return []
    return ecp_reports(sonata.config, sonata.node_sets)


def save_ecp(sonata, computed: dict | None, run, save_folder) -> list[Path]:
    """Write each ecp report of the last run (``computed``: name -> frames x channels,
    from engine/ecp.py) where the config says, under ``save_folder`` when one was given;
    frame k at (k + 1)*dt, as BMTK's. A report none of whose cells has a membrane is
    written as zeros, as BMTK writes it."""
    reports = ecp_reports_of(sonata)
    if not reports:
        return []
    frames = round(run.duration / run.dt)
    config_folder = Path(((sonata.config.simulation or {}).get("output") or {})
                         .get("output_dir", "."))
    paths = []
    for report in reports:
        data = (computed or {}).get(report.name)
        if data is None or len(data) < frames:
            data = np.zeros((frames, len(report.channels)))
        try:
            path = Path(save_folder or ".") / report.path.relative_to(config_folder)
        except ValueError:  # an absolute file_name elsewhere
            path = report.path
        write_ecp(path, data[:frames], dt=run.dt, tstop=run.duration,
                  channels=report.channels)
        paths.append(path)
    return paths
