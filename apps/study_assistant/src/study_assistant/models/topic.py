"""A topic of the study plan, with its subtopics."""

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import Timestamps, UUIDv7PrimaryKey

from study_assistant.models.base import Base

if TYPE_CHECKING:
    from study_assistant.models.chat import Chat
    from study_assistant.models.session import StudySession


class Topic(UUIDv7PrimaryKey, Timestamps, Base):
    __tablename__ = "topics"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    subtopics: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    order_index: Mapped[int] = mapped_column(Integer)
    is_completed: Mapped[bool] = mapped_column(default=False, server_default="false")

    session: Mapped["StudySession"] = relationship(back_populates="topics")
    chat: Mapped["Chat | None"] = relationship(back_populates="topic", passive_deletes=True)
