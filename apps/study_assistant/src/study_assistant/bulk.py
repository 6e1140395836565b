"""`bulk_load_chunks`: the fastest way to store many chunks, one binary COPY.

`strata bench load` compares it with ORM `add_all` and SQLAlchemy's
insertmanyvalues; see benchmarks/README.md. It runs in the session's
transaction, so a rollback undoes it like any other write.
"""

import asyncio
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from sqlalchemy.ext.asyncio import AsyncSession
from strata.connection import copy
from strata.orm import uuid7

from study_assistant.models import ChunkType

# Rows per part of the COPY stream (about 6 MB with 768-d embeddings): large enough that a part's
# encoding is not dominated by per-call overhead, small enough that the first part starts the server early.
PART_ROWS = 2_000
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
    """New ids and the whole COPY payload; `embeddings[i]` belongs to `chunks[i]` (None: no embeddings)."""
    ids = [uuid7() for _ in chunks]
    return ids, copy.payload(_fields(chunks, ids, embeddings))


def _fields(
    chunks: Sequence[NewChunk], ids: Sequence[uuid.UUID], embeddings: ArrayLike | None
) -> Iterator[tuple[bytes | None, ...]]:
    vectors: list[bytes | None] = list(copy.vectors(embeddings)) if embeddings is not None else [None] * len(chunks)
    for n, chunk in enumerate(chunks):
        yield (
            copy.uuid_(ids[n]),
            copy.uuid_(chunk.document_id),
            copy.uuid_(chunk.session_id),
            copy.uuid_(chunk.parent_chunk_id) if chunk.parent_chunk_id else None,
            copy.text(chunk.chunk_text),
            vectors[n],
            copy.text(chunk.type.value),
            copy.uuid_array(chunk.related_topic_ids),
        )


async def _parts(
    chunks: Sequence[NewChunk], ids: Sequence[uuid.UUID], embeddings: np.ndarray | None
) -> AsyncIterator[bytes]:
    """The COPY stream in parts of PART_ROWS rows, each encoded in a thread while the one before is being sent.

    Encoding is Python work on the client and storing is work on the server:
    overlapped, the load runs at the server's pace instead of the sum of both.
    """
    loop = asyncio.get_running_loop()

    def part(start: int) -> bytes:
        stop = start + PART_ROWS
        return copy.body(
            _fields(chunks[start:stop], ids[start:stop], None if embeddings is None else embeddings[start:stop])
        )

    yield copy.HEADER
    pending: deque[asyncio.Future[bytes]] = deque()
    for start in range(0, len(chunks), PART_ROWS):
        pending.append(loop.run_in_executor(None, part, start))
        if len(pending) > 1:
            yield await pending.popleft()
    while pending:
        yield await pending.popleft()
    yield copy.TRAILER


async def bulk_load_chunks(
    session: AsyncSession, chunks: Sequence[NewChunk], embeddings: ArrayLike | None = None
) -> list[uuid.UUID]:
    """Insert `chunks` and their embeddings (768 floats each, lists or numpy) in one COPY; returns their ids."""
    matrix = None if embeddings is None else np.asarray(embeddings, dtype=np.float32)
    if matrix is not None and len(matrix) != len(chunks):
        raise ValueError(f"{len(chunks)} chunks but {len(matrix)} embeddings")
    ids = [uuid7() for _ in chunks]
    connection = await session.connection()
    await copy.copy_binary_stream_async(connection, "document_chunks", COLUMNS, _parts(chunks, ids, matrix))
    return ids
