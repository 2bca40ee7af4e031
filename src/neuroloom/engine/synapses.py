"""Synaptic point processes, shared where that changes nothing.

A linear synapse (ExpSyn, Exp2Syn, ...) sums the events of all the NetCons that drive it,
so one instance per (cell, section, location, mechanism) gives the same currents as one per
connection, for a fraction of the cost. Nonlinear or plastic mechanisms always get one
instance per connection, and so does everything when oneSynPerNetcon is set.
"""
from __future__ import annotations

import numpy as np


class SynapsePool:
    """The synaptic point processes of this rank, in a hoc List (``hoc_list``) that the
    connection procedure indexes; ``instances`` holds the same objects for Python."""

    def __init__(self, h, cells: dict, syn_mechs, linear_mods, one_per_netcon: bool):
        self._h, self._cells, self._syn_mechs = h, cells, syn_mechs
        self._shared = np.array([m.mod in linear_mods and not one_per_netcon
                                 for m in syn_mechs], dtype=bool)
        self._by_place = {}  # (gid, section, loc, mechanism) -> index of a shared synapse
        self.instances = []
        self.hoc_list = h.List()

    def get(self, gid: int, sec: str, loc: float, mech_code: int):
        """The synapse a new connection onto cell ``gid`` should drive."""
        return self.instances[self._index(gid, sec, loc, mech_code)]

    def indices(self, gids, secs, locs, mechs, section_names) -> np.ndarray:
        """Synapse indices for many rows at once: rows at one place share a synapse when
        the mechanism is linear (found once per distinct place, not once per row)."""
        out = np.empty(len(gids), dtype=np.int64)
        shared = self._shared[mechs]
        rows = np.flatnonzero(shared)
        places = np.rec.fromarrays([gids[rows], secs[rows], mechs[rows], locs[rows]])
        _, first, inverse = np.unique(places, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        place_of_row = np.full(len(gids), -1)
        place_of_row[rows] = inverse
        shared_index = np.empty(len(first), dtype=np.int64)
        # visit the first row of each shared place and every unshared row in row order, so
        # each cell's synapses (summed at its nodes in creation order) are created in the
        # same order on any number of ranks
        visits = np.sort(np.concatenate([rows[first], np.flatnonzero(~shared)]))
        for row in visits.tolist():
            where = (int(gids[row]), section_names[secs[row]], float(locs[row]),
                     int(mechs[row]))
            if shared[row]:
                shared_index[place_of_row[row]] = self._index(*where)
            else:
                out[row] = self._new(*where)
        out[rows] = shared_index[inverse]
        return out

    def _index(self, gid, sec, loc, mech_code) -> int:
        key = (gid, sec, loc, mech_code)
        index = self._by_place.get(key)
        if index is None:
            index = self._new(gid, sec, loc, mech_code)
            if self._shared[mech_code]:
                self._by_place[key] = index
        return index

    def _new(self, gid, sec, loc, mech_code) -> int:
        mech = self._syn_mechs[mech_code]
        syn = getattr(self._h, mech.mod)(self._cells[gid].segment(sec, loc))
        for name, value in mech.params:
            setattr(syn, name, value)
        self.instances.append(syn)
        self.hoc_list.append(syn)
        return len(self.instances) - 1
