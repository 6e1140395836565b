"""A study session: the documents a learner uploads, the plan and the chats built from them."""

import enum
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import Timestamps, UUIDv7PrimaryKey

from study_assistant.models.base import Base, pg_enum

if TYPE_CHECKING:
    from study_assistant.models.chat import Chat
    from study_assistant.models.document import Document
    from study_assistant.models.profile import Profile
    from study_assistant.models.topic import Topic


class SessionStatus(enum.Enum):
    """The session's life cycle, in order."""

    UPLOADING = "UPLOADING"
    GENERATING_PLAN = "GENERATING_PLAN"
    EDITING_PLAN = "EDITING_PLAN"
    CHUNKING = "CHUNKING"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"


class StudySession(UUIDv7PrimaryKey, Timestamps, Base):
    __tablename__ = "study_sessions"

    profile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[SessionStatus] = mapped_column(
        pg_enum(SessionStatus, "session_status"),
        default=SessionStatus.UPLOADING,
        server_default=SessionStatus.UPLOADING.value,
    )
    draft_plan: Mapped[dict[str, Any] | None]

    profile: Mapped["Profile"] = relationship(back_populates="sessions")
    documents: Mapped[list["Document"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )
    topics: Mapped[list["Topic"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )
    chats: Mapped[list["Chat"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )
