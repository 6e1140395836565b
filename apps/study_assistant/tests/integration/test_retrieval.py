"""The retrieval queries return the right chunks, and the planner serves them from their indexes.

Loading 3000 chunks into an HNSW index is the slow part, and the tests only read:
each driver loads them once for the module and each test reads them in a session
rolled back afterwards.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import numpy as np
import pytest
import pytest_asyncio
from sqlalchemy import insert, pool, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from strata.checks.explain import Explain
from strata.connection.factory import async_engine
from strata.connection.urls import DRIVERS, with_driver
from strata.testing.factories import amake
from strata.testing.pool import ClonePool
from strata.testing.sessions import rollback_async_session
from study_assistant.models import ChunkType, Document, DocumentChunk, StudySession, Topic
from study_assistant.retrieval import (
    chunks_for_topic,
    chunks_for_topic_query,
    nearest_chunks,
    nearest_chunks_query,
    use_hnsw_settings,
)

CHUNKS = 3000
TOPICS = 300


def _clustered_unit_vectors() -> list[list[float]]:
    """20 clusters of unit vectors: the kind of data an HNSW index is for."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(20, 768))
    raw = centres[np.arange(CHUNKS) % 20] + rng.normal(scale=0.3, size=(CHUNKS, 768))
    unit: list[list[float]] = (raw / np.linalg.norm(raw, axis=1, keepdims=True)).tolist()
    return unit


async def _load(session: AsyncSession) -> tuple[StudySession, list[Topic], list[list[float]]]:
    document = await amake(session, Document)  # with its study session and profile
    study = await session.get_one(StudySession, document.session_id)
    topics = [Topic(session=study, title=f"t{n}", order_index=n) for n in range(TOPICS)]
    session.add_all(topics)
    await session.flush()
    vectors = _clustered_unit_vectors()
    rows = [
        {
            "id": uuid.uuid4(),
            "document_id": document.id,
            "session_id": study.id,
            "chunk_text": f"chunk {n}",
            "embedding": vectors[n],
            "type": ChunkType.PARAGRAPH,
            "related_topic_ids": [topics[n % TOPICS].id],
        }
        for n in range(CHUNKS)
    ]
    await session.execute(insert(DocumentChunk), rows)
    await session.execute(text("ANALYZE document_chunks"))
    return study, topics, vectors


@dataclass(frozen=True)
class Loaded:
    engine: AsyncEngine
    study: StudySession
    topics: list[Topic]
    vectors: list[list[float]]


@pytest_asyncio.fixture(scope="module", params=DRIVERS)
async def loaded(request: pytest.FixtureRequest, strata_clones: ClonePool) -> AsyncIterator[Loaded]:
    """The chunks, loaded and committed once per driver through that driver, in a database of the module's own."""
    url = strata_clones.take()
    engine = async_engine(with_driver(url, request.param), poolclass=pool.NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            study, topics, vectors = await _load(session)
            await session.commit()
        yield Loaded(engine, study, topics, vectors)
    finally:
        await engine.dispose()
        strata_clones.give_back(url)


@pytest_asyncio.fixture
async def session(loaded: Loaded) -> AsyncIterator[AsyncSession]:
    async with rollback_async_session(loaded.engine) as session:
        yield session


async def _plan(session: AsyncSession, statement: object) -> str:
    return "\n".join(row[0] for row in await session.execute(Explain(statement)))  # type: ignore[arg-type]


async def test_nearest_chunks_uses_the_hnsw_index_and_finds_the_closest(session: AsyncSession, loaded: Loaded) -> None:
    query = loaded.vectors[123]

    await use_hnsw_settings(session)
    plan = await _plan(session, nearest_chunks_query(loaded.study.id, query))
    assert "Index Scan using ix_document_chunks_embedding_hnsw on document_chunks" in plan

    found = await nearest_chunks(session, loaded.study.id, query, k=5)
    assert found[0][0].chunk_text == "chunk 123"
    assert found[0][1] < 1e-6
    assert [d for _c, d in found] == sorted(d for _c, d in found)


async def test_chunks_for_topic_uses_the_gin_index(session: AsyncSession, loaded: Loaded) -> None:
    topic = loaded.topics[5]
    plan = await _plan(session, chunks_for_topic_query(topic.id))
    assert "Bitmap Index Scan on ix_document_chunks_related_topic_ids_gin" in plan

    found = await chunks_for_topic(session, topic.id)
    assert sorted(c.chunk_text for c in found) == sorted(f"chunk {n}" for n in range(5, CHUNKS, TOPICS))
