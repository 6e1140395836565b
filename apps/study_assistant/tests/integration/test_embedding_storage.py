"""Revision 0002 keeps embeddings in the heap page (STORAGE PLAIN), and a row with long text still fits."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.factories import amake
from study_assistant.bulk import NewChunk, bulk_load_chunks
from study_assistant.models import Document


async def test_embedding_column_is_stored_plain(strata_async_session: AsyncSession) -> None:
    storage = await strata_async_session.scalar(
        text(
            "SELECT attstorage::text FROM pg_attribute "
            "WHERE attrelid = 'document_chunks'::regclass AND attname = 'embedding'"
        )
    )
    assert storage == "p"


async def test_a_stored_embedding_is_in_the_heap_and_long_text_still_fits(strata_async_session: AsyncSession) -> None:
    document = await amake(strata_async_session, Document)
    long_text = "word " * 4000  # 20 kB: over a page by itself, so the text must go to TOAST instead of the vector
    [chunk_id] = await bulk_load_chunks(
        strata_async_session, [NewChunk(document.id, document.session_id, long_text)], [[0.5] * 768]
    )
    # pg_column_size of an inline vector is its full 3,080 bytes; a TOAST pointer would be 18.
    sizes = (
        await strata_async_session.execute(
            text(
                "SELECT pg_column_size(embedding), pg_column_size(chunk_text), length(chunk_text) "
                "FROM document_chunks WHERE id = :id"
            ),
            {"id": chunk_id},
        )
    ).one()
    assert sizes[0] == 8 + 768 * 4  # varlena header, dim, unused, the floats
    assert sizes[1] < sizes[2]  # the text was compressed or moved out of line to make room
