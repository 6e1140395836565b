"""Repositories, the stories told about them, and the stories' chapters."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import Timestamps, UUIDv7PrimaryKey

from codestory.models.base import Base

if TYPE_CHECKING:
    from codestory.models.intent import StoryIntent
    from codestory.models.user import User

STORY_STATUSES = ("pending", "generating", "completed", "failed")


class Repository(UUIDv7PrimaryKey, Timestamps, Base):
    """A GitHub repository, with the cached result of analysing it."""

    __tablename__ = "repositories"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    github_url: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    analysis_cache: Mapped[dict[str, Any] | None]

    user: Mapped["User"] = relationship(back_populates="repositories")
    stories: Mapped[list["Story"]] = relationship(
        back_populates="repository", cascade="all, delete-orphan", passive_deletes=True
    )
    intents: Mapped[list["StoryIntent"]] = relationship(
        back_populates="repository", cascade="all, delete-orphan", passive_deletes=True
    )


class Story(UUIDv7PrimaryKey, Timestamps, Base):
    """A generated story. It outlives its intent: the intent is a draft, the story the product."""

    __tablename__ = "stories"
    __table_args__ = (CheckConstraint(f"status IN {STORY_STATUSES!r}", name="status_valid"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    repository_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"), index=True)
    intent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("story_intents.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    style: Mapped[str] = mapped_column(String(50))
    voice_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    completed_at: Mapped[datetime | None]

    user: Mapped["User"] = relationship(back_populates="stories")
    repository: Mapped["Repository"] = relationship(back_populates="stories")
    intent: Mapped["StoryIntent | None"] = relationship(back_populates="story")
    chapters: Mapped[list["StoryChapter"]] = relationship(
        back_populates="story",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StoryChapter.order",
    )


class StoryChapter(UUIDv7PrimaryKey, Timestamps, Base):
    """One chapter: its script, its length and where its audio is."""

    __tablename__ = "story_chapters"

    story_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    order: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    script: Mapped[str] = mapped_column(Text)
    duration_seconds: Mapped[float | None]
    audio_url: Mapped[str | None] = mapped_column(String(2000))

    story: Mapped["Story"] = relationship(back_populates="chapters")
