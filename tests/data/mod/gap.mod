TITLE ElectSyn: ohmic gap junction (one side)

COMMENT
-----------------------------------------------------------------------------
neuroloom test mechanism (written for neuroloom)

One half of an electrical synapse.  Each side of the junction has its own
ElectSyn whose vpeer receives the membrane potential of the other side:
    i = g * (v - vpeer)          i (nA), g (uS), v and vpeer (mV)
i is a nonspecific membrane current (outward positive), so current flows
from the more depolarised side to the other one.  A symmetric junction of
conductance g needs two ElectSyn with the same g, one on each side.

vpeer is a RANGE variable (ASSIGNED), not a POINTER: in NEURON 9
ParallelContext.target_var(pp, pp._ref_vpeer, sgid) only accepts a
variable that belongs to the point process itself (for a POINTER,
_ref_vpeer designates the pointed-to value, and target_var fails with
"Invalid pointer" / "Target ref not in ElectSyn[..]").  The transfer
then copies the source voltage into vpeer before every current
evaluation (also between MPI ranks and under CoreNEURON).

Usage (Python, one or several ranks):
    pc = h.ParallelContext()
    ga = h.ElectSyn(secA(0.5)); gb = h.ElectSyn(secB(0.5))
    pc.source_var(secA(0.5)._ref_v, 0, sec=secA)
    pc.source_var(secB(0.5)._ref_v, 1, sec=secB)
    pc.target_var(ga, ga._ref_vpeer, 1)
    pc.target_var(gb, gb._ref_vpeer, 0)
    pc.setup_transfer()
(vpeer can also simply be assigned, e.g. to clamp the peer potential.)
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS ElectSyn
    NONSPECIFIC_CURRENT i
    RANGE g, i, vpeer
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (uS) = (microsiemens)
}

PARAMETER {
    g = 0.001 (uS)
}

ASSIGNED {
    v (mV)
    vpeer (mV)
    i (nA)
}

BREAKPOINT {
    i = g * (v - vpeer)
}
