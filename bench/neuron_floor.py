#!/usr/bin/env python3
"""Plain-NEURON floor of the neuroloom benchmark: the tutorial-5 style network, built cheaply.

Runs in the project's own venv (NEURON 9.0.2 + numpy). It builds the same network as
``bench/netpyne_side.py`` with no framework at all, so its timings are a lower bound
for what any spec-driven builder can reach:

* numpy draws positions and connection lists, vectorised over blocks of post cells;
* NEURON objects are made with direct calls: one soma section per cell, ONE shared
  Exp2Syn per (cell, mechanism), one NetStim per cell, one NetCon per connection.

It prints (last line of stdout, and to ``--json``) one JSON object with the NetPyNE
side's keys: ``build_s`` (position drawing -> network ready to run), ``connections``,
``simulate_s`` (finitialize + psolve), ``spikes``, ``rss_build_mb``, ``rss_end_mb``.

Example::

    .venv/bin/python bench/neuron_floor.py --cells 2000 --variant probability --json out.json
"""

import os
import time

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")  # before neuron is imported

import neuron  # noqa: E402
import numpy as np  # noqa: E402
from neuron import h  # noqa: E402

from common import (CONVERGENCE, PROB_LENGTH_CONST, PROP_VELOCITY,  # noqa: E402
                    command_line, peak_rss_mb, population_sizes, record)
from common import SIZE as SIZE_UM  # noqa: E402

SIZE = np.array(SIZE_UM)
# Upper bound on random numbers drawn per block (8 bytes each): keeps numpy temporaries
# around 32 MB whatever N is, while blocks stay large enough to amortise Python overhead.
BLOCK_ELEMS = 1 << 22

CELL_TYPES = {  # diam, L, Ra, gnabar (gkbar 0.036, gl 0.003, el -70 for both)
    "E": (15.0, 14.0, 120.0, 0.13),
    "I": (10.0, 9.0, 110.0, 0.11),
}


def distances(pos, pre, post):
    """Euclidean distance (um) for each (pre, post) pair of gid arrays."""
    return np.sqrt(((pos[pre] - pos[post]) ** 2).sum(axis=1))


def probability_pairs(rng, pos, pre_range, post_range, prob):
    """Yield (pre, post) gid arrays of a probabilistic rule, one block of post cells at a time.

    ``prob``: a constant, or a function of the (block, n_pre) distance matrix. One uniform
    draw per (pre, post) pair; self-connections are dropped."""
    pre_all = np.arange(*pre_range)
    block = max(1, BLOCK_ELEMS // len(pre_all))
    for lo in range(post_range[0], post_range[1], block):
        post = np.arange(lo, min(lo + block, post_range[1]))
        draws = rng.random((len(post), len(pre_all)))
        if callable(prob):  # only distance-dependent rules pay for the distance matrix
            d = np.sqrt(((pos[post][:, None, :] - pos[pre_all][None, :, :]) ** 2).sum(-1))
            hit = draws < prob(d)
        else:
            hit = draws < prob
        hit &= post[:, None] != pre_all[None, :]
        i_post, i_pre = np.nonzero(hit)
        yield pre_all[i_pre], post[i_post]


def distinct_rows(rng, n, k, rows):
    """``rows`` x ``k`` array; each row holds k distinct ints from [0, n), uniformly.

    Floyd's algorithm run on all rows at once: k steps of O(rows * k) each, so the cost
    does not grow with n (unlike shuffling or argpartition of n random keys per row).
    """
    out = np.empty((rows, k), dtype=np.int64)
    for i, j in enumerate(range(n - k, n)):
        t = rng.integers(0, j + 1, size=rows)
        taken = (out[:, :i] == t[:, None]).any(axis=1)
        out[:, i] = np.where(taken, j, t)
    return out


def convergence_pairs(rng, pre_range, post_range, conv):
    """Yield (pre, post) gid arrays: each post cell gets ``conv`` distinct pre cells, not self."""
    pre_lo, pre_hi = pre_range
    n_pre = pre_hi - pre_lo
    block = max(1, BLOCK_ELEMS // max(conv, 1))
    for lo in range(post_range[0], post_range[1], block):
        post = np.arange(lo, min(lo + block, post_range[1]))
        in_pre = (post >= pre_lo) & (post < pre_hi)
        # Posts that are also presynaptic draw from n_pre - 1 slots; shifting values at or
        # above their own index by one skips themselves without any rejection loop.
        for mask, n_avail in ((in_pre, n_pre - 1), (~in_pre, n_pre)):
            if not mask.any():
                continue
            sub = post[mask]
            k = min(conv, n_avail)
            picks = distinct_rows(rng, n_avail, k, len(sub))
            if n_avail < n_pre:
                own = (sub - pre_lo)[:, None]
                picks += picks >= own
            yield (picks + pre_lo).ravel(), np.repeat(sub, k)


def connection_chunks(rng, pos, n_e, n_cells, variant):
    """Yield (pre, post, weight, delay, synMech) chunks for rules 'E->all' and 'I->E'."""
    e_pre, all_post, i_pre, e_post = (0, n_e), (0, n_cells), (n_e, n_cells), (0, n_e)
    ynorm = pos[:, 1] / SIZE[1]
    if variant == "probability":
        e_rule = probability_pairs(rng, pos, e_pre, all_post, 0.1)
        i_rule = probability_pairs(rng, pos, i_pre, e_post,
                                   lambda d: 0.4 * np.exp(-d / PROB_LENGTH_CONST))
    else:
        e_rule = convergence_pairs(rng, e_pre, all_post, CONVERGENCE)
        i_rule = convergence_pairs(rng, i_pre, e_post, CONVERGENCE)
    for pre, post in e_rule:
        yield pre, post, 0.005 * ynorm[post], distances(pos, pre, post) / PROP_VELOCITY, "exc"
    for pre, post in i_rule:
        yield pre, post, np.full(len(pre), 0.001), distances(pos, pre, post) / PROP_VELOCITY, "inh"


def make_cell(pc, gid, cell_type):
    """One soma with hh, its spike detector registered under ``gid``, and its two synapses."""
    diam, length, ra, gnabar = CELL_TYPES[cell_type]
    soma = h.Section(name="soma")
    soma.diam, soma.L, soma.Ra = diam, length, ra
    soma.insert("hh")
    soma.gnabar_hh, soma.gkbar_hh, soma.gl_hh, soma.el_hh = gnabar, 0.036, 0.003, -70.0
    pc.set_gid2node(gid, pc.id())
    detector = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    detector.threshold = 10.0
    pc.cell(gid, detector)
    exc = h.Exp2Syn(soma(0.5))
    exc.tau1, exc.tau2, exc.e = 0.8, 5.3, 0.0
    inh = h.Exp2Syn(soma(0.5))
    inh.tau1, inh.tau2, inh.e = 0.6, 8.5, -75.0
    return soma, exc, inh


def make_background(gid, exc):
    """Noisy 20 Hz NetStim on its own Random123 stream, onto the cell's exc synapse."""
    stim = h.NetStim()
    stim.interval, stim.noise, stim.start, stim.number = 1000.0 / 20.0, 0.3, 0.0, 1e9
    stim.noiseFromRandom123(gid, 0, 1)
    nc = h.NetCon(stim, exc)
    nc.weight[0], nc.delay = 0.01, 5.0
    return stim, nc


def build(n_cells, variant, seed):
    """Draw and instantiate the whole network; return what must stay alive, and counts."""
    rng = np.random.default_rng(seed)
    n_e, _ = population_sizes(n_cells)
    pos = rng.random((n_cells, 3)) * SIZE  # uniform in the box; gids 0..n_e-1 are E

    pc = h.ParallelContext()
    keep = []  # NEURON frees an object with its last reference, so hold every one
    syns = {"exc": [], "inh": []}
    for gid in range(n_cells):
        soma, exc, inh = make_cell(pc, gid, "E" if gid < n_e else "I")
        syns["exc"].append(exc)
        syns["inh"].append(inh)
        keep.append((soma, exc, inh) + make_background(gid, exc))

    n_conns = 0
    for pre, post, weight, delay, mech in connection_chunks(rng, pos, n_e, n_cells, variant):
        targets = syns[mech]
        # .tolist() per chunk: Python floats/ints iterate fast, and only one chunk at a time.
        for p, q, w, d in zip(pre.tolist(), post.tolist(), weight.tolist(), delay.tolist()):
            nc = pc.gid_connect(p, targets[q])
            nc.weight[0] = w
            nc.delay = d
            keep.append(nc)
        n_conns += len(pre)

    tvec, idvec = h.Vector(), h.Vector()
    pc.spike_record(-1, tvec, idvec)
    pc.set_maxstep(10)
    h.dt, h.celsius = 0.025, 6.3
    return pc, (keep, syns, tvec, idvec), n_conns


def run(n_cells, variant, duration, seed):
    """Build and run the network once; return the measurement record."""
    t0 = time.perf_counter()
    pc, alive, n_conns = build(n_cells, variant, seed)
    build_s = time.perf_counter() - t0
    rss_build = peak_rss_mb()

    t0 = time.perf_counter()
    h.finitialize(-65.0)
    pc.psolve(duration)
    spikes = int(alive[2].size())
    simulate_s = time.perf_counter() - t0

    return record("neuron_floor", {"neuron": neuron.__version__, "numpy": np.__version__}, variant, n_cells, duration, seed, build_s,
                  n_conns, simulate_s, spikes, rss_build)


def main(argv=None):
    command_line(run, __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    main()
