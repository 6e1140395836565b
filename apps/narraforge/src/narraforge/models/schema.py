"""The seven NarraForge tables, column for column as seed 004 lists them.

Choices the seed leaves open: JSON is stored as JSONB, timestamps are
timezone-aware, and the database enforces what the seed only describes:
job type and status, QA scores in 0.0 to 1.0, and SHA-256 checksums as 64
lowercase hex characters.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from strata.orm import TYPE_ANNOTATION_MAP, CreatedAt, Timestamps, UUIDv7PrimaryKey, new_metadata

JOB_TYPES = ("short_story", "novella", "novel", "saga")
JOB_STATUSES = ("queued", "running", "completed", "failed")
SHA256_HEX = "checksum ~ '^[0-9a-f]{64}$'"


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN {values!r}"


def _score(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} >= 0.0 AND {column} <= 1.0", name=f"{column}_range")


def _job_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)


def _world_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("worlds.id", ondelete="CASCADE"), index=True)


class Job(UUIDv7PrimaryKey, Timestamps, Base):
    """A production job."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("type", JOB_TYPES), name="type_valid"),
        CheckConstraint(_in("status", JOB_STATUSES), name="status_valid"),
        Index("ix_jobs_created_at", "created_at"),
    )

    type: Mapped[str] = mapped_column(String(50))
    genre: Mapped[str] = mapped_column(String(100))
    inspiration: Mapped[str | None] = mapped_column(Text)
    constraints: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    status: Mapped[str] = mapped_column(String(50), default="queued", server_default="queued", index=True)
    completed_at: Mapped[datetime | None]

    artifacts: Mapped[list["Artifact"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", passive_deletes=True
    )
    qa_reports: Mapped[list["QAReport"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", passive_deletes=True
    )
    cost_snapshots: Mapped[list["CostSnapshot"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", passive_deletes=True
    )


class Artifact(UUIDv7PrimaryKey, CreatedAt, Base):
    """Every production artifact, versioned and checksummed."""

    __tablename__ = "artifacts"
    __table_args__ = (CheckConstraint(SHA256_HEX, name="checksum_sha256"),)

    job_id: Mapped[uuid.UUID] = _job_fk()
    type: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    data: Mapped[dict[str, Any]]
    checksum: Mapped[str] = mapped_column(String(64))

    job: Mapped["Job"] = relationship(back_populates="artifacts")


class World(UUIDv7PrimaryKey, Timestamps, Base):
    """An IP-level world specification; its name is unique."""

    __tablename__ = "worlds"
    __table_args__ = (CheckConstraint(SHA256_HEX, name="checksum_sha256"),)

    name: Mapped[str] = mapped_column(String(200), unique=True)
    rules: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    geography: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    history: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    themes: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    checksum: Mapped[str] = mapped_column(String(64))

    characters: Mapped[list["Character"]] = relationship(
        back_populates="world", cascade="all, delete-orphan", passive_deletes=True
    )
    timelines: Mapped[list["Timeline"]] = relationship(
        back_populates="world", cascade="all, delete-orphan", passive_deletes=True
    )


class Character(UUIDv7PrimaryKey, Timestamps, Base):
    """A character's trajectory through a world."""

    __tablename__ = "characters"

    world_id: Mapped[uuid.UUID] = _world_fk()
    name: Mapped[str] = mapped_column(String(200))
    trajectory: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    relationships: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    constraints: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    world: Mapped["World"] = relationship(back_populates="characters")


class Timeline(UUIDv7PrimaryKey, Timestamps, Base):
    """A world's timeline of events."""

    __tablename__ = "timelines"

    world_id: Mapped[uuid.UUID] = _world_fk()
    nodes: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")

    world: Mapped["World"] = relationship(back_populates="timelines")


class QAReport(UUIDv7PrimaryKey, CreatedAt, Base):
    """A quality-gate report; each score lies in 0.0 to 1.0."""

    __tablename__ = "qa_reports"
    __table_args__ = (_score("logic_score"), _score("psychology_score"), _score("timeline_score"))

    job_id: Mapped[uuid.UUID] = _job_fk()
    logic_score: Mapped[float] = mapped_column(Float)
    psychology_score: Mapped[float] = mapped_column(Float)
    timeline_score: Mapped[float] = mapped_column(Float)
    critical_errors: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    warnings: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    passed: Mapped[bool] = mapped_column(Boolean)

    job: Mapped["Job"] = relationship(back_populates="qa_reports")


class CostSnapshot(UUIDv7PrimaryKey, CreatedAt, Base):
    """Tokens and cost of one pipeline stage."""

    __tablename__ = "cost_snapshots"

    job_id: Mapped[uuid.UUID] = _job_fk()
    stage: Mapped[str] = mapped_column(String(100))
    tokens_used: Mapped[int] = mapped_column(Integer)
    cost_usd: Mapped[float] = mapped_column(Float)
    model: Mapped[str] = mapped_column(String(50))

    job: Mapped["Job"] = relationship(back_populates="cost_snapshots")
