"""What connections and stimuli drive: synapses, shared where that changes nothing, or the
cell's own point process.

A linear synapse (ExpSyn, Exp2Syn, ...) sums the events of all the NetCons that drive it,
so one instance per (cell, section, location, mechanism) gives the same currents as one per
connection, for a fraction of the cost. Nonlinear or plastic mechanisms always get one
instance per connection, and so does everything when oneSynPerNetcon is set. Artificial
cells and point processes with their own voltage (vref) receive events themselves, on the
NetCon weight given by the position of the synMech in the point process's synList.
"""
from __future__ import annotations

import numpy as np


class Targets:
    """The NetCon targets of this rank, in a hoc List (``hoc_list``) that the connection
    procedure indexes; ``instances`` holds the same objects for Python."""

    def __init__(self, h, cells: dict, network, linear_mods, one_per_netcon: bool):
        self._h, self._cells = h, cells
        self._linear_mods, self._one_per_netcon = linear_mods, one_per_netcon
        self.use(network)
        self._by_place = {}  # (gid, section, loc, mechanism) -> index of a shared synapse
        self._by_cell = {}  # (gid, section) -> index of a cell's own point process
        self.instances = []
        self.places = []  # (gid, section code, loc, synMech code) of each synapse made
        self.hoc_list = h.List()

    def use(self, network) -> None:
        """Take the catalogs of a (modified) network: synapses made from now on follow it."""
        self._syn_mechs, self._names = network.syn_mechs, network.section_names
        self._cell_type = network.cells.cell_type
        self._shared = np.array([m.mod in self._linear_mods and not self._one_per_netcon
                                 for m in network.syn_mechs] + [False], dtype=bool)
        self._own = _own_targets(network)

    def modify(self, places: set, values: dict, remap: dict) -> int:
        """Set ``values`` on the synapses made at these (gid, section, loc, synMech)
        places, which now belong to synMech ``remap[old]`` where it has one; returns how
        many synapses changed."""
        count = 0
        for i, place in enumerate(self.places):
            if place not in places:
                continue
            for name, value in values.items():
                setattr(self.instances[i], name, value)
            mech = place[3]
            if mech in remap:
                self.places[i] = (*place[:3], remap[mech])
                if self._by_place.get(place) == i:
                    self._by_place[self.places[i]] = self._by_place.pop(place)
            count += 1
        return count

    def get(self, gid: int, sec_code: int, loc: float, mech_code: int):
        """What one connection or stimulus onto cell ``gid`` should drive."""
        index, _ = self.rows(np.array([gid]), np.array([sec_code]), np.array([loc]),
                             np.array([mech_code]))
        return self.instances[int(index[0])]

    def rows(self, gids, secs, locs, mechs):
        """(target index, NetCon weight index) of many rows at once."""
        out = np.empty(len(gids), dtype=np.int64)
        weight_index = self._own[self._cell_type[gids], secs + 1, mechs]
        own = weight_index >= 0
        for row in np.flatnonzero(own).tolist():
            out[row] = self._own_index(int(gids[row]), int(secs[row]))
        synaptic = ~own
        self._synapses(gids, secs, locs, mechs, synaptic, out)
        return out, np.maximum(weight_index, 0)

    def _own_index(self, gid, sec_code) -> int:
        key = (gid, sec_code)
        if key not in self._by_cell:
            self.places.append((gid, sec_code, -1.0, -1))  # the cell's own point process
            self._by_cell[key] = self._add(
                self._cells[gid].target(self._names[sec_code] if sec_code >= 0 else None))
        return self._by_cell[key]

    def _synapses(self, gids, secs, locs, mechs, synaptic, out):
        shared = synaptic & self._shared[mechs]
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
        visits = np.sort(np.concatenate([rows[first], np.flatnonzero(synaptic & ~shared)]))
        for row in visits.tolist():
            where = (int(gids[row]), int(secs[row]), float(locs[row]), int(mechs[row]))
            if shared[row]:
                key = where
                if key not in self._by_place:
                    self._by_place[key] = self._new(*where)
                shared_index[place_of_row[row]] = self._by_place[key]
            else:
                out[row] = self._new(*where)
        out[rows] = shared_index[inverse]

    def _new(self, gid, sec_code, loc, mech_code) -> int:
        mech = self._syn_mechs[mech_code]
        syn = getattr(self._h, mech.mod)(self._cells[gid].segment(self._names[sec_code], loc))
        for name, value in mech.params:
            setattr(syn, name, value)
        self.places.append((gid, sec_code, loc, mech_code))
        return self._add(syn)

    def _add(self, obj) -> int:
        self.instances.append(obj)
        self.hoc_list.append(obj)
        return len(self.instances) - 1


def _own_targets(network) -> np.ndarray:
    """[cell type, section code + 1, synMech code] -> NetCon weight index when the cell's
    own point process receives the event there, else -1 (the last synMech slot is -1:
    no synMech)."""
    n_mechs = len(network.syn_mechs)
    table = np.full((len(network.cell_types), len(network.section_names) + 1, n_mechs + 1), -1)
    labels = [m.user_label for m in network.syn_mechs]
    for t, cell_type in enumerate(network.cell_types):
        if cell_type.is_artificial:
            table[t] = 0
            continue
        for sec in cell_type.sections:
            own = next((p for p in sec.pointps if p.vref), None)
            if own is None:
                continue
            code = network.section_names.index(sec.name) + 1
            for m, label in enumerate(labels):
                table[t, code, m] = own.syn_list.index(label) if label in own.syn_list else 0
            table[t, code, n_mechs] = 0
    return table
