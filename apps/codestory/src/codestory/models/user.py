"""Users and their API keys."""

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import Timestamps, UUIDv7PrimaryKey

from codestory.models.base import Base

if TYPE_CHECKING:
    from codestory.models.intent import StoryIntent
    from codestory.models.story import Repository, Story


class User(UUIDv7PrimaryKey, Timestamps, Base):
    """Email-based account with a subscription tier, preferences and a monthly usage quota."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    subscription_tier: Mapped[str] = mapped_column(String(20), default="free", server_default="free")
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    usage_quota: Mapped[int] = mapped_column(Integer, default=10, server_default="10")

    api_keys: Mapped[list["APIKey"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    repositories: Mapped[list["Repository"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    stories: Mapped[list["Story"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    intents: Mapped[list["StoryIntent"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class APIKey(UUIDv7PrimaryKey, Timestamps, Base):
    """An API key, stored only as its SHA-256; `key_prefix` finds it without the secret."""

    __tablename__ = "api_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    rate_limit: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")

    user: Mapped["User"] = relationship(back_populates="api_keys")
