TITLE NlRandomStim: spikes with random intervals, in a time window

COMMENT
-----------------------------------------------------------------------------
neuroloom NlRandomStim (written for neuroloom)

A spike source for the NeuroML generators NEURON's NetStim cannot express: every
interspike interval is

    isi = fixed + expmean * E + spread * U       E ~ Exp(1), U ~ Uniform[0, 1)

the first spike comes one interval after ``start``, and no spike is emitted after
``stop``. So:
  - SpikeSourcePoisson (PyNN; start, duration, rate): expmean = 1000 / rate,
    stop = start + duration (a Poisson process on (start, stop]);
  - spikeGeneratorRandom (minISI, maxISI): fixed = minISI, spread = maxISI - minISI.

Random numbers come from a Random123 stream set by noiseFromRandom123(id1, id2, id3),
as for NetStim (neuroloom keys the ids by gid, population and seed, so a cell fires the
same train on any number of ranks).
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL NlRandomStim
    THREADSAFE
    RANGE start, stop, fixed, expmean, spread
    RANDOM ranvar
}

PARAMETER {
    start = 0 (ms)      : the first interval starts here
    stop = 1e9 (ms)     : no spike after this time
    fixed = 0 (ms)      : the part of every interval that is fixed (a refractory time)
    expmean = 0 (ms)    : the mean of its exponential part
    spread = 0 (ms)     : the width of its uniform part
}

ASSIGNED {
    next (ms)
}

INITIAL {
    random_setseq(ranvar, 0)
    next = start + interval()
    if (next <= stop) {
        net_send(next, 1)
    }
}

FUNCTION interval() (ms) {
    interval = fixed
    if (expmean > 0) {
        interval = interval + expmean * random_negexp(ranvar)
    }
    if (spread > 0) {
        interval = interval + spread * random_uniform(ranvar)
    }
}

PROCEDURE noiseFromRandom123(id1, id2, id3) {
    random_setids(ranvar, id1, id2, id3)
    random_setseq(ranvar, 0)
}

NET_RECEIVE (w) {
    if (flag == 1) {
        net_event(t)
        next = next + interval()
        if (next <= stop) {
            net_send(next - t, 1)
        }
    }
}
