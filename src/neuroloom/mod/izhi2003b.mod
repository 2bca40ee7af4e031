TITLE Izhi2003b: Izhikevich (2003) model acting on its section's voltage

COMMENT
-----------------------------------------------------------------------------
neuroloom Izhi2003b (written for neuroloom from the equations of
E. M. Izhikevich, "Simple model of spiking neurons", IEEE Trans. Neural
Networks 14:1569-1572, 2003)

Model
    dv/dt = 0.04 v^2 + f v + g - u + Iin          [mV/ms]
    du/dt = a (b v - u)                            [mV/ms]
    if v >= thresh:  v <- c,  u <- u + d   (and a spike is emitted)
  The paper uses f = 5, g = 140, thresh = 30 mV.  Iin and u are in the
  paper's "current" units, i.e. mV/ms once divided by a unit capacitance.

How it is implemented here
  * The point process is the WHOLE membrane of a section: put it on a
    one-compartment section with no other membrane mechanisms; v is the
    section's v.
  * It contributes the nonspecific current (nA, outward positive)
        i = -Cm * (0.04 v^2 + f v + g - u + Iin)
    With the section's total membrane capacitance C_sec (nF) NEURON solves
        C_sec dv/dt = -i = Cm * (0.04 v^2 + f v + g - u + Iin)
    (nF * mV/ms = nA), so when C_sec == Cm the paper's equation is followed
    exactly.  Cm (nF) must therefore be set to the section's capacitance:
        C_sec [nF] = cm [uF/cm2] * area [um2] * 1e-5
    e.g. diam = 10 um, L = 10 um (area 314.16 um2) and cm = 318.31 uF/cm2
    give 1 nF = the default Cm; or keep the usual cm = 1 uF/cm2 with that
    geometry and set Cm = 0.0031416 (= area * 1e-5).
  * u is a STATE integrated by NEURON with METHOD cnexp (exact for the
    linear u equation over a step with v held fixed); u is reset by the
    spike event.  This works with the fixed step method and with CVODE.
  * Spikes: INITIAL sets u = b*v (v = v_init; use v_init = -65 mV for the
    paper's initial condition) and sends itself net_send(0, 1); the flag-1
    event arms  WATCH (v > thresh) 2 .  When it fires (flag 2) the model
    emits net_event(t) (so h.NetCon(izh, target) carries the spikes), then
    sets v = c and u = u + d.  (WATCH tests a strict '>' ; for a continuous
    v crossing this is the same as the paper's '>='.)  The detection and
    reset happen at the first time step at which v exceeds thresh, so v
    may overshoot thresh by one step's increment.
  * NET_RECEIVE flag 0 (an event delivered to the Izhi2003b through a
    NetCon) does nothing: synaptic input should be provided by separate
    synapse point processes on the same section.

Parameters (defaults: regular spiking)
  a = 0.02 (/ms), b = 0.2 (dimensionless), c = -65 (mV), d = 2,
  f = 5, g = 140, thresh = 30 (mV), Iin = 0, Cm = 1 (nF)
  Other classes of the paper: IB c = -55, d = 4; CH c = -50, d = 2;
  FS a = 0.1; LTS b = 0.25; TC a = 0.02, b = 0.25, c = -65, d = 0.05;
  RZ a = 0.1, b = 0.26, c = -65, d = 2.

Example (Python)
  soma = h.Section(); soma.L = soma.diam = 10; soma.cm = 318.31  # 1 nF
  izh = h.Izhi2003b(soma(0.5)); izh.Iin = 10
  h.finitialize(-65)
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS Izhi2003b
    NONSPECIFIC_CURRENT i
    RANGE a, b, c, d, f, g, thresh, Iin, Cm, u
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (nF) = (nanofarad)
}

PARAMETER {
    a = 0.02          : 1/ms, recovery rate
    b = 0.2           : sensitivity of u to v
    c = -65 (mV)      : reset potential
    d = 2             : u increment at a spike
    f = 5             : linear coefficient
    g = 140           : constant term
    thresh = 30 (mV)  : spike cutoff
    Iin = 0           : injected "current" in the paper's units (mV/ms)
    Cm = 1 (nF)       : must equal the section's total capacitance
}

ASSIGNED {
    v (mV)
    i (nA)
}

STATE {
    u
}

INITIAL {
    u = b * v
    net_send(0, 1)
}

BREAKPOINT {
    SOLVE recovery METHOD cnexp
    i = -Cm * (0.04 * v * v + f * v + g - u + Iin)
}

DERIVATIVE recovery {
    u' = a * (b * v - u)
}

NET_RECEIVE (w) {
    if (flag == 1) {
        WATCH (v > thresh) 2
    } else if (flag == 2) {
        net_event(t)
        v = c
        u = u + d
    }
    : flag 0 (synaptic event arriving through a NetCon): ignored
VERBATIM
#ifdef CORENEURON_BUILD
    /* CoreNEURON (NMODL-generated code) reads v into a local copy and does
       not write a NET_RECEIVE assignment of v back to the node, so do it
       here.  (nocmodl for NEURON writes it back itself.) */
    nt->_actual_v[ml->nodeindices[id]] = v;
#endif
ENDVERBATIM
}
