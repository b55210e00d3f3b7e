"""Tests for bpcore.data: seeded generators and minibatches."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpcore import data


@pytest.mark.parametrize("make", [
    lambda s: data.linear(30, seed=s),
    lambda s: data.linear(30, w=[1.0, -2.0, 0.5], seed=s),
    lambda s: data.blobs(30, centers=3, seed=s),
    lambda s: data.moons(30, seed=s),
    lambda s: data.spirals(30, k=3, seed=s),
])
def test_generators_are_seeded(make):
    a, b, c = make(0), make(0), make(1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    assert a[0].dtype == np.float64


def test_linear_model_and_noise():
    x, y = data.linear(2000, w=3.0, b=1.0, noise=0.2, seed=0)
    assert x.shape == y.shape == (2000,)
    assert x.min() >= -1.0 and x.max() <= 1.0
    residual = y - (3.0 * x + 1.0)
    assert abs(residual.mean()) < 0.02 and abs(residual.std() - 0.2) < 0.02
    w_fit, b_fit = np.polyfit(x, y, 1)
    assert abs(w_fit - 3.0) < 0.05 and abs(b_fit - 1.0) < 0.05
    x0, y0 = data.linear(5, w=2.0, b=-0.5, noise=0.0, seed=3)
    np.testing.assert_allclose(y0, 2.0 * x0 - 0.5)


def test_linear_with_vector_weights():
    w = np.array([1.0, -2.0, 0.5])
    X, y = data.linear(50, w=w, b=0.25, noise=0.0, seed=0)
    assert X.shape == (50, 3) and y.shape == (50,)
    np.testing.assert_allclose(y, X @ w + 0.25)


def test_blobs():
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    X, labels = data.blobs(301, centers=centers, std=0.5, seed=0)
    assert X.shape == (301, 2) and labels.shape == (301,)
    assert np.bincount(labels).tolist() == [101, 100, 100]
    for c in range(3):
        np.testing.assert_allclose(X[labels == c].mean(axis=0), centers[c], atol=0.15)
        assert abs((X[labels == c] - centers[c]).std() - 0.5) < 0.07
    # shuffled: the first 30 samples contain every class
    assert set(labels[:30].tolist()) == {0, 1, 2}
    X4, l4 = data.blobs(40, centers=4, seed=1)
    assert l4.max() == 3 and X4.shape == (40, 2)
    X3d, _ = data.blobs(10, centers=np.zeros((2, 3)))
    assert X3d.shape == (10, 3)


def test_moons_geometry():
    X, labels = data.moons(200, noise=0.0, seed=0)
    assert np.bincount(labels).tolist() == [100, 100]
    upper, lower = X[labels == 0], X[labels == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)                      # unit half circle
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12
    noisy, _ = data.moons(200, noise=0.1, seed=0)
    assert 0.05 < np.abs(noisy - X).std() < 0.15


def test_spirals():
    X, labels = data.spirals(300, k=3, noise=0.0, seed=0)
    assert X.shape == (300, 2) and np.bincount(labels).tolist() == [100, 100, 100]
    assert np.hypot(*X.T).max() <= 1.0 + 1e-12
    X2, l2 = data.spirals(301, k=2, noise=0.05, seed=0)
    assert np.bincount(l2).tolist() == [151, 150]


@pytest.mark.parametrize("k, turns", [(3, 1.0), (2, 1.75), (4, 0.5), (3, -1.0)])
def test_spirals_follow_the_documented_angle_formula(k, turns):
    # Arm c: radius t in [0, 1], angle phi = 2 pi (turns * t + c / k); no noise.
    n = 12 * k
    X, labels = data.spirals(n, k=k, noise=0.0, seed=0, turns=turns)
    t = np.hypot(X[:, 0], X[:, 1])
    for c in range(k):
        np.testing.assert_allclose(np.sort(t[labels == c]), np.linspace(0.0, 1.0, 12), atol=1e-15)
    phi = 2 * np.pi * (turns * t + labels / k)
    np.testing.assert_allclose(X, t[:, None] * np.column_stack([np.cos(phi), np.sin(phi)]), atol=1e-14)
    # the outer end of arm c points at angle 2 pi (turns + c / k)
    for c in range(k):
        outer = X[(labels == c) & np.isclose(t, 1.0)][0]
        angle = 2 * np.pi * (turns + c / k)
        np.testing.assert_allclose(outer, [np.cos(angle), np.sin(angle)], atol=1e-14)


def test_spirals_turns_changes_only_the_winding():
    one, l1 = data.spirals(60, k=3, noise=0.0, seed=0, turns=1.0)
    two, l2 = data.spirals(60, k=3, noise=0.0, seed=0, turns=2.0)
    np.testing.assert_array_equal(l1, l2)                                    # same shuffle
    np.testing.assert_allclose(np.hypot(*one.T), np.hypot(*two.T), atol=1e-15)  # same radii
    assert not np.allclose(one, two)


def test_blobs_draws_counted_centres_inside_the_box():
    X, labels = data.blobs(40, centers=4, std=0.0, seed=2, box=(10.0, 12.0))
    centres = np.unique(X, axis=0)                   # std = 0: every point sits on its centre
    assert centres.shape == (4, 2)
    assert np.all((10.0 <= centres) & (centres < 12.0))
    for c in range(4):
        assert len(np.unique(X[labels == c], axis=0)) == 1
    default, _ = data.blobs(40, centers=4, std=0.0, seed=2)
    assert np.all(np.abs(default) <= 5.0) and not np.all(default >= 10.0)
    # with explicit centres the box is not used
    given_centres = np.array([[100.0, 0.0], [0.0, 100.0]])
    X2, l2 = data.blobs(6, centers=given_centres, std=0.0, box=(0.0, 1.0))
    np.testing.assert_array_equal(X2, given_centres[l2])


@pytest.mark.parametrize("call, message", [
    (lambda: data.linear(0), r"^n must be an integer >= 1, got 0$"),
    (lambda: data.linear(5, noise=-1.0), r"^noise must be a number >= 0, got -1\.0$"),
    (lambda: data.linear(5, x_range=(1, 0)), r"^x_range must be \(low, high\) with finite low < high, got \(1, 0\)$"),
    (lambda: data.linear(5, x_range=(0, np.inf)), r"^x_range must be \(low, high\)"),
    (lambda: data.linear(5, w=np.ones((2, 2))), r"^w must be a number or a 1-D array, got shape \(2, 2\)$"),
    (lambda: data.blobs(5, centers=0), r"^centers must be an integer >= 1, got 0$"),
    (lambda: data.blobs(5, std=-1), r"^std must be a number >= 0, got -1\.0$"),
    (lambda: data.blobs(5, centers=np.zeros(3)), r"^centers must be a count or an array of shape \(k, d\), got shape \(3,\)$"),
    (lambda: data.blobs(5, box=(2.0, 2.0)), r"^box must be \(low, high\) with finite low < high, got \(2\.0, 2\.0\)$"),
    (lambda: data.blobs(5, box=5.0), r"^box must be \(low, high\) with finite low < high, got 5\.0$"),
    (lambda: data.moons(1), r"^n must be an integer >= 2, got 1$"),
    (lambda: data.spirals(10, k=0), r"^k must be an integer >= 1, got 0$"),
    (lambda: data.spirals(2.5), r"^n must be an integer, got float 2\.5$"),
    (lambda: data.linear(2**40), r"^n asks for 1099511627776 values; at most"),
    (lambda: data.spirals(10, turns=np.nan), r"^turns must be a finite real number, got nan$"),
])
def test_generator_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: data.blobs(5, box=(0.0, "a")), r"^box must be numeric"),
    (lambda: data.moons(10, noise="a"), r"^noise must be a real number, got str 'a'$"),
    (lambda: data.spirals(10, turns="1"), r"^turns must be a real number, got str '1'$"),
    (lambda: data.linear("5"), r"^n must be an integer, got str '5'$"),
])
def test_arguments_of_the_wrong_type_are_type_errors(call, message):
    """The rule of bpcore._checks: a string where a number belongs is a TypeError."""
    with pytest.raises(TypeError, match=message):
        call()


# ---------------------------------------------------------------------------
# minibatches
# ---------------------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(st.integers(1, 60), st.integers(1, 70), st.booleans(), st.integers(0, 10))
def test_minibatches_cover_every_sample_once(n, batch_size, shuffle, seed):
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    y = np.arange(n)
    batches = list(data.minibatches(X, y, batch_size, shuffle=shuffle, seed=seed))
    assert len(batches) == -(-n // batch_size)
    sizes = [len(yb) for _, yb in batches]
    assert all(s == batch_size for s in sizes[:-1])
    assert sizes[-1] == (n % batch_size or min(batch_size, n))
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    for Xb, yb in batches:                       # rows stay paired with their labels
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)
    if not shuffle:
        assert seen.tolist() == list(range(n))


def test_minibatches_shuffle_is_seeded_and_changes_with_generator():
    X, y = np.zeros((20, 1)), np.arange(20)
    order = lambda **kw: np.concatenate([yb for _, yb in data.minibatches(X, y, 6, **kw)]).tolist()
    assert order(seed=0) == order(seed=0)
    assert order(seed=0) != order(seed=1)
    assert order(seed=0) != list(range(20))
    rng = np.random.default_rng(0)
    first, second = order(seed=rng), order(seed=rng)      # a generator advances: new epoch, new order
    assert first != second


def test_minibatches_copies_and_does_not_modify():
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    Xs, ys = X.copy(), y.copy()
    for Xb, yb in data.minibatches(X, y, 2, shuffle=False):
        Xb[:] = -1
        yb[:] = -1
    np.testing.assert_array_equal(X, Xs)
    np.testing.assert_array_equal(y, ys)


@pytest.mark.parametrize("bs, error", [(0, ValueError), (-1, ValueError), (2.5, ValueError), ("8", TypeError),
                                       (None, TypeError), (True, TypeError)])
def test_minibatches_invalid_batch_size(bs, error):
    with pytest.raises(error, match="batch_size"):
        list(data.minibatches(np.zeros((4, 2)), np.zeros(4), bs))


def test_minibatches_length_mismatch_names_both():
    with pytest.raises(ValueError, match=r"len\(X\) = 4 and len\(y\) = 3"):
        list(data.minibatches(np.zeros((4, 2)), np.zeros(3), 2))
    with pytest.raises(ValueError, match="empty"):
        list(data.minibatches(np.zeros((0, 2)), np.zeros(0), 2))
