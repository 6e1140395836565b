"""bulk_load_chunks stores exactly what it is given, in the session's transaction, on both drivers."""

import random

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.factories import amake
from study_assistant.bulk import NewChunk, bulk_load_chunks
from study_assistant.models import ChunkType, Document, DocumentChunk, Topic


async def _document(session: AsyncSession) -> tuple[Document, Topic]:
    document = await amake(session, Document)  # with its study session and profile
    return document, await amake(session, Topic, session_id=document.session_id)


async def test_bulk_loaded_chunks_read_back_equal(strata_async_session: AsyncSession) -> None:
    document, topic = await _document(strata_async_session)
    rng = random.Random(3)
    embeddings = [[rng.uniform(-1, 1) for _ in range(768)] for _ in range(50)]
    chunks = [
        NewChunk(
            document.id, document.session_id, f"text {n} ✓", ChunkType.PARAGRAPH, related_topic_ids=[topic.id] * (n % 2)
        )
        for n in range(50)
    ]
    ids = await bulk_load_chunks(strata_async_session, chunks, embeddings)

    stored = {c.id: c for c in (await strata_async_session.scalars(select(DocumentChunk))).all()}
    assert set(stored) == set(ids)
    for n, chunk_id in enumerate(ids):
        row = stored[chunk_id]
        assert row.chunk_text == f"text {n} ✓"
        assert row.type is ChunkType.PARAGRAPH
        assert list(row.related_topic_ids) == [topic.id] * (n % 2)
        assert row.parent_chunk_id is None
        assert row.embedding is not None
        assert max(abs(a - b) for a, b in zip(row.embedding, embeddings[n], strict=True)) < 1e-6


async def test_bulk_load_is_undone_by_a_rollback(strata_async_session: AsyncSession) -> None:
    document, _topic = await _document(strata_async_session)
    async with strata_async_session.begin_nested() as savepoint:
        await bulk_load_chunks(strata_async_session, [NewChunk(document.id, document.session_id, "x")])
        assert await strata_async_session.scalar(select(func.count()).select_from(DocumentChunk)) == 1
        await savepoint.rollback()
    assert await strata_async_session.scalar(select(func.count()).select_from(DocumentChunk)) == 0


async def test_mismatched_lengths_are_refused(strata_async_session: AsyncSession) -> None:
    document, _topic = await _document(strata_async_session)
    with pytest.raises(ValueError, match="2 chunks but 1 embeddings"):
        await bulk_load_chunks(
            strata_async_session, [NewChunk(document.id, document.session_id, "x")] * 2, [[0.0] * 768]
        )
