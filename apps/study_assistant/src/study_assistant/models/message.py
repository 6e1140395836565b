"""A chat message. The role is checked by the database, not only by the app."""

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import CreatedAt, UUIDv7PrimaryKey

from study_assistant.models.base import Base

if TYPE_CHECKING:
    from study_assistant.models.chat import Chat

ROLES = ("user", "assistant", "system")


class Message(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "messages"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role_valid"),)

    chat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)

    chat: Mapped["Chat"] = relationship(back_populates="messages")
