"""`bulk_load_chunks`: the fastest way to store many chunks, one binary COPY.

`strata bench load` compares it with ORM `add_all` and SQLAlchemy's
insertmanyvalues; see benchmarks/README.md. It runs in the session's
transaction, so a rollback undoes it like any other write.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from sqlalchemy.ext.asyncio import AsyncSession
from strata.connection import copy
from strata.orm import uuid7

from study_assistant.models import ChunkType

COLUMNS = ("id", "document_id", "session_id", "parent_chunk_id", "chunk_text", "embedding", "type", "related_topic_ids")


@dataclass(frozen=True)
class NewChunk:
    document_id: uuid.UUID
    session_id: uuid.UUID
    chunk_text: str
    type: ChunkType = ChunkType.PARAGRAPH
    parent_chunk_id: uuid.UUID | None = None
    related_topic_ids: Sequence[uuid.UUID] = field(default_factory=tuple)


def encode(chunks: Sequence[NewChunk], embeddings: ArrayLike | None) -> tuple[list[uuid.UUID], bytes]:
    """New ids and the COPY payload; `embeddings[i]` belongs to `chunks[i]` (None: no embeddings)."""
    ids = [uuid7() for _ in chunks]
    vectors: list[bytes | None] = list(copy.vectors(embeddings)) if embeddings is not None else [None] * len(chunks)
    rows = (
        (
            copy.uuid_(ids[n]),
            copy.uuid_(chunk.document_id),
            copy.uuid_(chunk.session_id),
            copy.uuid_(chunk.parent_chunk_id) if chunk.parent_chunk_id else None,
            copy.text(chunk.chunk_text),
            vectors[n],
            copy.text(chunk.type.value),
            copy.uuid_array(chunk.related_topic_ids),
        )
        for n, chunk in enumerate(chunks)
    )
    return ids, copy.payload(rows)


async def bulk_load_chunks(
    session: AsyncSession, chunks: Sequence[NewChunk], embeddings: ArrayLike | None = None
) -> list[uuid.UUID]:
    """Insert `chunks` and their embeddings (768 floats each, lists or numpy) in one COPY; returns their ids."""
    if embeddings is not None and len(np.asarray(embeddings)) != len(chunks):
        raise ValueError(f"{len(chunks)} chunks but {len(np.asarray(embeddings))} embeddings")
    ids, data = encode(chunks, embeddings)
    await copy.copy_binary_async(await session.connection(), "document_chunks", COLUMNS, data)
    return ids
