TITLE VecStim: artificial cell that emits events at times taken from a Vector

COMMENT
-----------------------------------------------------------------------------
neuroloom VecStim (written for neuroloom)

What it does
  An ARTIFICIAL_CELL with no dynamics.  It emits one output event
  (net_event) at each time stored in a hoc Vector.  Connect it like a
  NetStim:   nc = h.NetCon(vs, target)

Usage (Python)
  vs = h.VecStim()
  tvec = h.Vector([5, 10, 10, 30])   # spike times in ms
  vs.play(tvec)        # attach the Vector (must be done before finitialize)
  vs.play()            # no argument: detach, the cell becomes silent

Rules for the times
  * units: ms, absolute simulation time.
  * they must be non-decreasing.  Repeated times give repeated events at the
    same instant (e.g. [10, 10] -> two events at t = 10 ms).
  * an element smaller than the current time when it is reached is skipped.
    In particular all negative times (and, after finitialize, any time < 0)
    are skipped, and a time that lies before a preceding larger time (an
    unsorted vector) is dropped.
  * the Vector is read (not copied) when finitialize runs and while the
    simulation proceeds, so it may be refilled/resized between play() and
    finitialize().  Calling play(new_vector) and finitialize() again before a
    second run plays the new times.
  * play() keeps a hoc reference to the Vector, so the Vector stays alive
    as long as the VecStim uses it, even if Python drops its own reference.
    The reference is released by play() with another/no argument and when
    the VecStim is destroyed.

Event scheme
  INITIAL:      index = 0, look for the first element >= t; if one is found
                self-event net_send(etime - t, 1).
  NET_RECEIVE flag 1 (self event): net_event(t), then look for the next
                element >= t and schedule it the same way.
  NET_RECEIVE flag 0 (an event arriving through a NetCon onto the VecStim)
                is ignored.

Variables
  index  ASSIGNED: index of the next Vector element to examine (-1 = done)
  etime  ASSIGNED (ms): time of the event currently scheduled
  ptr    BBCOREPOINTER: on the NEURON side the IvocVect* given to play();
         on the CoreNEURON side a private copy (see below).

CoreNEURON
  The file compiles with  nrnivmodl -coreneuron  .  When the model is handed
  to CoreNEURON (file mode or direct memory mode) bbcore_write() serialises,
  for every instance, one int (the number of times n) into the integer
  buffer and the n times into the double buffer.  bbcore_read() on the
  CoreNEURON side allocates a private struct holding a copy of those n
  times, stores it in ptr and the DESTRUCTOR frees it.  The same INITIAL /
  NET_RECEIVE code then runs on that copy, so NEURON and CoreNEURON produce
  the same events.  No random numbers are used.
-----------------------------------------------------------------------------
ENDCOMMENT

NEURON {
    THREADSAFE
    ARTIFICIAL_CELL VecStim
    BBCOREPOINTER ptr
}

ASSIGNED {
    index
    etime (ms)
    ptr
}

VERBATIM
#ifdef CORENEURON_BUILD
/* CoreNEURON side: the times live in a private block filled by bbcore_read */
typedef struct {
    int n;
    double* tm;
} nl_vecstim_times_t;
#endif
ENDVERBATIM

INITIAL {
    index = 0
    if (next_time() == 1) {
        net_send(etime - t, 1)
    }
}

NET_RECEIVE (w) {
    : flag 0 (an event from a NetCon targeting this cell) does nothing
    if (flag == 1) {
        net_event(t)
        if (next_time() == 1) {
            net_send(etime - t, 1)
        }
    }
}

FUNCTION next_time() {
    : Advance index to the first element >= t, put it in etime and return 1;
    : return 0 (and set index = -1) when the vector is exhausted or absent.
VERBATIM
    int _n = 0;
    double* _tv = (double*) 0;
#ifndef CORENEURON_BUILD
    {
        IvocVect* _vec = (IvocVect*) (_p_ptr);
        if (_vec) {
            _n = vector_capacity(_vec);
            _tv = vector_vec(_vec);
        }
    }
#else
    {
        nl_vecstim_times_t* _blk = (nl_vecstim_times_t*) (_p_ptr);
        if (_blk) {
            _n = _blk->n;
            _tv = _blk->tm;
        }
    }
#endif
    _lnext_time = 0.;
    if (index >= 0.) {
        int _k = (int) index;
        while (_k < _n && _tv[_k] < t) {
            ++_k;
        }
        if (_k < _n) {
            etime = _tv[_k];
            index = (double) (_k + 1);
            _lnext_time = 1.;
        } else {
            index = -1.;
        }
    }
ENDVERBATIM
}

PROCEDURE play() {
    : play(vec) attaches a Vector of times; play() detaches it.
VERBATIM
#ifndef CORENEURON_BUILD
    {
        void** _pv = (void**) (&(_p_ptr));
        IvocVect* _old = (IvocVect*) (*_pv);
        IvocVect* _new = (IvocVect*) 0;
        if (ifarg(1)) {
            _new = vector_arg(1);
            hoc_obj_ref(*vector_pobj(_new));
        }
        *_pv = (void*) _new;
        if (_old) {
            hoc_obj_unref(*vector_pobj(_old));
        }
    }
#endif
ENDVERBATIM
}

DESTRUCTOR {
VERBATIM
    {
        void** _pv = (void**) (&(_p_ptr));
        if (*_pv) {
#ifndef CORENEURON_BUILD
            hoc_obj_unref(*vector_pobj((IvocVect*) (*_pv)));
#else
            nl_vecstim_times_t* _blk = (nl_vecstim_times_t*) (*_pv);
            free(_blk->tm);
            free(_blk);
#endif
            *_pv = (void*) 0;
        }
    }
ENDVERBATIM
}

VERBATIM
/*
 * Serialisation for CoreNEURON (see the COMMENT at the top).
 *   x, d      : double and int buffers (NULL during the sizing sweep)
 *   xoff, doff: current offsets into x and d, advanced by what this
 *               instance uses.
 * Layout per instance: d[doff] = n ; x[xoff .. xoff+n-1] = times.
 */
static void bbcore_write(double* x, int* d, int* xoff, int* doff, _threadargsproto_) {
#ifndef CORENEURON_BUILD
    IvocVect* _vec = (IvocVect*) (_p_ptr);
    int _n = _vec ? vector_capacity(_vec) : 0;
    if (d) {
        d[*doff] = _n;
    }
    if (x && _n > 0) {
        double* _src = vector_vec(_vec);
        double* _dst = x + *xoff;
        int _k;
        for (_k = 0; _k < _n; ++_k) {
            _dst[_k] = _src[_k];
        }
    }
    *doff += 1;
    *xoff += _n;
#endif
}

static void bbcore_read(double* x, int* d, int* xoff, int* doff, _threadargsproto_) {
#ifdef CORENEURON_BUILD
    int _n = d[*doff];
    int _k;
    void** _pv = (void**) (&(_p_ptr));
    nl_vecstim_times_t* _blk = (nl_vecstim_times_t*) (*_pv);
    if (_blk) { /* a previous read (should not happen): replace it */
        free(_blk->tm);
        free(_blk);
    }
    _blk = (nl_vecstim_times_t*) malloc(sizeof(nl_vecstim_times_t));
    _blk->n = _n;
    _blk->tm = (double*) malloc(sizeof(double) * (_n > 0 ? _n : 1));
    for (_k = 0; _k < _n; ++_k) {
        _blk->tm[_k] = x[*xoff + _k];
    }
    *_pv = (void*) _blk;
    *doff += 1;
    *xoff += _n;
#endif
}
ENDVERBATIM
