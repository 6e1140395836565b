"""A two-table app used by strata's own tests: notes, and tags that cascade from them."""

import uuid
from pathlib import Path

from pgvector.sqlalchemy import Vector
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from strata import App
from strata.orm import TYPE_ANNOTATION_MAP, CreatedAt, UUIDv7PrimaryKey, new_metadata

APP = App(name="tiny", root=Path(__file__).resolve().parent, models="tiny_models:Base")


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class Note(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint("char_length(body) > 0", name="body_not_empty"),
        Index(
            "ix_notes_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    body: Mapped[str] = mapped_column(String(200))
    mood: Mapped[str] = mapped_column(Enum("calm", "busy", name="mood"))
    embedding: Mapped[list[float] | None] = mapped_column(Vector(3))

    tags: Mapped[list["Tag"]] = relationship(back_populates="note", cascade="all, delete-orphan", passive_deletes=True)


class Tag(UUIDv7PrimaryKey, Base):
    __tablename__ = "tags"

    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(50))

    note: Mapped["Note"] = relationship(back_populates="tags")
