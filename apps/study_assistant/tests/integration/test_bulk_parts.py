"""bulk_load_chunks sends its COPY in parts encoded ahead: rows spanning many parts arrive whole and in order."""

import random

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.factories import amake
from study_assistant import bulk
from study_assistant.bulk import NewChunk, bulk_load_chunks
from study_assistant.models import Document, DocumentChunk


async def test_rows_spanning_many_parts_read_back_equal(
    strata_async_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "PART_ROWS", 7)  # 50 rows: 8 parts, the last one short
    document = await amake(strata_async_session, Document)
    rng = random.Random(5)
    embeddings = [[rng.uniform(-1, 1) for _ in range(768)] for _ in range(50)]
    chunks = [NewChunk(document.id, document.session_id, f"part text {n}") for n in range(50)]

    ids = await bulk_load_chunks(strata_async_session, chunks, embeddings)

    stored = {c.id: c for c in (await strata_async_session.scalars(select(DocumentChunk))).all()}
    assert len(ids) == len(set(ids)) == 50
    assert set(stored) == set(ids)
    for n, chunk_id in enumerate(ids):
        assert stored[chunk_id].chunk_text == f"part text {n}"
        embedding = stored[chunk_id].embedding
        assert embedding is not None
        assert max(abs(a - b) for a, b in zip(embedding, embeddings[n], strict=True)) < 1e-6


async def test_rows_without_embeddings_span_parts_too(
    strata_async_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "PART_ROWS", 3)
    document = await amake(strata_async_session, Document)
    chunks = [NewChunk(document.id, document.session_id, f"bare {n}") for n in range(10)]

    await bulk_load_chunks(strata_async_session, chunks)

    texts = (await strata_async_session.scalars(select(DocumentChunk.chunk_text))).all()
    assert sorted(texts) == sorted(f"bare {n}" for n in range(10))
