"""NetPyNE's ``sim.net.rxd``: the model's rxdParams, each item with its live rxd object."""
from __future__ import annotations

import copy

from ..specs.dicts import Dict

#: rxdParams' keys of the items that become one rxd object each, by the kind of species
SPECIES_KEYS = {"species": "species", "state": "states", "parameter": "parameters"}


def rxd_view(session) -> Dict | None:
    """rxdParams as the user gave them (for a network read from a file, its items by
    label), with 'hObj' on each region, species, state, parameter, reaction,
    multicompartment reaction and rate once the RxD is made in NEURON (sim.net.addRxD,
    or setupRecording), as NetPyNE's ``sim.net.rxd``.

    Parameters
    ----------
    session : Session
        The model.

    Returns
    -------
    specs.Dict or None
        None when the network has no RxD.
    """
    built = session.network if session.network is not None else session.net_spec
    spec = built.rxd if built is not None else None
    if spec is None:
        return None
    given = getattr(session.net_params, "rxdParams", None) or {}
    out = Dict({key: copy.deepcopy(dict(value)) for key, value in given.items()})
    live = session.model.rxd if session.model is not None else None

    def entry(key, label):
        section = out.setdefault(key, Dict())
        return section.setdefault(label, Dict())

    for region in spec.regions:
        item = entry("regions", region.label)
        if live is not None:
            item["hObj"] = live.regions[region.label]
    for species in spec.species:
        item = entry(SPECIES_KEYS[species.kind], species.label)
        if live is not None:
            item["hObj"] = live.species[species.label]
    made = live.reactions if live is not None else [None] * len(spec.reactions)
    for reaction, obj in zip(spec.reactions, made):
        key = "multicompartmentReactions" if reaction.multicompartment else "reactions"
        item = entry(key, reaction.label)
        if obj is not None:
            item["hObj"] = obj
    made = live.rates if live is not None else [None] * len(spec.rates)
    for rate, obj in zip(spec.rates, made):
        item = entry("rates", rate.label)
        if obj is not None:
            item["hObj"] = obj
    return out
