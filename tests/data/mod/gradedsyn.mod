TITLE GradedSyn: graded (non-spiking) chemical synapse

COMMENT
-----------------------------------------------------------------------------
neuroloom test mechanism (written for neuroloom)

A chemical synapse whose activation follows the presynaptic voltage
continuously (no spikes or events):
    sinf(vpre) = 1 / (1 + exp(-(vpre - vth) / vslope))
    ds/dt      = (sinf(vpre) - s) / tau
    i          = gmax * s * (v - e)
Units: gmax (uS), e, vth, vslope, vpre, v (mV), tau (ms), s dimensionless,
i (nA, outward positive, nonspecific).  s starts at sinf(vpre) in INITIAL
and is integrated with METHOD cnexp (exact for fixed vpre over a step).

Usage: vpre is a RANGE variable that ParallelContext fills with the
presynaptic voltage (pc.source_var on the presynaptic segment, pc.target_var
on syn._ref_vpre, pc.setup_transfer), so it works across MPI ranks:
    syn = h.GradedSyn(post(0.5))
    pc.source_var(pre(0.5)._ref_v, 7, sec=pre)
    pc.target_var(syn, syn._ref_vpre, 7)
    pc.setup_transfer()
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS GradedSyn
    NONSPECIFIC_CURRENT i
    RANGE gmax, e, vslope, vth, tau, i, vpre
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (uS) = (microsiemens)
}

PARAMETER {
    gmax = 0.001 (uS)
    e = 0 (mV)
    vslope = 5 (mV)
    vth = -50 (mV)
    tau = 5 (ms)
}

ASSIGNED {
    v (mV)
    vpre (mV)
    i (nA)
}

STATE {
    s
}

INITIAL {
    s = sinf(vpre)
}

BREAKPOINT {
    SOLVE activation METHOD cnexp
    i = gmax * s * (v - e)
}

DERIVATIVE activation {
    s' = (sinf(vpre) - s) / tau
}

FUNCTION sinf(vp (mV)) {
    sinf = 1 / (1 + exp(-(vp - vth) / vslope))
}
