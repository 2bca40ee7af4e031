"""The f-I curve (firing rate against injected current) and its spike features."""
from __future__ import annotations

from ..analysis.fi_curve import FEATURES
from .figures import new_figure

#: the curves of the f-I figure: simData entry -> (its label, the target key of its data)
RATE_CURVES = {"fI": ("Model", "rates"), "fI_onset": ("Model (onset)", "ratesOnset"),
               "fI_steady": ("Model (steady)", "ratesSteady")}


def plot_fi(amps, measured: dict, target=None, fig_size=(10, 6)):
    """Returns (figures, data): the f-I figure, then one per spike feature measured.

    ``measured``: calculatefI's entries ('fI', 'fI_onset', 'fI_steady', 'fI_<feature>':
    one value per amplitude); the f-I figure draws fI (not when fI_steady is there, as in
    NetPyNE), fI_onset and fI_steady, each with its target, dotted ('Experiment'), when
    ``target`` has it ('rates', 'ratesOnset', 'ratesSteady', or the feature's name).
    ``data``: the entries drawn. The keys of the figures, in order: 'fI', then
    'fI_<feature>' (fi_figure_names)."""
    target = dict(target or {})
    amps = list(amps)
    figures, data = [], {}
    fig = new_figure(fig_size)
    ax = fig.add_subplot(1, 1, 1)
    for entry, (label, key) in RATE_CURVES.items():
        if entry not in measured or (entry == "fI" and "fI_steady" in measured):
            continue
        _curve(ax, amps, measured[entry], label, target.get(key), "Rate (Hz)")
        data[entry] = list(measured[entry])
    ax.set_title("f-I curve")
    fig.tight_layout()
    figures.append(fig)
    for name, unit in FEATURES.items():
        entry = f"fI_{name}"
        if entry in measured:
            fig = new_figure(fig_size)
            ax = fig.add_subplot(1, 1, 1)
            _curve(ax, amps, measured[entry], "Model", target.get(name), unit)
            ax.set_title(name)
            fig.tight_layout()
            figures.append(fig)
            data[entry] = list(measured[entry])
    return figures, data


def fi_figure_names(measured: dict) -> list:
    """The name of each figure plot_fi draws from ``measured``, in order: 'fI' and then
    'fI_<feature>' (NetPyNE saves them as <filename>_<name>.png)."""
    return ["fI"] + [f"fI_{name}" for name in FEATURES if f"fI_{name}" in measured]


def _curve(ax, amps, values, label, target, unit):
    ax.plot(amps, list(values), label=label, linewidth=2, marker="o")
    if target is not None:
        ax.plot(amps, list(target), label="Experiment", linestyle="dotted", marker="o")
    ax.set_xlabel("Current amplitude (nA)")
    ax.set_ylabel(unit)
    ax.legend()
