"""The queries the schema exists for: nearest chunks to a question, and chunks of a topic.

`nearest_chunks` is served by the HNSW index on `document_chunks.embedding`
(cosine, `vector_cosine_ops`); `chunks_for_topic` by the GIN index on
`related_topic_ids`. Tests EXPLAIN both to prove it.

DEFAULT_EF_SEARCH: the HNSW candidate list size per query, and
DEFAULT_ITERATIVE_SCAN, measured by `strata bench --only filtered` on 100,000
768-d chunks, with the study session holding 50%, 10%, 1% or 0.1% of them,
on clustered and on text-like embeddings (benchmarks/README.md, "Filtered
kNN"). The planner serves sessions of 1% and less from the session B-tree
(an exact scan: recall 1.0, k rows) and larger ones from HNSW, where only the
candidates of the session pass the filter:

    ef_search   recall@10 at 50% / 10%, clustered   text-like
    100         0.973 / 0.976                       0.951 / 0.942  (misses 0.95)
    200         0.974 / 0.978                       0.968 / 0.963  (chosen)
    400         0.994 / 0.997                       0.968 / 0.968  (1.2-1.8x the latency)

Strict iterative scans (pgvector 0.8) keep every answer at k rows and in
order; relaxed ones only pay off below 1%, where the planner does not use
HNSW. Without iterative scans a 10% session gets as few as 4 rows. Raise
ef_search for recall, lower it for latency; the target is >= 0.95.

Both are reads that may lag the primary by a moment, so they belong on a read
replica: pass them the session of `study_assistant.database.get_read_session`.
The settings are transaction-local (`set_config(..., true)`), which works in
a replica's read-only transaction and never leaks to another client's
connection behind a pooler. Chunks written a moment ago may not be on the
replica yet; a request that must see its own writes uses `get_session`.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from study_assistant.models import DocumentChunk

DEFAULT_EF_SEARCH = 200
DEFAULT_ITERATIVE_SCAN = "strict_order"
DEFAULT_K = 10


def nearest_chunks_query(
    study_session_id: uuid.UUID, embedding: Sequence[float], k: int = DEFAULT_K
) -> Select[DocumentChunk, float]:
    distance = DocumentChunk.embedding.cosine_distance(embedding).label("distance")
    return (
        select(DocumentChunk, distance).where(DocumentChunk.session_id == study_session_id).order_by(distance).limit(k)
    )


async def use_hnsw_settings(session: AsyncSession, ef_search: int = DEFAULT_EF_SEARCH) -> None:
    """Set ef_search and strict iterative scans for the session's current transaction only.

    `set_config(..., true)` is `SET LOCAL`: behind a transaction pooler a plain
    SET would stay on the server connection and reach another client.
    """
    for name, value in hnsw_settings(ef_search).items():
        await session.execute(select(func.set_config(name, value, True)))


def hnsw_settings(ef_search: int = DEFAULT_EF_SEARCH, iterative_scan: str = DEFAULT_ITERATIVE_SCAN) -> dict[str, str]:
    """The pgvector settings `nearest_chunks` runs with (the benchmark measures the same ones)."""
    return {"hnsw.ef_search": str(ef_search), "hnsw.iterative_scan": iterative_scan}


async def nearest_chunks(
    session: AsyncSession,
    study_session_id: uuid.UUID,
    embedding: Sequence[float],
    *,
    k: int = DEFAULT_K,
    ef_search: int = DEFAULT_EF_SEARCH,
) -> list[tuple[DocumentChunk, float]]:
    """The `k` chunks of a study session closest to `embedding` by cosine distance."""
    await use_hnsw_settings(session, ef_search)
    rows = await session.execute(nearest_chunks_query(study_session_id, embedding, k))
    return [(chunk, float(distance)) for chunk, distance in rows]


def chunks_for_topic_query(topic_id: uuid.UUID) -> Select[DocumentChunk]:
    return select(DocumentChunk).where(DocumentChunk.related_topic_ids.contains([topic_id]))


async def chunks_for_topic(session: AsyncSession, topic_id: uuid.UUID) -> list[DocumentChunk]:
    """Chunks tagged with `topic_id` in `related_topic_ids`."""
    return list((await session.scalars(chunks_for_topic_query(topic_id))).all())
