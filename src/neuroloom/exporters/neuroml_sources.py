"""Spike-source cells written back as the NeuroML generators they are exactly.

The importer reads NeuroML's spike generators as NetStim or NlRandomStim cells
(neuroml/sources.py); this is the inverse, for the parameter sets that are exactly one
generator:
- NetStim, noise 0, first spike at one interval: spikeGenerator (period);
- NetStim, 0 < noise < 1, start (1 - noise) interval: spikeGeneratorRefPoisson (averageRate
  1000/interval, minimumISI = start);
- NlRandomStim, noise 1, no uniform part: SpikeSourcePoisson (start, duration = stop -
  start, rate);
- NlRandomStim, noise 0, start = interval, no stop: spikeGeneratorRandom (minISI =
  interval, maxISI = interval + spread).
Each without a limit on its number of spikes. Anything else gets None: the exporter then
writes what it wrote before (Poisson firing for a NetStim, with a note) or refuses.
"""
from __future__ import annotations

import math

import neuroml

from ..neuroml import conventions as nc
from ..neuroml.sources import NEVER


def exact_source(comp_id: str, mod: str, params: dict):
    """The libNeuroML component a spike-source cell is exactly, or None.

    Parameters
    ----------
    comp_id : str
        The component's id.
    mod : str
        The artificial cell's NEURON class (NetStim, NlRandomStim).
    params : dict
        Its parameters, as the cell type holds them.

    Returns
    -------
    libNeuroML component or None
    """
    interval = float(params.get("interval", 10.0))
    noise = float(params.get("noise", 0.0))
    start = float(params.get("start", 0.0))
    if float(params.get("number", 0.0)) < nc.ENDLESS or interval <= 0:
        return None
    rate = nc.quantity(1000.0 / interval, "Hz")
    if mod == "NetStim":
        if noise == 0 and math.isclose(start, interval):
            return neuroml.SpikeGenerator(id=comp_id, period=nc.quantity(interval, "ms"))
        if 0 < noise < 1 and math.isclose(start, (1 - noise) * interval):
            return neuroml.SpikeGeneratorRefPoisson(id=comp_id, average_rate=rate,
                                                    minimum_isi=nc.quantity(start, "ms"))
        return None
    if mod != "NlRandomStim":
        return None
    spread, stop = float(params.get("spread", 0.0)), float(params.get("stop", NEVER))
    if noise == 1 and spread == 0:
        return neuroml.SpikeSourcePoisson(id=comp_id, start=nc.quantity(start, "ms"),
                                          duration=nc.quantity(stop - start, "ms"),
                                          rate=rate)
    if noise == 0 and spread > 0 and math.isclose(start, interval) and stop >= NEVER:
        return neuroml.SpikeGeneratorRandom(id=comp_id, min_isi=nc.quantity(interval, "ms"),
                                            max_isi=nc.quantity(interval + spread, "ms"))
    return None
