"""Embeddings shaped like real text embeddings: a harder test for an approximate index than `clustered`.

`clustered` draws tight, equal, round clusters, so any index finds the
neighbours and every setting looks alike. Text embeddings are less kind:

- topics are of very uneven size (a few large, a long tail of small ones),
  so cluster sizes follow a Zipf law;
- some topics are tight and some diffuse, so each cluster has its own spread;
- variance sits in a few directions (anisotropic): each cluster varies mostly
  along a few directions of its own, and the whole space has a decaying
  spectrum, as measured embeddings have;
- questions are not always about one stored topic: part of the queries fall
  between two topics or away from every topic (off-distribution).
"""

from dataclasses import dataclass

import numpy as np

ZIPF_EXPONENT = 1.1  # cluster c holds a share proportional to 1 / (c + 1) ** 1.1
SPREAD_MEDIAN, SPREAD_SIGMA = 0.3, 0.5  # per-cluster spread: log-normal around 0.3
CLUSTER_RANK = 8  # directions along which one cluster mostly varies
ISOTROPIC_SHARE = 0.3  # the rest of a cluster's noise, in every direction
SPECTRUM_EXPONENT = 0.5  # axis i of the whole space is scaled by (i + 1) ** -0.5


@dataclass(frozen=True)
class TextLike:
    """The structure shared by stored rows and queries, so queries come from the same (or a nearby) space."""

    centres: np.ndarray
    weights: np.ndarray
    spreads: np.ndarray
    bases: np.ndarray  # (clusters, CLUSTER_RANK, dim)
    spectrum: np.ndarray

    @classmethod
    def draw(cls, dim: int, clusters: int, rng: np.random.Generator) -> "TextLike":
        weights = 1.0 / np.arange(1, clusters + 1) ** ZIPF_EXPONENT
        return cls(
            centres=rng.normal(size=(clusters, dim)).astype(np.float32),
            weights=weights / weights.sum(),
            spreads=(SPREAD_MEDIAN * np.exp(rng.normal(0.0, SPREAD_SIGMA, clusters))).astype(np.float32),
            bases=(rng.normal(size=(clusters, CLUSTER_RANK, dim)) / np.sqrt(CLUSTER_RANK)).astype(np.float32),
            spectrum=(np.arange(1, dim + 1) ** -SPECTRUM_EXPONENT).astype(np.float32),
        )

    def around(self, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One point per label, near that cluster's centre, before the global spectrum."""
        dim = self.centres.shape[1]
        points = np.empty((len(labels), dim), dtype=np.float32)
        for cluster in np.unique(labels):
            members = np.flatnonzero(labels == cluster)
            low_rank = rng.normal(size=(len(members), CLUSTER_RANK)).astype(np.float32) @ self.bases[cluster]
            isotropic = ISOTROPIC_SHARE * rng.normal(size=(len(members), dim)).astype(np.float32)
            points[members] = self.centres[cluster] + self.spreads[cluster] * (low_rank + isotropic)
        return points

    def finish(self, points: np.ndarray) -> np.ndarray:
        """Apply the decaying spectrum and normalise to unit length (cosine space)."""
        scaled = points * self.spectrum
        unit: np.ndarray = scaled / np.linalg.norm(scaled, axis=1, keepdims=True)
        return unit


def text_like(
    rows: int,
    dim: int,
    *,
    queries: int = 0,
    clusters: int = 1000,
    off_distribution: float = 0.3,
    seed: int = 7,
) -> tuple[np.ndarray, np.ndarray]:
    """`rows` unit vectors and `queries` query vectors of `dim` floats, shaped like text embeddings.

    A share `off_distribution` of the queries is not drawn around one cluster:
    half of those sit between two clusters, half anywhere in the space. The
    same arguments give the same arrays.
    """
    rng = np.random.default_rng(seed)
    shape = TextLike.draw(dim, clusters, rng)
    stored = shape.finish(shape.around(rng.choice(clusters, size=rows, p=shape.weights), rng))
    off = round(queries * off_distribution)
    inside = shape.around(rng.choice(clusters, size=queries - off, p=shape.weights), rng)
    pairs = rng.choice(clusters, size=(off // 2, 2), p=shape.weights)
    between = (shape.around(pairs[:, 0], rng) + shape.around(pairs[:, 1], rng)) / 2
    anywhere = rng.normal(size=(off - off // 2, dim)).astype(np.float32)
    probes = shape.finish(np.concatenate([inside, between, anywhere]))
    return stored, probes
