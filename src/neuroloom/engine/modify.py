"""Applying modifications to the live NEURON objects (the network's tables are changed by
builder/modify.py; these keep NEURON in step with them)."""
from __future__ import annotations

import numpy as np

from .wiring import set_params


def conns(model, rows, values) -> int:
    """Set weight/delay on the NetCons of these ConnTable rows; returns how many."""
    # the NetCons are in the order of their (ascending) rows; rows of other ranks are absent
    positions = np.flatnonzero(np.isin(model.netcon_rows, rows))
    for pos in positions.tolist():
        nc = model.netcons.o(pos)
        if "weight" in values:
            nc.weight[int(model.netcon_weight_index[pos])] = values["weight"]
        if "delay" in values:
            nc.delay = values["delay"]
    return len(positions)


def cells(model, gids, changes) -> None:
    """Set geometry and mechanism values on the sections of these cells."""
    for gid in gids.tolist():
        cell = model.cells.get(gid)
        if cell is None:
            continue  # another rank owns it
        for sec_name, change in changes.items():
            sec = cell.secs[sec_name]
            for key, value in change.get("geom", {}).items():
                setattr(sec, key, int(value) if key == "nseg" else value)
            for mech, params in change.get("mechs", {}).items():
                for name, value in params.items():
                    setattr(sec, f"{name}_{mech}", value)


def syn_mechs(model, places, values, remap) -> int:
    """Set parameters on the synapses at these places; returns how many."""
    return model.targets.modify(places, values, remap)


def stims(model, rows, values) -> int:
    """Set weight/delay on the stimuli's NetCons and parameters on their sources."""
    count = 0
    for row in rows.tolist():
        made = model.stimuli.by_row.get(row)
        if made is None:
            continue
        source, nc = made
        params = {k: v for k, v in values.items() if k not in ("weight", "delay")}
        set_params(source, params)
        if nc is not None:
            if "weight" in values:
                nc.weight[0] = values["weight"]
            if "delay" in values:
                nc.delay = values["delay"]
        count += 1
    return count
