"""What a user wants to learn from a repository, captured in conversation."""

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import Timestamps, UUIDv7PrimaryKey

from codestory.models.base import Base

if TYPE_CHECKING:
    from codestory.models.story import Repository, Story
    from codestory.models.user import User


class StoryIntent(UUIDv7PrimaryKey, Timestamps, Base):
    __tablename__ = "story_intents"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    repository_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repositories.id", ondelete="CASCADE"), index=True)
    intent_category: Mapped[str] = mapped_column(String(50))
    goal: Mapped[str | None] = mapped_column(Text)
    expertise_level: Mapped[str] = mapped_column(String(20), default="intermediate")
    focus_areas: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    conversation_history: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    status: Mapped[str] = mapped_column(String(20), default="gathering", server_default="gathering")

    user: Mapped["User"] = relationship(back_populates="intents")
    repository: Mapped["Repository"] = relationship(back_populates="intents")
    story: Mapped["Story | None"] = relationship(back_populates="intent", passive_deletes=True)
