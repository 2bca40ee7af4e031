TITLE Izhi2007b: Izhikevich (2007) simple model acting on its section's voltage

COMMENT
-----------------------------------------------------------------------------
neuroloom Izhi2007b (written for neuroloom from the equations of
E. M. Izhikevich, "Dynamical Systems in Neuroscience", MIT Press 2007, ch. 8)

Model (book form)
    C_m dv/dt = k (v - vr)(v - vt) - u + I          [pA]
        du/dt = a ( b (v - vr) - u )                 [pA/ms]
    if v >= vpeak:  v <- c,  u <- u + d

How it is implemented here
  * The point process is the WHOLE membrane of a section: put it on a
    one-compartment section with no other membrane mechanisms.  The section's
    capacitance plays the role of C_m; v is the section's v.
  * It contributes the nonspecific current (nA, outward positive)
        i = -( k (v - vr)(v - vt) - u + Iin ) / C / 1000
    i.e. the book's right-hand side in pA, divided by the dimensionless
    divisor C and converted pA -> nA.  Therefore the effective equation is
        (C_sec * C) dv/dt = k (v - vr)(v - vt) - u + Iin
    with C_sec the section's total membrane capacitance in pF.
  * Two ways to choose C and the section:
      - the "tutorial" way: C = 1 and a section supplying the book's C_m, e.g.
        diam = 10 um, L = 10 um (area 314.16 um2), cm = 31.831 uF/cm2
        -> 100 pF (cm = 6.3662 -> 20 pF, cm = 63.662 -> 200 pF, ...);
      - the default way: C = book C_m in pF (default 100) and a section
        supplying 1 pF, e.g. diam = 10, L = 10, cm = 0.31831 uF/cm2.
  * u is an ASSIGNED variable (not a STATE).  It is advanced by forward
    Euler inside BREAKPOINT with the time elapsed since the previous
    advance:  u += (t - t_last) * du/dt ; t_last = t.  BREAKPOINT is evaluated
    twice per fixed time step (at v + 0.001 mV and at v, for the
    conductance estimate); the second evaluation sees t - t_last = 0, so u
    advances exactly once per step.  (The advance therefore uses v + 0.001 mV,
    a negligible difference.)  The scheme is meant for the fixed-step
    method; with CVODE u only advances when t increases and the result is
    first order in time.
  * Spikes are detected with WATCH in NET_RECEIVE: INITIAL sets u = 0.2*vr
    and sends itself an event (net_send(0, 1)); that flag-1 event, which
    NEURON delivers inside finitialize() (at t = 0, after the INITIAL
    blocks), arms  WATCH (v > vpeak + uthr*u) 2  and then sets v = vr.
    When the WATCH fires (flag 2) the reset below is applied and, if
    alive != 0, net_event(t) is emitted so NetCons whose source is this
    point process (h.NetCon(izh, target)) receive a spike.
    So after finitialize(v_init) the section starts at v = vr whatever
    v_init was (other mechanisms' INITIAL blocks still saw v_init).
  * NET_RECEIVE flag 0 (an event delivered to the Izhi2007b through a
    NetCon) does nothing: synaptic input should be provided by separate
    synapse point processes (ExpSyn, Exp2Syn, ...) on the same section.

Cell types (celltype, from the book's ch. 8 examples)
    1 RS, 2 IB, 3 CH : u' = a(b(v - vr) - u);  spike v > vpeak;
                       reset v = c, u = u + d
    4 LTS            : u' as above; spike when v > vpeak - 0.1 u;
                       reset v = c + 0.04 u, u = min(u + d, 670)
    5 FS             : u' = a(U(v) - u), U(v) = 0 if v < vb,
                       0.025 (v - vb)^3 otherwise, where the parameter d is
                       used as vb (book: vb = -55 mV); spike v > vpeak;
                       reset only v = c
    6 TC             : b is set internally: b = 0 if v > -65 mV else 15;
                       spike when v > vpeak + 0.1 u;
                       reset v = c - 0.1 u, u = u + d
    7 RTN            : b is set internally: b = 2 if v > -65 mV else 10;
                       standard reset
  For TC and RTN the b parameter is ignored; the value actually used is
  shown in the RANGE variable bcur.  (The switching is evaluated directly
  in BREAKPOINT from the current v, no extra WATCH flags are needed.)
  In LTS/TC resets the u used in the v-reset is the value before the
  d-increment, as in the book's code.

Units
  v, vr, vt, vpeak, c (mV); k (pA/mV2 per unit C); a (1/ms);
  b (pA/mV); d, u, Iin (pA); C dimensionless divisor; i (nA).
  (FS uses d as vb in mV.)

Parameters (defaults = book RS neuron, C_m = 100 pF in the "default way")
  C = 100, k = 0.7, vr = -60, vt = -40, vpeak = 35, a = 0.03, b = -2,
  c = -50, d = 100, Iin = 0, celltype = 1, alive = 1 (0 = no net_event)

Example (Python, tutorial way)
  soma = h.Section(); soma.L = soma.diam = 10; soma.cm = 31.831
  izh = h.Izhi2007b(soma(0.5)); izh.C = 1; izh.Iin = 70
  nc = h.NetCon(izh, None); spikes = h.Vector(); nc.record(spikes)
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS Izhi2007b
    NONSPECIFIC_CURRENT i
    RANGE C, k, vr, vt, vpeak, u, a, b, c, d, Iin, celltype, alive
    RANGE bcur
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (pA) = (picoamp)
}

PARAMETER {
    C = 100          : divisor (see COMMENT); book C_m in pF if section = 1 pF
    k = 0.7          : pA/mV2
    vr = -60 (mV)    : resting potential
    vt = -40 (mV)    : instantaneous threshold potential
    vpeak = 35 (mV)  : spike cutoff
    a = 0.03 (/ms)   : recovery time constant^-1
    b = -2           : pA/mV, sensitivity of u to v
    c = -50 (mV)     : voltage reset
    d = 100          : pA, u increment at spike (FS: vb in mV)
    Iin = 0          : pA, constant injected current
    celltype = 1     : 1 RS, 2 IB, 3 CH, 4 LTS, 5 FS, 6 TC, 7 RTN
    alive = 1        : emit net_event at spikes if nonzero
}

ASSIGNED {
    v (mV)
    i (nA)
    u            : pA, recovery variable
    t_last (ms)  : time of the last u advance
    uthr         : spike test is v > vpeak + uthr*u
    bcur         : b value in use (differs from b only for TC and RTN)
}

INITIAL {
    u = 0.2 * vr
    t_last = t
    uthr = 0
    if (celltype == 4) {
        uthr = -0.1
    } else if (celltype == 6) {
        uthr = 0.1
    }
    set_bcur()
    net_send(0, 1)
}

BREAKPOINT {
    if (t > t_last) {
        set_bcur()
        u = u + (t - t_last) * dudt()
        t_last = t
    }
    i = -(k * (v - vr) * (v - vt) - u + Iin) / C / 1000
}

PROCEDURE set_bcur() {
    : b switching of TC and RTN as a function of the present v
    if (celltype == 6) {
        if (v > -65) {
            bcur = 0
        } else {
            bcur = 15
        }
    } else if (celltype == 7) {
        if (v > -65) {
            bcur = 2
        } else {
            bcur = 10
        }
    } else {
        bcur = b
    }
}

FUNCTION dudt() {
    : right-hand side of the u equation (pA/ms)
    LOCAL uv
    if (celltype == 5) {
        : FS: the parameter d is used as vb
        if (v < d) {
            uv = 0
        } else {
            uv = 0.025 * (v - d) * (v - d) * (v - d)
        }
        dudt = a * (uv - u)
    } else {
        dudt = a * (bcur * (v - vr) - u)
    }
}

NET_RECEIVE (w) {
    if (flag == 1) {
        : start of the run: arm the spike detector and put v at rest.
        : The order matters: arming a WATCH re-reads v from the node
        : (NEURON 9 nocmodl), which would undo a v assignment made before it.
        WATCH (v > vpeak + uthr * u) 2
        v = vr
    } else if (flag == 2) {
        : spike: emit it and apply the cell-type specific reset
        if (alive) {
            net_event(t)
        }
        if (celltype == 4) {
            v = c + 0.04 * u
            u = u + d
            if (u > 670) {
                u = 670
            }
        } else if (celltype == 5) {
            v = c
        } else if (celltype == 6) {
            v = c - 0.1 * u
            u = u + d
        } else {
            v = c
            u = u + d
        }
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
