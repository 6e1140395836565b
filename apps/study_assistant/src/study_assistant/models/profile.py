"""A user's profile. Only a password hash is stored, never the password."""

from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import CreatedAt, UUIDv7PrimaryKey

from study_assistant.models.base import Base

if TYPE_CHECKING:
    from study_assistant.models.session import StudySession


class Profile(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "profiles"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))

    sessions: Mapped[list["StudySession"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
