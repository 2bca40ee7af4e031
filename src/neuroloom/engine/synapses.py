"""Synaptic point processes, shared where that changes nothing.

A linear synapse (ExpSyn, Exp2Syn, ...) sums the events of all the NetCons that drive it,
so one instance per (cell, section, location, mechanism) gives the same currents as one per
connection, for a fraction of the cost. Nonlinear or plastic mechanisms always get one
instance per connection, and so does everything when oneSynPerNetcon is set.
"""
from __future__ import annotations


class SynapsePool:
    def __init__(self, h, cells: dict, syn_mechs, linear_mods, one_per_netcon: bool):
        self._h, self._cells, self._syn_mechs = h, cells, syn_mechs
        self._shared = {i for i, m in enumerate(syn_mechs)
                        if m.mod in linear_mods and not one_per_netcon}
        self._by_place = {}
        self.instances = []

    def get(self, gid: int, sec: str, loc: float, mech_code: int):
        """The synapse a new connection onto cell ``gid`` should drive."""
        key = (gid, sec, loc, mech_code)
        syn = self._by_place.get(key)
        if syn is None:
            mech = self._syn_mechs[mech_code]
            syn = getattr(self._h, mech.mod)(self._cells[gid].segment(sec, loc))
            for name, value in mech.params:
                setattr(syn, name, value)
            self.instances.append(syn)
            if mech_code in self._shared:
                self._by_place[key] = syn
        return syn
