"""Stimulus parameters as the attributes of NeuroML inputs (exporters/neuroml.py writes the
elements)."""
from __future__ import annotations

import re

import neuroml
import numpy as np

from ..neuroml import conventions as nc


def stim_attributes(form, values) -> dict:
    """libNeuroML arguments for the parameters ``form`` maps one to one (NeuroML's
    camelCase attributes are libNeuroML's snake_case arguments)."""
    out = {}
    for ours, attr, unit, unset in form.params:
        argument = re.sub(r"(?<!^)(?=[A-Z])", "_", attr).lower()
        out[argument] = nc.quantity(values.get(ours, unset), unit)
    return out


def netstim_rate(params) -> float:
    """A NetStim's mean rate in Hz (interval in ms)."""
    if "rate" in params:
        return float(params["rate"])
    return 1000.0 / float(params.get("interval", 10.0))


def stim_values(source, stims, row) -> dict:
    """The source's numeric parameters for one target (string functions evaluated)."""
    values = {k: v for k, v in source.params if isinstance(v, (int, float))}
    for name, column in stims.extra.items():
        if name != "train" and column.dtype.kind == "f" and not np.isnan(column[row]):
            values[name] = float(column[row])
    return values


def voltage_clamp(comp, kind, values):
    if kind == "VClamp":
        durations = values.get("dur", (0.0, 0.0, 0.0))
        amps = values.get("amp", (0.0, 0.0, 0.0))
        resistance = values.get("rstim", 1.0)
    else:
        durations = [values.get(f"dur{i}", 0.0) for i in (1, 2, 3)]
        amps = [values.get(f"amp{i}", 0.0) for i in (1, 2, 3)]
        resistance = values.get("rs", 1.0)
    durations, amps = list(durations) + [0.0] * 3, list(amps) + [0.0] * 3
    return neuroml.VoltageClampTriple(
        id=comp, active="1", delay=nc.quantity(durations[0], "ms"),
        duration=nc.quantity(durations[1], "ms"),
        conditioning_voltage=nc.quantity(amps[0], "mV"),
        testing_voltage=nc.quantity(amps[1], "mV"), return_voltage=nc.quantity(amps[2], "mV"),
        simple_series_resistance=nc.quantity(resistance * 1e6, "ohm"))
