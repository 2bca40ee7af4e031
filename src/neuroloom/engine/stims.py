"""Stimuli in NEURON: one NetStim per (source, target) driving a synapse."""
from __future__ import annotations

from .. import rng


def add_netstim(h, source, gid: int, rule_label: str, seed: int, synapse, weight, delay):
    """A NetStim and the NetCon from it to ``synapse``.

    Its noise stream is Random123 keyed by (gid, rule, seed): the same spikes whatever the
    order in which stimuli are created, hence on any number of ranks.
    """
    ns = h.NetStim()
    for name, value in source.params:
        setattr(ns, name, value)
    ns.noiseFromRandom123(gid, rng.stream_id32("stim", rule_label), seed)
    nc = h.NetCon(ns, synapse)
    nc.weight[0] = weight
    nc.delay = delay
    return ns, nc
