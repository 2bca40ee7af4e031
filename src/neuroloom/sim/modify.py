"""sim.net.modifyConns/Cells/SynMechs/Stims: the network's tables change
(builder/modify.py) and, once the model is in NEURON, its objects with them
(engine/modify.py). One entry per kind of thing changed."""
from __future__ import annotations

from ..builder import modify as tables
from ..engine import modify as live


def _conns(network, model, params):
    network, rows, values = tables.modify_conns(network, params)
    if model is not None and model.netcons is not None:
        live.conns(model, rows, values)
    return network, len(rows)


def _cells(network, model, params):
    network, gids, changes = tables.modify_cells(network, params)
    if model is not None:
        live.cells(model, gids, changes)
    return network, len(gids)


def _syn_mechs(network, model, params):
    network, places, remap, values = tables.modify_syn_mechs(network, params)
    changed = len(places)
    if model is not None and model.targets is not None:
        changed = live.syn_mechs(model, places, values, remap)
    return network, changed


def _stims(network, model, params):
    network, rows, values = tables.modify_stims(network, params)
    if model is not None and model.stimuli is not None:
        live.stims(model, rows, values)
    return network, len(rows)


#: kind -> (network, NeuronModel or None, params) -> (new network, how many changed)
MODIFIERS = {"conns": _conns, "cells": _cells, "synMechs": _syn_mechs, "stims": _stims}


def modify(kind: str, network, model, params):
    """(the changed network, how many connections, cells, synapses or stimuli changed)."""
    if kind not in MODIFIERS:
        raise ValueError(f"cannot modify {kind!r}: one of {', '.join(MODIFIERS)}")
    return MODIFIERS[kind](network, model, params)
