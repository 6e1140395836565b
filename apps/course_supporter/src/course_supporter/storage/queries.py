"""The queries a lesson page and semantic search run, and the writes the content pipeline makes.

Each names its columns instead of loading whole `Concept` rows, so the code
of one release keeps working while the next release's revision adds columns
under it (the expand step of a deploy): `strata bench --only online` runs
them while revision 0003 is applied.

`similar_concepts` orders by cosine distance (`<=>`), the distance the HNSW
index `ix_concepts_embedding_hnsw` (`vector_cosine_ops`) serves; a test
EXPLAINs it to prove the index is used.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from course_supporter.storage.orm import Concept, Lesson

DEFAULT_K = 10


@dataclass(frozen=True)
class ConceptHit:
    id: uuid.UUID
    title: str
    distance: float


def similar_concepts_query(embedding: Sequence[float], k: int = DEFAULT_K) -> Select[uuid.UUID, str, float]:
    distance = Concept.embedding.cosine_distance(embedding).label("distance")
    return select(Concept.id, Concept.title, distance).order_by(distance).limit(k)


async def similar_concepts(session: AsyncSession, embedding: Sequence[float], k: int = DEFAULT_K) -> list[ConceptHit]:
    """The `k` concepts closest to `embedding` by cosine distance, across all courses."""
    rows = await session.execute(similar_concepts_query(embedding, k))
    return [ConceptHit(id_, title, float(distance)) for id_, title, distance in rows]


async def lesson_outline(session: AsyncSession, lesson_id: uuid.UUID) -> tuple[str, list[str]] | None:
    """A lesson's title and its concepts' titles in the order they were extracted; None for an unknown lesson."""
    title = await session.scalar(select(Lesson.title).where(Lesson.id == lesson_id))
    if title is None:
        return None
    concepts = await session.scalars(
        select(Concept.title).where(Concept.lesson_id == lesson_id).order_by(Concept.created_at, Concept.id)
    )
    return title, list(concepts)


async def add_concept(
    session: AsyncSession, lesson_id: uuid.UUID, title: str, definition: str, embedding: Sequence[float]
) -> uuid.UUID:
    """Insert a concept the pipeline extracted; the caller commits."""
    statement = insert(Concept).values(lesson_id=lesson_id, title=title, definition=definition, embedding=embedding)
    new_id: uuid.UUID | None = await session.scalar(statement.returning(Concept.id))
    if new_id is None:
        raise RuntimeError("INSERT … RETURNING gave no row")
    return new_id


async def reembed_concept(session: AsyncSession, concept_id: uuid.UUID, embedding: Sequence[float]) -> None:
    """Store a new embedding for a concept (its definition changed); the caller commits."""
    await session.execute(update(Concept).where(Concept.id == concept_id).values(embedding=embedding))
