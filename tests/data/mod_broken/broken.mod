TITLE Broken: deliberately invalid mod file

COMMENT
neuroloom test data: this file contains a deliberate syntax error (an
unclosed parenthesis in BREAKPOINT) so that tests can check that a failing
nrnivmodl / nocmodl translation is reported properly.  Do not fix it.
ENDCOMMENT

NEURON {
    SUFFIX broken
    NONSPECIFIC_CURRENT i
    RANGE g, e
}

PARAMETER {
    g = 0.001 (S/cm2)
    e = -70 (mV)
}

ASSIGNED {
    v (mV)
    i (mA/cm2)
}

BREAKPOINT {
    i = g * (v - e
}
