COMMENT
VecStim: an artificial cell that fires at the times held in a Vector.

neuroloom's own, written from the behaviour NEURON documents for the VecStim its
examples use (NEURON 9 has none built in), and copied into every SONATA export's
mechanisms_dir so that SONATA simulators (BMTK) can make virtual nodes:

    vs = h.VecStim()
    vs.play(times)    : a Vector of spike times in ms, sorted, none negative
    h.NetCon(vs, target)

At initialisation the cell arms itself for the first time of the Vector; each time it
fires (net_event) it arms itself for the next one, until the Vector is exhausted. Each
wait is the next time minus the current time, as NEURON's own VecStim schedules it, so
the events fall on the same doubles. play() with no argument forgets the Vector. The
Vector is not copied: it must live as long as the cell and not change during a run.
neuroloom itself replays trains with NEURON's built-in PatternStim (engine/replay.py)
and does not load this file.
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL VecStim
    THREADSAFE
    RANGE position, next_time
    BBCOREPOINTER times
}

ASSIGNED {
    position    : index of the next time to fire
    next_time (ms)
    times
}

INITIAL {
    position = 0
    arm()
    if (position > 0) {
        net_send(next_time - t, 1)
    }
}

NET_RECEIVE (w) {
    if (flag == 1) {
        net_event(t)
        arm()
        if (position > 0) {
            net_send(next_time - t, 1)
        }
    }
}

VERBATIM
/* the Vector held in the BBCOREPOINTER slot (null: none) */
static IvocVect** held_vector(void** slot) {
    return (IvocVect**) slot;
}
ENDVERBATIM

: takes the next time of the Vector into next_time and moves past it (position is then
: its index + 1); position stays 0 when there is none left (or no Vector)
PROCEDURE arm() {
VERBATIM
    IvocVect* train = *held_vector((void**) &_p_times);
    int taken = (int) position;
    if (train && taken < vector_capacity(train)) {
        next_time = vector_vec(train)[taken];
        position = taken + 1;
    } else {
        position = 0;
    }
ENDVERBATIM
}

PROCEDURE play() {
VERBATIM
    IvocVect** slot = held_vector((void**) &_p_times);
    *slot = ifarg(1) ? vector_arg(1) : (IvocVect*) 0;
ENDVERBATIM
}

VERBATIM
/* CoreNEURON transfer is not supported: nothing is written */
static void bbcore_write(double* x, int* d, int* xx, int* offset, _threadargsproto_) {}
static void bbcore_read(double* x, int* d, int* xx, int* offset, _threadargsproto_) {}
ENDVERBATIM
