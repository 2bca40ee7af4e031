TITLE SelfV: a point neuron with its own voltage variable (neuroloom test mechanism)

COMMENT
A leaky integrator V that lives in the point process itself, not in its section, as
NetPyNE's "vref" cells do. Events add wa + 2*wb to V (two NetCon weights: a synList of two
synMechs); V decays to 0 with time constant tau, once per time step.
ENDCOMMENT

NEURON {
    POINT_PROCESS SelfV
    RANGE V, tau
}

PARAMETER {
    tau = 10 (ms)
}

ASSIGNED {
    V
    t_last (ms)
}

INITIAL {
    V = 0
    t_last = 0
}

BREAKPOINT {
    V = V * exp(-(t - t_last) / tau)
    t_last = t
}

NET_RECEIVE (wa, wb) {
    : NEURON zeroes NET_RECEIVE arguments after the first at finitialize unless the block
    : has its own INITIAL: wb is a weight here, so keep it
    INITIAL { }
    V = V + wa + 2 * wb
}
