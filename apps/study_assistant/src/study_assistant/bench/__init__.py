"""Study Assistant's benchmarks for `strata bench`: loading chunks (`load`) and kNN retrieval (`knn`).

This module holds what both share: the rows chunks belong to. Embeddings come from `strata.seed.clustered`.
"""

import time
import uuid

import numpy as np
from sqlalchemy import pool
from sqlalchemy.engine import URL
from strata.connection.factory import sync_engine
from strata.seed import Generator, RowInserter, reflect

DIM = 768
HNSW_INDEX = "ix_document_chunks_embedding_hnsw"


def _parents(url: URL) -> tuple[uuid.UUID, uuid.UUID]:
    """A profile, a study session and a document for the chunks to belong to, from the seed generator."""
    return _sessions(url, 1)[0]


def _sessions(url: URL, count: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """`count` study sessions of one profile, each with a document: (session id, document id) pairs."""
    engine = sync_engine(url, poolclass=pool.NullPool)
    pairs = []
    try:
        with engine.begin() as connection:
            tables = reflect(connection).tables
            rows = RowInserter(connection, Generator(tables.values(), seed=7))
            profile = rows.insert(tables["profiles"])
            for _ in range(count):
                study = rows.insert(tables["study_sessions"], {"profile_id": profile["id"]})
                document = rows.insert(tables["documents"], {"session_id": study["id"]})
                pairs.append((study["id"], document["id"]))
    finally:
        engine.dispose()
    return pairs


def _memory_bandwidth() -> float:
    """Bytes per second numpy reads a large array: the ceiling for any exact scan in memory."""
    array = np.ones(64 * 2**20, dtype=np.float32)  # 256 MB
    array.sum()
    started = time.perf_counter()
    for _ in range(5):
        array.sum()
    return 5 * array.nbytes / (time.perf_counter() - started)
