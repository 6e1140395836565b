"""The retrieval queries return the right chunks, and the planner serves them from their indexes.

Loading the chunks and building their HNSW index is the slow part, and the tests only read:
they are loaded once for the module (in each xdist worker that runs some of its tests), and each
test reads them through each driver in a
session rolled back afterwards. Loading through each driver is `test_bulk_load.py`'s promise.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from sqlalchemy import pool, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from strata.checks.explain import Explain
from strata.connection.factory import async_engine
from strata.connection.urls import DRIVERS, with_driver
from strata.seed import clustered
from strata.testing.factories import amake
from strata.testing.pool import ClonePool
from strata.testing.sessions import rollback_async_session
from study_assistant.bulk import NewChunk, bulk_load_chunks
from study_assistant.models import Document, StudySession, Topic
from study_assistant.retrieval import (
    chunks_for_topic,
    chunks_for_topic_query,
    nearest_chunks,
    nearest_chunks_query,
    use_hnsw_settings,
)

# The planner prefers an exact scan up to about 7,000 rows at the default ef_search (at 6,000 it
# estimates the sort at 3,220 against 3,618 for the HNSW scan, at 7,000 both at 3,680); at 8,000
# it picks the HNSW scan (3,734).
CHUNKS = 8_000
TOPICS = 300
HNSW_INDEX = "ix_document_chunks_embedding_hnsw"


async def _load(session: AsyncSession) -> tuple[StudySession, list[Topic], list[list[float]]]:
    """CHUNKS clustered unit vectors in one study session.

    Loaded by binary COPY with the HNSW index dropped and rebuilt from its own
    definition afterwards (all in one transaction): a bulk build is
    far cheaper than 10,000 single inserts into the graph.
    """
    document = await amake(session, Document)  # with its study session and profile
    study = await session.get_one(StudySession, document.session_id)
    topics = [Topic(session=study, title=f"t{n}", order_index=n) for n in range(TOPICS)]
    session.add_all(topics)
    await session.flush()
    vectors = clustered(CHUNKS, 768, clusters=20, spread=0.3, seed=7, labels=range(CHUNKS))
    chunks = [
        NewChunk(document.id, study.id, f"chunk {n}", related_topic_ids=[topics[n % TOPICS].id]) for n in range(CHUNKS)
    ]
    definition = await session.scalar(text(f"SELECT pg_get_indexdef('{HNSW_INDEX}'::regclass)"))
    await session.execute(text(f"DROP INDEX {HNSW_INDEX}"))
    await bulk_load_chunks(session, chunks, vectors)
    await session.execute(text(str(definition)))
    await session.execute(text("ANALYZE document_chunks"))
    return study, topics, vectors.tolist()


@dataclass(frozen=True)
class Chunks:
    url: URL
    study: StudySession
    topics: list[Topic]
    vectors: list[list[float]]


@pytest_asyncio.fixture(scope="module")
async def chunks(strata_clones: ClonePool) -> AsyncIterator[Chunks]:
    """The chunks, loaded and committed once, in a database of the module's own."""
    url = strata_clones.take()
    engine = async_engine(url, poolclass=pool.NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            study, topics, vectors = await _load(session)
            await session.commit()
        yield Chunks(url, study, topics, vectors)
    finally:
        await engine.dispose()
        strata_clones.give_back(url)


@pytest_asyncio.fixture(scope="module", params=DRIVERS)
async def reader(request: pytest.FixtureRequest, chunks: Chunks) -> AsyncIterator[AsyncEngine]:
    """An engine on the loaded chunks' database, through one driver."""
    engine = async_engine(with_driver(chunks.url, request.param), poolclass=pool.NullPool)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def session(reader: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with rollback_async_session(reader) as session:
        yield session


async def _plan(session: AsyncSession, statement: object) -> str:
    return "\n".join(row[0] for row in await session.execute(Explain(statement)))  # type: ignore[arg-type]


async def test_nearest_chunks_uses_the_hnsw_index_and_finds_the_closest(session: AsyncSession, chunks: Chunks) -> None:
    query = chunks.vectors[123]

    await use_hnsw_settings(session)
    plan = await _plan(session, nearest_chunks_query(chunks.study.id, query))
    assert "Index Scan using ix_document_chunks_embedding_hnsw on document_chunks" in plan

    found = await nearest_chunks(session, chunks.study.id, query, k=5)
    assert found[0][0].chunk_text == "chunk 123"
    assert found[0][1] < 1e-6
    assert [d for _c, d in found] == sorted(d for _c, d in found)


async def test_chunks_for_topic_uses_the_gin_index(session: AsyncSession, chunks: Chunks) -> None:
    topic = chunks.topics[5]
    plan = await _plan(session, chunks_for_topic_query(topic.id))
    assert "Bitmap Index Scan on ix_document_chunks_related_topic_ids_gin" in plan

    found = await chunks_for_topic(session, topic.id)
    assert sorted(c.chunk_text for c in found) == sorted(f"chunk {n}" for n in range(5, CHUNKS, TOPICS))
