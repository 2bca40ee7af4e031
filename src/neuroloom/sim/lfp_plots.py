"""The drawings of plotLFP and plotCSD (their entries in the table of plots,
validate/plots.py PLOTS; sim/plots.py dispatches to them): the session's recorded LFP
(simData['LFP'], samples x electrodes in mV, at simData['t']) and its electrodes
(simConfig.recordLFP) drawn by plotting/lfp.py and plotting/csd.py.

Files, as NetPyNE 1.1.1 names them, with saveFig=True: one per plot type,
<filename>_LFPTimeSeries.png, _LFPPSD.png, _LFPSpectrogram.png and _LFPLocations.png
(_save_lfp); <filename>_CSD.png (the entry's file). saveFig='<name>.png' names the file
of a single plot type; with several, each gets its type appended (NetPyNE writes them all
to the one name, each over the last): <name>_LFPTimeSeries.png, ... plotLFP's saveData=True writes the returned data to
<filename>_lfp.pkl.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .. import plotting
from ..analysis.lfp import SIGMA
from ..errors import Problem, SpecError
from ..results.save import save_json, save_pickle
from ..validate.checker import attr_path, item_path
from ..validate.lfp_plots import LFP_KIND_PLOTS, LFP_OPTIONS

#: plot type -> its file's name after <filename>_, as NetPyNE 1.1.1's plotLFP names them
LFP_FILES = {"timeSeries": "LFPTimeSeries", "PSD": "LFPPSD", "spectrogram": "LFPSpectrogram",
             "locations": "LFPLocations"}


def draw_lfp(session, options, name="plotLFP"):
    """plotLFP (or ``name``, one of its figures) from validated options: (figure, or a
    list of them when several plot types, data)."""
    path = item_path("analysis", name)
    t, lfp, positions, _ = recorded_lfp(session, name, options.get("pop"))
    with _problem_at(path):
        _check_electrodes(options["electrodes"], lfp.shape[1], path)
        figs, data = _plot_lfp(session, t, lfp, positions, options["timeRange"], options)
    figures = list(figs.values())
    return (figures[0] if len(figures) == 1 else figures), data


def lfp_kind_drawing(kind: str):
    """The drawing of NetPyNE's plotting function for plotLFP's ``kind`` figure
    (plotLFPTimeSeries, ...): plotLFP with that figure alone; (figure, data)."""

    def draw(session, options):
        whole = {**LFP_OPTIONS, **options, "plots": (kind,)}
        if whole.get("colors") is None and whole.get("colorList") is not None:
            whole["colors"] = whole["colorList"]
        return draw_lfp(session, whole, name)

    name = next(n for n, k in LFP_KIND_PLOTS.items() if k == kind)
    return draw


def save_lfp(session, name, options, figures, data) -> list:
    """plotLFP's files (saveFig: a figure per plot type; saveData: its data)."""
    figures = figures if isinstance(figures, list) else [figures]
    with _problem_at(item_path("analysis", "plotLFP")):
        # plotting.plot_lfp draws the figures in the order of options['plots']
        return _save_lfp(session, options, dict(zip(options["plots"], figures)), data)


def draw_csd(session, options):
    """plotCSD from validated options: (figure, data)."""
    t, lfp, positions, sigma = recorded_lfp(session, "plotCSD", options.get("pop"))
    with _problem_at(item_path("analysis", "plotCSD")):
        return plotting.plot_csd(
            t, lfp, positions, time_range=options["timeRange"],
            spacing_um=options["spacing_um"], vaknin=options["vaknin"], norm=options["norm"],
            filt_freq=options["filtFreq"], filt_order=options["filtOrder"], sigma=sigma,
            overlay=options["overlay"], hlines=options["hlines"],
            layer_bounds=options["layerBounds"], smooth=options["smooth"],
            fig_size=options["figSize"], font_size=options["fontSize"])


@contextmanager
def _problem_at(path):
    """A ValueError of options that do not fit this recording, as a SpecError at
    ``path``."""
    try:
        yield
    except SpecError:
        raise
    except ValueError as error:
        raise SpecError(Problem(path, str(error))) from None


def recorded_lfp(session, name, pop=None):
    """(t, LFP as samples x electrodes, electrode positions, sigma) of the session's run
    (run_plot makes sure there is one); a SpecError naming what is missing."""
    path = item_path("analysis", name)
    spec = getattr(session.run_spec, "lfp", None)
    config = session.sim_config if session.sim_config is not None else {}
    positions = spec.electrodes if spec is not None else config.get("recordLFP")
    data = session.sim_data or {}
    if positions is None or len(positions) == 0 or data.get("LFP") is None:
        raise SpecError(Problem(path, f"{name} needs simConfig.recordLFP (the electrode "
                                      "positions [[x, y, z], ...] in um): this run "
                                      "recorded no LFP"))
    lfp = data["LFP"]
    if pop is not None:
        pops = data.get("LFPPops") or {}
        if pop not in pops:
            raise SpecError(Problem(attr_path(path, "pop"), f"no LFP of population '{pop}' "
                                    "was recorded: it needs simConfig.saveLFPPops (True or "
                                    "a list with that population)"))
        lfp = pops[pop]
    lfp = np.asarray(lfp, dtype=float)
    positions = np.asarray(positions, dtype=float).reshape(-1, 3)
    if lfp.ndim != 2 or lfp.shape[1] != len(positions):
        raise SpecError(Problem(path, f"simData['LFP'] has shape {lfp.shape}: expected "
                                      f"samples x {len(positions)} electrodes"))
    sigma = spec.sigma if spec is not None else config.get("lfpSigma", SIGMA)
    return np.asarray(data["t"], dtype=float), lfp, positions, sigma


def _check_electrodes(electrodes, count, path) -> None:
    problems = [Problem(f"{attr_path(path, 'electrodes')}[{i}]",
                        f"there is no electrode {item}: simConfig.recordLFP has {count} "
                        f"(0 to {count - 1})")
                for i, item in enumerate(electrodes)
                if not isinstance(item, str) and not 0 <= item < count]
    if problems:
        raise SpecError(problems)


def _plot_lfp(session, t, lfp, positions, window, o):
    return plotting.plot_lfp(
        t, lfp, positions, session.network, time_range=window, electrodes=o["electrodes"],
        plots=o["plots"], nfft=o["NFFT"], noverlap=o["noverlap"], nperseg=o["nperseg"],
        min_freq=o["minFreq"], max_freq=o["maxFreq"], step_freq=o["stepFreq"],
        smooth=o["smooth"], separation=o["separation"], include_axon=o["includeAxon"],
        logx=o["logx"], logy=o["logy"], norm_signal=o["normSignal"], norm_psd=o["normPSD"],
        norm_spec=o["normSpec"], filt_freq=o["filtFreq"], filt_order=o["filtOrder"],
        detrend=o["detrend"], transform_method=o["transformMethod"],
        max_plots=o["maxPlots"], overlay=o["overlay"], colors=o["colors"],
        fig_size=o["figSize"], font_size=o["fontSize"], line_width=o["lineWidth"])


def _save_lfp(session, options, figs, data) -> list:
    paths = []
    save = options["saveFig"]
    for kind, fig in figs.items() if save else ():
        if save is True:
            path = session.output_path(f"_{LFP_FILES[kind]}.png")
        elif len(figs) == 1:
            path = save
        else:
            given = Path(save)
            path = given.with_name(f"{given.stem}_{LFP_FILES[kind]}{given.suffix or '.png'}")
        plotting.save_figure(fig, path, dpi=options["dpi"])
        paths.append(path)
    keep = options["saveData"]
    if keep:
        path = session.output_path("_lfp.pkl") if keep is True else Path(keep)
        writer = save_json if path.suffix.lower() == ".json" else save_pickle
        paths.append(writer(path, data))
    return paths
