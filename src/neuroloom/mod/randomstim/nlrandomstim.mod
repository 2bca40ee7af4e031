TITLE NlRandomStim: spikes with random intervals, in a time window

COMMENT
-----------------------------------------------------------------------------
neuroloom NlRandomStim (written for neuroloom)

NEURON's NetStim with a stop time and a uniform part in its intervals, for the NeuroML
generators NetStim cannot express. Its parameters mean what NetStim's do (interval,
noise, start, number), and every interspike interval is

    isi = (1 - noise) interval + noise interval E + spread U     E ~ Exp(1), U ~ Uniform[0, 1)

the first spike at start + isi - (1 - noise) interval (NetStim's rule), no more than
``number`` spikes and none after ``stop``. So:
  - SpikeSourcePoisson (PyNN; start, duration, rate) and transientPoissonFiringSynapse
    (delay, duration, averageRate): interval = 1000 / rate, noise = 1, stop = start +
    duration: a Poisson process on (start, stop];
  - spikeGeneratorRandom (minISI, maxISI): interval = start = minISI, noise = 0,
    spread = maxISI - minISI.

Random numbers come from a Random123 stream set by noiseFromRandom123(id1, id2, id3),
as for NetStim (neuroloom keys the ids by gid, population or rule, and seed, so a source
fires the same train on any number of ranks).
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL NlRandomStim
    THREADSAFE
    RANGE interval, noise, start, number, stop, spread
    RANDOM ranvar
}

PARAMETER {
    interval = 10 (ms) <1e-9, 1e9>  : the mean of an interval's NetStim part
    noise = 0 <0, 1>                : its random fraction (exponential)
    start = 0 (ms)                  : the first interval starts here (NetStim's rule)
    number = 1e9                    : at most this many spikes
    stop = 1e9 (ms)                 : no spike after this time
    spread = 0 (ms)                 : the width of an interval's uniform part
}

ASSIGNED {
    next (ms)
    count
}

INITIAL {
    random_setseq(ranvar, 0)
    count = 0
    if (number > 0) {
        next = start + isi() - (1 - noise) * interval
        if (next <= stop) {
            net_send(next, 1)
        }
    }
}

FUNCTION isi() (ms) {
    isi = (1 - noise) * interval
    if (noise > 0) {
        isi = isi + noise * interval * random_negexp(ranvar)
    }
    if (spread > 0) {
        isi = isi + spread * random_uniform(ranvar)
    }
}

PROCEDURE noiseFromRandom123(id1, id2, id3) {
    random_setids(ranvar, id1, id2, id3)
    random_setseq(ranvar, 0)
}

NET_RECEIVE (w) {
    if (flag == 1) {
        net_event(t)
        count = count + 1
        next = next + isi()
        if (count < number && next <= stop) {
            net_send(next - t, 1)
        }
    }
}
