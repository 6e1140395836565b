"""SQLAlchemy ORM models for all Sprint 1 entities (seed S1-005).

Differences from the seed, on purpose:
- every FK column is indexed: PostgreSQL does not index FKs by itself, and an
  ON DELETE CASCADE without one scans the whole child table per deleted row;
- `status` also has a server default, so rows written by raw SQL get one;
- names of constraints and indexes come from strata's naming convention;
- revision 0003 (the next one a live app needs): the HNSW index kNN search
  uses, the model each embedding came from, and the source a concept was
  extracted from, all added without blocking the app (see the revision).
"""

import uuid
from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from strata.orm import TYPE_ANNOTATION_MAP, CreatedAt, Timestamps, UUIDv7PrimaryKey, new_metadata

SOURCE_TYPES = ("video", "presentation", "text", "web")
EMBEDDING_MODEL = "text-embedding-3-small"
# pgvector's defaults, written out so the index states what it was built with (drift compares them).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
PROCESSING_STATUSES = ("pending", "processing", "done", "error")


class Base(DeclarativeBase):
    """Base class for all ORM models."""

    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


def _course_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)


def _lesson_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)


# ──────────────────────────────────────────────
# Course & Source Materials
# ──────────────────────────────────────────────


class Course(UUIDv7PrimaryKey, Timestamps, Base):
    __tablename__ = "courses"

    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)

    source_materials: Mapped[list["SourceMaterial"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", passive_deletes=True
    )
    slide_video_mappings: Mapped[list["SlideVideoMapping"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", passive_deletes=True
    )
    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", passive_deletes=True
    )


class SourceMaterial(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "source_materials"

    course_id: Mapped[uuid.UUID] = _course_fk()
    source_type: Mapped[str] = mapped_column(Enum(*SOURCE_TYPES, name="source_type_enum"))
    source_url: Mapped[str] = mapped_column(String(2000))
    filename: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(
        Enum(*PROCESSING_STATUSES, name="processing_status_enum"),
        default="pending",
        server_default="pending",
    )
    content_snapshot: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    error_message: Mapped[str | None] = mapped_column(Text)

    course: Mapped["Course"] = relationship(back_populates="source_materials")
    concepts: Mapped[list["Concept"]] = relationship(back_populates="source_material", passive_deletes=True)


class SlideVideoMapping(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "slide_video_mappings"

    course_id: Mapped[uuid.UUID] = _course_fk()
    slide_number: Mapped[int] = mapped_column(Integer)
    video_timecode: Mapped[str] = mapped_column(String(20))

    course: Mapped["Course"] = relationship(back_populates="slide_video_mappings")


# ──────────────────────────────────────────────
# Course Structure
# ──────────────────────────────────────────────


class Module(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "modules"

    course_id: Mapped[uuid.UUID] = _course_fk()
    title: Mapped[str] = mapped_column(String(500))
    order: Mapped[int] = mapped_column(Integer)

    course: Mapped["Course"] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", cascade="all, delete-orphan", passive_deletes=True
    )


class Lesson(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "lessons"

    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    order: Mapped[int] = mapped_column(Integer)
    video_start_timecode: Mapped[str | None] = mapped_column(String(20))
    video_end_timecode: Mapped[str | None] = mapped_column(String(20))
    slide_range: Mapped[dict[str, Any] | None] = mapped_column(
        comment='Slides the lesson covers, e.g. {"from": 3, "to": 9}'
    )

    module: Mapped["Module"] = relationship(back_populates="lessons")
    concepts: Mapped[list["Concept"]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", passive_deletes=True
    )
    exercises: Mapped[list["Exercise"]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", passive_deletes=True
    )


class Concept(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "concepts"
    __table_args__ = (
        Index(
            "ix_concepts_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    lesson_id: Mapped[uuid.UUID] = _lesson_fk()
    source_material_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("source_materials.id", ondelete="SET NULL"),
        index=True,
        comment="The source the concept was extracted from; NULL once that source is deleted",
    )
    title: Mapped[str] = mapped_column(String(500))
    definition: Mapped[str] = mapped_column(Text)
    examples: Mapped[list[Any] | None]
    timecodes: Mapped[list[Any] | None]
    slide_references: Mapped[list[Any] | None]
    web_references: Mapped[list[Any] | None]
    embedding: Mapped[list[float] | None] = mapped_column(
        Vector(1536),
        comment="OpenAI text-embedding-3-small (1536 dimensions); another model needs an ALTER COLUMN migration",
    )
    embedding_model: Mapped[str] = mapped_column(
        String(100),
        server_default=EMBEDDING_MODEL,
        comment="The model that computed `embedding`: vectors of different models are not comparable",
    )

    lesson: Mapped["Lesson"] = relationship(back_populates="concepts")
    source_material: Mapped["SourceMaterial | None"] = relationship(back_populates="concepts")


class Exercise(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "exercises"

    lesson_id: Mapped[uuid.UUID] = _lesson_fk()
    description: Mapped[str] = mapped_column(Text)
    reference_solution: Mapped[str | None] = mapped_column(Text)
    grading_criteria: Mapped[str | None] = mapped_column(Text)
    difficulty_level: Mapped[int | None] = mapped_column(Integer)

    lesson: Mapped["Lesson"] = relationship(back_populates="exercises")


# ──────────────────────────────────────────────
# Observability
# ──────────────────────────────────────────────


class LLMCall(UUIDv7PrimaryKey, CreatedAt, Base):
    """One LLM call. No FK to Course: calls are logged from any context."""

    __tablename__ = "llm_calls"
    __table_args__ = {"comment": "One row per LLM call, from any context; deliberately no FK to courses"}

    task_type: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(50))
    model_id: Mapped[str] = mapped_column(String(100))
    prompt_version: Mapped[str | None] = mapped_column(String(50))
    tokens_in: Mapped[int | None] = mapped_column(Integer)
    tokens_out: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    success: Mapped[bool] = mapped_column(default=True, server_default="true")
    error_message: Mapped[str | None] = mapped_column(Text)
