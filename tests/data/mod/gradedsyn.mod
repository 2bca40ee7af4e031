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

Usage: the POINTER vpre must be linked to the presynaptic voltage, e.g.
    syn = h.GradedSyn(post(0.5))
    h.setpointer(pre(0.5)._ref_v, 'vpre', syn)
or through pc.source_var / pc.target_var / pc.setup_transfer.
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    POINT_PROCESS GradedSyn
    NONSPECIFIC_CURRENT i
    RANGE gmax, e, vslope, vth, tau, i
    POINTER vpre
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
