"""Embeddings from a clustered distribution, in any dimension.

Uniform noise makes every vector about equally far from every other, so a
kNN query returns arbitrary rows and an index looks better or worse than it
is. Real embeddings cluster by topic; here each row belongs to a cluster
(by default the parent it hangs off, so a lesson's concepts are neighbours)
and is a unit vector near that cluster's centre. `clusters` and `spread`
set how hard the data is for an approximate index.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_SPREAD = 0.35


@dataclass(frozen=True)
class VectorShape:
    """How the vectors of one column are distributed."""

    clusters: int = 50
    spread: float = DEFAULT_SPREAD


def clustered(
    rows: int,
    dim: int,
    *,
    clusters: int = 50,
    spread: float = DEFAULT_SPREAD,
    seed: int | Sequence[int] = 7,
    labels: Sequence[int] | None = None,
) -> np.ndarray:
    """`rows` unit vectors of `dim` floats around `clusters` Gaussian centres.

    `labels[i]` picks row i's cluster (modulo `clusters`); without labels the
    clusters are drawn at random. The same arguments give the same array.
    """
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    chosen = np.asarray(labels, dtype=np.int64) % clusters if labels is not None else rng.integers(0, clusters, rows)
    noise = rng.normal(scale=spread, size=(rows, dim)).astype(np.float32)
    points = centres[chosen] + noise
    unit: np.ndarray = points / np.linalg.norm(points, axis=1, keepdims=True)
    return unit
