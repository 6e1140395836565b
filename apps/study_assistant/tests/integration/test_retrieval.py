"""The retrieval queries return the right chunks, and the planner serves them from their indexes."""

import math
import random
import uuid

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession
from strata.checks.explain import Explain
from strata.testing.factories import amake
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


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector]


async def _load(session: AsyncSession) -> tuple[StudySession, list[Topic], list[list[float]]]:
    rng = random.Random(7)
    document = await amake(session, Document)  # with its study session and profile
    study = await session.get_one(StudySession, document.session_id)
    topics = [Topic(session=study, title=f"t{n}", order_index=n) for n in range(TOPICS)]
    session.add_all(topics)
    await session.flush()
    centres = [[rng.gauss(0, 1) for _ in range(768)] for _ in range(20)]
    vectors = [_unit([c + rng.gauss(0, 0.3) for c in centres[n % 20]]) for n in range(CHUNKS)]
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
