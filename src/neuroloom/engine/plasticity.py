"""Synaptic plasticity (connParams' 'plast'): a point process per plastic connection.

As NetPyNE 1.1.1 makes it: the mechanism sits on the postsynaptic cell, at the start (0)
of the section of the synapse the connection drives (artificial cells, which have no
sections, get a section of their own), with the rule's params. The 'STDP' mechanism is also wired: it hears the
presynaptic cell's spikes on an event of weight +1 and the postsynaptic cell's on one of
weight -1, both through ParallelContext.gid_connect (so the presynaptic cell may live on
another rank; the postsynaptic one is on this rank), and its POINTER 'synweight' is set to
the connection's NetCon weight, which it changes as the run goes. Only the weight is per
NetCon: a linear synapse shared by several connections (engine/synapses.py) stays shared.
"""
from __future__ import annotations

import numpy as np

from ..errors import MechanismError
from ..suggest import hint
from .mechanisms import point_processes, range_variables

#: the mechanism wired to spikes and to the connection's weight (validate/rules.py)
WIRED = "STDP"
PRE_EVENT, POST_EVENT = 1.0, -1.0  # event weights telling STDP which side fired
WEIGHT_POINTER = "synweight"


class PlasticityWiring:
    """The plasticity mechanisms of this rank's plastic connections, and the NetCons that
    feed them spikes; holding this object keeps them alive."""

    def __init__(self, h, pc, network, netcons, rows, weight_index, plasticity):
        """Parameters
        ----------
        h, pc : NEURON's hoc interpreter and ParallelContext.
        network : model.Network
            The network whose connections were made.
        netcons : hoc List
            This rank's connection NetCons (engine/wiring.py connect).
        rows, weight_index : numpy.ndarray
            The ConnTable row of each NetCon and the weight index its value went to.
        plasticity : sequence
            Per connParams rule code (``network.conn_rules``), its
            ``model.catalog.Plasticity`` or None.

        Raises
        ------
        MechanismError
            A plasticity mechanism NEURON does not have, a parameter it lacks, or an
            'STDP' without the POINTER 'synweight'.
        """
        self.mechanisms, self.netcons, self._sections = [], [], {}
        #: index in ``netcons`` -> (STDP mechanism, its pre and post spike NetCons)
        self.stdp_of_netcon = {}
        plastic = np.zeros(len(network.conn_rules) + 1, dtype=bool)  # [-1]: rows of no rule
        plastic[:len(plasticity)] = [p is not None for p in plasticity]
        rows = np.asarray(rows)
        if not plastic.any() or not len(rows):
            return
        _check(network.conn_rules, plasticity)
        rule_of_row = network.conns.rule[rows]
        for i in np.flatnonzero(plastic[rule_of_row]).tolist():
            row = int(rows[i])
            spec = plasticity[int(rule_of_row[i])]
            nc = netcons.o(i)
            post = int(network.conns.post_gid[row])
            mech = getattr(h, spec.mech)(self._place(h, nc, network, post))
            for name, value in spec.params:
                setattr(mech, name, value)
            self.mechanisms.append(mech)
            if spec.mech != WIRED:
                continue
            feeds = []
            for gid, event in ((int(network.conns.pre_gid[row]), PRE_EVENT),
                               (post, POST_EVENT)):
                feed = pc.gid_connect(gid, mech)
                feed.weight[0] = event
                feeds.append(feed)
            self.netcons.extend(feeds)
            self.stdp_of_netcon[i] = (mech, *feeds)
            if not hasattr(mech, f"_ref_{WEIGHT_POINTER}"):
                raise MechanismError(f"connParams['{network.conn_rules[rule_of_row[i]]}']"
                                     f".plast.mech: '{spec.mech}' has no POINTER "
                                     f"'{WEIGHT_POINTER}' to the connection's weight")
            h.setpointer(nc._ref_weight[int(weight_index[i])], WEIGHT_POINTER, mech)

    def _place(self, h, nc, network, post):
        """Where the mechanism goes, as NetPyNE puts it: location 0 of the synapse's
        section, or of the artificial cell's own section (NEURON needs a section for a
        point process)."""
        if not network.cell_type_of(post).is_artificial:
            return nc.syn().get_segment().sec(0)
        if post not in self._sections:
            self._sections[post] = h.Section(name=f"neuroloom_plasticity_{post}")
        return self._sections[post](0)

    def release(self) -> None:
        """Drop every NEURON object made here (the NetCons first)."""
        self.stdp_of_netcon.clear()
        self.netcons.clear()
        self.mechanisms.clear()
        self._sections.clear()


def _check(rule_labels, plasticity) -> None:
    problems, known = [], point_processes()
    for label, spec in zip(rule_labels, plasticity):
        if spec is None:
            continue
        where = f"connParams['{label}'].plast"
        if spec.mech not in known:
            problems.append(f"{where}.mech: NEURON has no point process '{spec.mech}'; "
                            f"{hint(spec.mech, known)}")
            continue
        own = range_variables(spec.mech)
        problems += [f"{where}.params.{name}: '{spec.mech}' has no parameter '{name}'; "
                     f"{hint(name, own)}" for name, _ in spec.params if name not in own]
    if problems:
        raise MechanismError("\n".join(problems) if len(problems) == 1 else
                             f"{len(problems)} plasticity problems:\n"
                             + "\n".join(f"  - {p}" for p in problems))

