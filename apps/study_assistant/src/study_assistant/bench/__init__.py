"""Study Assistant's benchmarks for `strata bench`: loading chunks (`load`) and kNN retrieval (`knn`).

This module holds what both share: clustered synthetic embeddings and the rows chunks belong to.
"""

import time
import uuid

import numpy as np
from sqlalchemy.engine import URL
from strata.connect import connect
from strata.orm import uuid7

DIM = 768
HNSW_INDEX = "ix_document_chunks_embedding_hnsw"


def clustered(rows: int, clusters: int, seed: int = 7) -> np.ndarray:
    """Unit vectors around `clusters` Gaussian centres: closer to real embeddings than uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, DIM)).astype(np.float32)
    points = centres[rng.integers(0, clusters, rows)] + rng.normal(scale=0.35, size=(rows, DIM)).astype(np.float32)
    unit: np.ndarray = points / np.linalg.norm(points, axis=1, keepdims=True)
    return unit


def _parents(url: URL) -> tuple[uuid.UUID, uuid.UUID]:
    """A profile, a study session and a document for the chunks to belong to."""
    profile, study, document = uuid7(), uuid7(), uuid7()
    with connect(url) as conn:
        conn.execute(
            "INSERT INTO profiles (id, email, password_hash) VALUES (%s, 'bench@example.org', 'x')", (profile,)
        )
        conn.execute("INSERT INTO study_sessions (id, profile_id, title) VALUES (%s, %s, 'bench')", (study, profile))
        conn.execute(
            "INSERT INTO documents (id, session_id, file_name, file_path) VALUES (%s, %s, 'b', '/b')", (document, study)
        )
        conn.commit()
    return study, document


def _memory_bandwidth() -> float:
    """Bytes per second numpy reads a large array: the ceiling for any exact scan in memory."""
    array = np.ones(64 * 2**20, dtype=np.float32)  # 256 MB
    array.sum()
    started = time.perf_counter()
    for _ in range(5):
        array.sum()
    return 5 * array.nbytes / (time.perf_counter() - started)
