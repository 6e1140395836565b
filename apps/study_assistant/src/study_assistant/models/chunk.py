"""A retrieval chunk: a piece of a document, its embedding, and the topics it serves.

Chunks form a tree (a SECTION holds PARAGRAPHs) so retrieval can match small
chunks and hand the model their larger parent.
"""

import enum
import uuid
from typing import TYPE_CHECKING

from pgvector.sqlalchemy import Vector
from sqlalchemy import ForeignKey, Index, Text, Uuid
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import CreatedAt, UUIDv7PrimaryKey

from study_assistant.models.base import Base, pg_enum

if TYPE_CHECKING:
    from study_assistant.models.document import Document

EMBEDDING_DIMENSIONS = 768
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64


class ChunkType(enum.Enum):
    """SECTION chunks hold PARAGRAPH chunks through `parent_chunk_id`."""

    SECTION = "SECTION"
    PARAGRAPH = "PARAGRAPH"


class DocumentChunk(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "document_chunks"
    __table_args__ = (
        Index(
            "ix_document_chunks_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
        Index("ix_document_chunks_related_topic_ids_gin", "related_topic_ids", postgresql_using="gin"),
    )

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    parent_chunk_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document_chunks.id", ondelete="CASCADE"), index=True
    )
    chunk_text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[list[float] | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    type: Mapped[ChunkType] = mapped_column(pg_enum(ChunkType, "chunk_type"))
    related_topic_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list, server_default="{}")

    document: Mapped["Document"] = relationship(back_populates="chunks")
    parent: Mapped["DocumentChunk | None"] = relationship(remote_side="DocumentChunk.id", back_populates="children")
    children: Mapped[list["DocumentChunk"]] = relationship(back_populates="parent", passive_deletes=True)
