"""The checks of the LFP plots' options, simConfig.analysis['plotLFP'] and ['plotCSD'] (and
sim.analysis.plotLFP / plotCSD); their entries in validate/plots.py's table of plots
hold the options' NetPyNE names and defaults and refer to check_lfp_options and
check_csd_options.

plotLFP's saveData saves the plot's data: True -> <filename>_lfp.pkl as NetPyNE names
it, or a file name ending in .pkl or .json. NetPyNE 1.1.1's plotting functions that draw
one of plotLFP's figures (plotLFPTimeSeries, plotLFPPSD, plotLFPSpectrogram,
plotLFPLocations: LFP_KIND_PLOTS) take plotLFP's options that concern that figure and
their own names for some (colorList for colors).
"""
from __future__ import annotations

from numbers import Integral, Real

from .checker import attr_path

LFP_PLOT_TYPES = ("timeSeries", "PSD", "spectrogram", "locations")
#: plotLFP's options (NetPyNE's names and defaults) besides the figure options
#: (validate/plots.py FIGURE_OPTIONS)
LFP_OPTIONS = {
    "timeRange": None, "electrodes": ("avg", "all"), "plots": LFP_PLOT_TYPES, "pop": None,
    "NFFT": 256, "noverlap": 128, "nperseg": 256, "minFreq": 1, "maxFreq": 100,
    "stepFreq": 1, "smooth": 0, "separation": 1.0, "includeAxon": True, "logx": False,
    "logy": False, "normSignal": False, "normPSD": False, "normSpec": False,
    "filtFreq": False, "filtOrder": 3, "detrend": False, "transformMethod": "morlet",
    "maxPlots": 8, "overlay": False, "colors": None, "figSize": (8, 8), "lineWidth": 1.5,
    "inputLFP": None}
#: NetPyNE 1.1.1's plotting functions that draw one of plotLFP's figures -> its type
LFP_KIND_PLOTS = {"plotLFPTimeSeries": "timeSeries", "plotLFPPSD": "PSD",
                  "plotLFPSpectrogram": "spectrogram", "plotLFPLocations": "locations"}
#: their options that plotLFP does not have (NetPyNE's names, defaults)
LFP_KIND_EXTRA = {
    "timeSeries": {"LFPData": None, "orderInverse": True, "scalebar": True,
                   "colorList": None, "axis": None},
    "PSD": {"PSDData": None, "orderInverse": True, "roundOffset": True,
            "colorList": None, "axis": None},
    "spectrogram": {"SpectData": None, "axis": None},
    "locations": {"axis": None, "sim": None},
}
#: plotLFP's options that do not concern a figure type (left out of its own function)
_NOT_FOR = {
    "timeSeries": ("plots", "NFFT", "noverlap", "nperseg", "minFreq", "maxFreq", "stepFreq",
                   "smooth", "includeAxon", "logx", "normPSD", "normSpec",
                   "transformMethod", "maxPlots", "inputLFP"),
    "PSD": ("plots", "includeAxon", "normSpec", "maxPlots", "overlay", "inputLFP"),
    "spectrogram": ("plots", "separation", "includeAxon", "logx", "maxPlots", "overlay",
                    "colors", "inputLFP"),
    "locations": ("plots", "timeRange", "pop", "NFFT", "noverlap", "nperseg", "minFreq",
                  "maxFreq", "stepFreq", "smooth", "separation", "logx", "logy",
                  "normSignal", "normPSD", "normSpec", "filtFreq", "filtOrder", "detrend",
                  "transformMethod", "maxPlots", "overlay", "colors", "inputLFP"),
}
#: plotCSD's options besides the figure options
CSD_OPTIONS = {
    "timeRange": None, "pop": None, "spacing_um": None, "vaknin": True, "norm": False,
    "filtFreq": False, "filtOrder": 3, "overlay": "LFP", "hlines": False,
    "layerBounds": None, "smooth": True, "figSize": (8, 8), "CSDData": None,
    "LFPData": None, "dt": None, "sampr": None, "ymax": None, "stimTimes": None,
    "colorbar": True, "pad": 1, "minf": 0.05, "maxf": 300, "getAllData": True}


LFP_TRANSFORMS = ("morlet", "fft")
CSD_OVERLAYS = ("LFP", "CSD")  # or None

FLAGS = {"plotLFP": ("includeAxon", "logx", "logy", "normSignal", "normPSD", "normSpec",
                     "detrend", "overlay"),
         "plotCSD": ("vaknin", "norm", "hlines", "smooth")}
WHOLE = {"NFFT": 4, "nperseg": 4, "noverlap": 0, "smooth": 0, "filtOrder": 1, "maxPlots": 1,
         "dpi": 1}  # option -> its minimum (plotLFP's smooth: a number of frequencies)
POSITIVE = ("minFreq", "maxFreq", "stepFreq", "separation", "fontSize", "lineWidth",
            "spacing_um")


def lfp_options_of(kind: str) -> dict:
    """The options of the plotting function that draws plotLFP's ``kind`` figure."""
    return {**{k: v for k, v in LFP_OPTIONS.items() if k not in _NOT_FOR[kind]},
            **LFP_KIND_EXTRA[kind]}


def lfp_kind_check(kind: str):
    """The check of the options of plotLFPTimeSeries, plotLFPPSD, ... (``kind``: the
    figure type it draws): plotLFP's checks, for that figure alone."""

    def check_kind(merged, path, pop_labels, rxd, check) -> None:
        whole = {**LFP_OPTIONS, **merged, "plots": (kind,)}
        if whole.get("colorList") is not None and whole.get("colors") is None:
            whole["colors"] = whole["colorList"]
        _check_lfp_plot("plotLFP", whole, path, pop_labels, check)
        merged.update({k: v for k, v in whole.items() if k in merged})

    return check_kind


def check_lfp_options(merged, path, pop_labels, rxd, check) -> None:
    """plotLFP's options over their defaults, checked in place (problems recorded; lists
    become tuples)."""
    _check_lfp_plot("plotLFP", merged, path, pop_labels, check)


def check_csd_options(merged, path, pop_labels, rxd, check) -> None:
    """plotCSD's options over their defaults, checked, problems recorded."""
    _check_lfp_plot("plotCSD", merged, path, pop_labels, check)


def _check_lfp_plot(name, merged, path, pop_labels, check) -> None:
    for key, value in merged.items():
        where = attr_path(path, key)
        if key in FLAGS[name]:
            check.boolean(value, where)
        elif key in WHOLE:
            check.integer(value, where, minimum=WHOLE[key])
        elif key in POSITIVE and value is not None:
            check.number(value, where, positive=True)
    if name == "plotLFP":
        _check_lfp(merged, path, pop_labels, check)
    else:
        overlay = merged["overlay"]
        if overlay is not None and overlay not in CSD_OVERLAYS:
            check.reference(overlay, attr_path(path, "overlay"), "overlay", CSD_OVERLAYS)
        bounds = merged["layerBounds"]
        if bounds is not None and not (hasattr(bounds, "items") and all(
                isinstance(v, Real) and not isinstance(v, bool) for v in bounds.values())):
            check.add(attr_path(path, "layerBounds"), f"must be {{label: depth in um}}, "
                                                      f"not {bounds!r}")
    _check_filter(merged["filtFreq"], attr_path(path, "filtFreq"), check)
    size = merged["figSize"]
    if not (isinstance(size, (list, tuple)) and len(size) == 2 and all(
            isinstance(v, Real) and not isinstance(v, bool) and v > 0 for v in size)):
        check.add(attr_path(path, "figSize"), f"must be (width, height) in inches, not "
                                              f"{size!r}")


def _check_lfp(merged, path, pop_labels, check) -> None:
    merged["electrodes"] = _electrodes(merged["electrodes"], attr_path(path, "electrodes"),
                                       check)
    plots = merged["plots"]
    plots = (plots,) if isinstance(plots, str) else plots
    if not isinstance(plots, (list, tuple)) or not plots:
        check.add(attr_path(path, "plots"), f"must list some of {', '.join(LFP_PLOT_TYPES)}, "
                                            f"not {plots!r}")
        plots = ()
    for i, kind in enumerate(plots):
        if kind not in LFP_PLOT_TYPES:
            check.reference(kind, f"{attr_path(path, 'plots')}[{i}]", "LFP plot",
                            LFP_PLOT_TYPES)
    merged["plots"] = tuple(dict.fromkeys(plots))
    method = merged["transformMethod"]
    if method not in LFP_TRANSFORMS:
        check.reference(method, attr_path(path, "transformMethod"), "transformMethod",
                        LFP_TRANSFORMS)
    low, high = merged["minFreq"], merged["maxFreq"]
    if all(isinstance(v, Real) for v in (low, high)) and low >= high:
        check.add(attr_path(path, "maxFreq"), f"must be above minFreq ({low}), not {high}")
    nfft, nperseg, noverlap = (merged[k] for k in ("NFFT", "nperseg", "noverlap"))
    if method == "fft" and all(isinstance(v, Integral) for v in (nfft, nperseg, noverlap)):
        # the PSD's segments are NFFT samples long; the spectrogram's nperseg, padded to NFFT
        if "PSD" in plots and noverlap >= nfft:
            check.add(attr_path(path, "noverlap"), f"must be below NFFT ({nfft}) for the "
                                                   f"PSD, not {noverlap}")
        if "spectrogram" in plots and noverlap >= nperseg:
            check.add(attr_path(path, "noverlap"), f"must be below nperseg ({nperseg}) for "
                                                   f"the spectrogram, not {noverlap}")
        if "spectrogram" in plots and nfft < nperseg:
            check.add(attr_path(path, "NFFT"), f"must be at least nperseg ({nperseg}): the "
                                               "spectrogram's segments are zero-padded to "
                                               "NFFT samples")
    pop = merged["pop"]
    if pop is not None:
        check.reference(pop, attr_path(path, "pop"), "population", pop_labels)
    colours = merged["colors"]
    if colours is not None and (isinstance(colours, str) or not isinstance(
            colours, (list, tuple)) or not colours):
        check.add(attr_path(path, "colors"), f"must be a list of colours, not {colours!r}")
    save = merged["saveData"]
    if not (save is None or isinstance(save, bool) or (
            isinstance(save, str) and save.lower().endswith((".pkl", ".json")))):
        check.add(attr_path(path, "saveData"), f"must be True, False or a file name ending "
                                               f"in .pkl or .json, not {save!r}")


def _electrodes(value, path, check) -> tuple:
    """'avg', 'all' and electrode indices; the count of electrodes is known at plot time."""
    items = (value,) if isinstance(value, (str, Integral)) else value
    if not isinstance(items, (list, tuple)) or not items:
        check.add(path, f"must list 'avg', 'all' or electrode indices, not {value!r}")
        return ()
    for i, item in enumerate(items):
        if isinstance(item, str):
            if item not in ("avg", "all"):
                check.reference(item, f"{path}[{i}]", "electrode", ("avg", "all"))
        elif isinstance(item, bool) or not isinstance(item, Integral) or item < 0:
            check.add(f"{path}[{i}]", f"must be 'avg', 'all' or an electrode index, not "
                                      f"{item!r}")
    return tuple(int(i) if isinstance(i, Integral) and not isinstance(i, bool) else i
                 for i in items)


def _check_filter(value, path, check) -> None:
    """False (none), a low-pass cut-off in Hz, or [low, high] for a band-pass."""
    if value is False or value is None:
        return
    if isinstance(value, Real) and not isinstance(value, bool) and value > 0:
        return
    if (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, Real) and not isinstance(v, bool) for v in value)
            and 0 < value[0] < value[1]):
        return
    check.add(path, f"must be False, a low-pass cut-off in Hz or [low, high] Hz with "
                    f"0 < low < high, not {value!r}")
