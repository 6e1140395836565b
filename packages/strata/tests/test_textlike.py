"""Text-like embeddings: reproducible unit vectors, uneven clusters, a decaying spectrum, off-distribution queries."""

import numpy as np
from strata.seed import clustered, text_like
from strata.seed.textlike import TextLike


def test_same_arguments_give_the_same_unit_vectors() -> None:
    first, first_queries = text_like(500, 64, queries=20, clusters=30, seed=3)
    second, second_queries = text_like(500, 64, queries=20, clusters=30, seed=3)
    assert first.shape == (500, 64)
    assert first_queries.shape == (20, 64)
    assert np.array_equal(first, second)
    assert np.array_equal(first_queries, second_queries)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert not np.array_equal(first, text_like(500, 64, clusters=30, seed=4)[0])


def test_cluster_sizes_and_spreads_are_uneven() -> None:
    shape = TextLike.draw(32, 200, np.random.default_rng(1))
    assert shape.weights[0] / shape.weights[-1] > 100  # Zipf: the largest topic dwarfs the smallest
    assert shape.spreads.max() / shape.spreads.min() > 3


def test_variance_decays_across_the_axes() -> None:
    rows, _ = text_like(4000, 128, clusters=50, seed=2)
    variance = rows.var(axis=0)
    assert variance[:8].mean() > 5 * variance[-8:].mean()
    isotropic = clustered(4000, 128, clusters=50, seed=2).var(axis=0)
    assert isotropic[:8].mean() < 2 * isotropic[-8:].mean()


def test_off_distribution_queries_are_farther_from_every_row() -> None:
    rows, queries = text_like(3000, 64, queries=200, clusters=40, off_distribution=0.5, seed=9)
    nearest = (queries @ rows.T).max(axis=1)
    inside, outside = nearest[:100], nearest[100:]
    assert outside.mean() < inside.mean() - 0.05
    _, none_off = text_like(3000, 64, queries=200, clusters=40, off_distribution=0.0, seed=9)
    assert (none_off @ rows.T).max(axis=1).mean() > outside.mean()
