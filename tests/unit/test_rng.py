"""rng: keyed, stateless, well-distributed draws."""
import numpy as np

from neuroloom import rng


def test_same_key_and_counters_give_the_same_values_in_any_shape_or_order():
    key = rng.stream_key(1, "conn", "S->M")
    post, pre = np.arange(50), np.arange(80)
    full = rng.uniform(key, post[:, None], pre[None, :])
    assert full.shape == (50, 80)
    perm = np.random.default_rng(0).permutation(50)
    assert np.array_equal(rng.uniform(key, post[perm][:, None], pre[None, :]), full[perm])
    assert rng.uniform(key, 7, 3) == full[7, 3]


def test_keys_are_stable_and_distinct():
    # a fixed value: the key must not depend on the process (Python's str hash is salted)
    assert rng.stream_key(1, "conn", "S->M") == rng.stream_key(1, "conn", "S->M")
    keys = {rng.stream_key(s, p, l) for s in (1, 2) for p in ("conn", "loc") for l in ("a", "b")}
    assert len(keys) == 8
    assert 0 <= rng.stream_id32("stim", "bkg->PYR") < 2 ** 32


def test_uniform_is_uniform_and_uncorrelated():
    u = rng.uniform(rng.stream_key(3, "test"), np.arange(200_000))
    assert 0 <= u.min() and u.max() < 1
    counts, _ = np.histogram(u, bins=20, range=(0, 1))
    expected = len(u) / 20
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 45  # 19 degrees of freedom: p < 0.001 above 43.8
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    other = rng.uniform(rng.stream_key(4, "test"), np.arange(200_000))
    assert abs(np.corrcoef(u, other)[0, 1]) < 0.01


def test_generator_is_keyed():
    a = rng.generator(rng.stream_key(1, "loc", "S")).random(5)
    b = rng.generator(rng.stream_key(1, "loc", "S")).random(5)
    c = rng.generator(rng.stream_key(1, "loc", "M")).random(5)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
