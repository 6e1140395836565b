"""A chat: one general chat per session, and at most one chat per topic."""

import enum
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import Timestamps, UUIDv7PrimaryKey

from study_assistant.models.base import Base, pg_enum

if TYPE_CHECKING:
    from study_assistant.models.message import Message
    from study_assistant.models.session import StudySession
    from study_assistant.models.topic import Topic


class ChatType(enum.Enum):
    """GENERAL chats cover the whole session; TOPIC chats belong to one topic."""

    GENERAL = "GENERAL"
    TOPIC = "TOPIC"


class Chat(UUIDv7PrimaryKey, Timestamps, Base):
    __tablename__ = "chats"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    type: Mapped[ChatType] = mapped_column(pg_enum(ChatType, "chat_type"))
    # Unique: a topic has at most one chat. The unique index also serves the FK.
    topic_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), unique=True)
    is_started: Mapped[bool] = mapped_column(default=False, server_default="false")

    session: Mapped["StudySession"] = relationship(back_populates="chats")
    topic: Mapped["Topic | None"] = relationship(back_populates="chat")
    messages: Mapped[list["Message"]] = relationship(
        back_populates="chat", cascade="all, delete-orphan", passive_deletes=True
    )
