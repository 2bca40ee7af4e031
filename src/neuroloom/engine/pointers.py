"""Gap junctions and graded synapses: point processes driven by the other cell's voltage.

For each row, the postsynaptic mechanism's ``target_var`` follows the presynaptic cell's
``source_var`` through ParallelContext (pc.source_var / pc.target_var), so it works across
ranks: every rank holds all pointer rows, registers the sources of the presynaptic cells it
owns and the targets on the postsynaptic cells it owns. A bidirectional row is mirrored:
a second mechanism on the presynaptic cell reads the postsynaptic cell.

NEURON transfers the sources at finitialize before the handlers that give sections their
own initial voltage (engine/model.py) run, so a target would read v_init, not its source's
vinit, in INITIAL and the first step; a target whose source section has its own vinit is
given that value by a handler here instead (from the model, so on any rank), as a POINTER
in jNeuroML's NEURON export reads it.
"""
from __future__ import annotations

import numpy as np

#: transfer ids: 2 * row for the forward direction, 2 * row + 1 for the mirror
FIRST_ID = 1_000_000_000


class PointerWiring:
    def __init__(self, h, pc, cells, network, owned_gids):
        self.mechanisms = []
        self._starts = []  # (target mechanism, its source's own initial voltage)
        conns, names = network.conns, network.section_names
        driven = [m.pointer is not None for m in network.syn_mechs]
        rows = np.flatnonzero(np.asarray(driven + [False])[conns.syn_mech])
        owned = set(owned_gids.tolist())
        for row in rows.tolist():
            mech = network.syn_mechs[conns.syn_mech[row]]
            pre, post = int(conns.pre_gid[row]), int(conns.post_gid[row])
            post_place = (names[conns.sec[row]], float(conns.loc[row]))
            pre_place = (names[int(conns.extra["pre_sec"][row])],
                         float(conns.extra["pre_loc"][row]))
            forward, mirror = FIRST_ID + 2 * row, FIRST_ID + 2 * row + 1
            if post in owned:
                self._target(h, pc, cells[post], post_place, mech, conns.weight[row], forward,
                             _initial_voltage(network, pre, pre_place[0]))
                if mech.pointer.bidirectional:
                    self._source(pc, cells[post], post_place, mech, mirror)
            if pre in owned:
                self._source(pc, cells[pre], pre_place, mech, forward)
                if mech.pointer.bidirectional:
                    self._target(h, pc, cells[pre], pre_place, mech, conns.weight[row], mirror,
                                 _initial_voltage(network, post, post_place[0]))
        self.used = len(rows) > 0
        if self.used:
            pc.setup_transfer()
        # the handler must not hold self (a cycle would keep it, and its mechanisms, alive
        # into the next model's finitialize): it holds the list only
        self._start_handler = h.FInitializeHandler(0, _initial_peers(self._starts)) \
            if self._starts else None

    def _target(self, h, pc, cell, place, mech, weight, transfer_id, source_vinit):
        obj = getattr(h, mech.mod)(cell.segment(*place))
        for name, value in mech.params:
            setattr(obj, name, value)
        if hasattr(obj, "weight"):  # NetPyNE's convention: the rule's weight, if it has one
            obj.weight = float(weight)
        pc.target_var(obj, getattr(obj, f"_ref_{mech.pointer.target_var}"), transfer_id)
        self.mechanisms.append(obj)
        if source_vinit is not None and mech.pointer.source_var == "v":
            self._starts.append((obj, mech.pointer.target_var, source_vinit))

    @staticmethod
    def _source(pc, cell, place, mech, transfer_id):
        segment = cell.segment(*place)
        pc.source_var(getattr(segment, f"_ref_{mech.pointer.source_var}"), transfer_id,
                      sec=segment.sec)


def _initial_voltage(network, gid, section) -> float | None:
    """The initial voltage a cell's section has of its own (None: the run's v_init)."""
    cell_type = network.cell_types[int(network.cells.cell_type[gid])]
    return next((s.vinit for s in cell_type.sections if s.name == section), None)


def _initial_peers(starts):
    """A callback giving targets their source's own initial voltage (see above)."""
    def start():
        for obj, name, value in starts:
            setattr(obj, name, value)
    return start
