"""The retrieval queries return the right chunks, and the planner serves them from their indexes."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from strata.explain import Explain
from strata.seed import clustered
from strata.testing.factories import amake
from study_assistant.bulk import NewChunk, bulk_load_chunks
from study_assistant.models import Document, StudySession, Topic
from study_assistant.retrieval import (
    chunks_for_topic,
    chunks_for_topic_query,
    nearest_chunks,
    nearest_chunks_query,
    use_hnsw_settings,
)

CHUNKS = 10_000  # the planner prefers an exact scan below a few thousand rows at the default ef_search
TOPICS = 300
HNSW_INDEX = "ix_document_chunks_embedding_hnsw"


async def _load(session: AsyncSession) -> tuple[StudySession, list[Topic], list[list[float]]]:
    """CHUNKS clustered unit vectors in one study session.

    Loaded by binary COPY with the HNSW index dropped and rebuilt from its own
    definition afterwards (all inside the test's transaction): a bulk build is
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


async def _plan(session: AsyncSession, statement: object) -> str:
    return "\n".join(row[0] for row in await session.execute(Explain(statement)))  # type: ignore[arg-type]


async def test_nearest_chunks_uses_the_hnsw_index_and_finds_the_closest(
    strata_async_session: AsyncSession,
) -> None:
    study, _topics, vectors = await _load(strata_async_session)
    query = vectors[123]

    await use_hnsw_settings(strata_async_session)
    plan = await _plan(strata_async_session, nearest_chunks_query(study.id, query))
    assert "Index Scan using ix_document_chunks_embedding_hnsw on document_chunks" in plan

    found = await nearest_chunks(strata_async_session, study.id, query, k=5)
    assert found[0][0].chunk_text == "chunk 123"
    assert found[0][1] < 1e-6
    assert [d for _c, d in found] == sorted(d for _c, d in found)


async def test_chunks_for_topic_uses_the_gin_index(strata_async_session: AsyncSession) -> None:
    _study, topics, _vectors = await _load(strata_async_session)
    plan = await _plan(strata_async_session, chunks_for_topic_query(topics[5].id))
    assert "Bitmap Index Scan on ix_document_chunks_related_topic_ids_gin" in plan

    found = await chunks_for_topic(strata_async_session, topics[5].id)
    assert sorted(c.chunk_text for c in found) == sorted(f"chunk {n}" for n in range(5, CHUNKS, TOPICS))
