"""An uploaded document and its extracted text."""

import enum
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from strata.orm import CreatedAt, UUIDv7PrimaryKey

from study_assistant.models.base import Base, pg_enum

if TYPE_CHECKING:
    from study_assistant.models.chunk import DocumentChunk
    from study_assistant.models.session import StudySession


class ProcessingStatus(enum.Enum):
    """Text extraction and chunking of one document."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class Document(UUIDv7PrimaryKey, CreatedAt, Base):
    __tablename__ = "documents"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_path: Mapped[str] = mapped_column(String(2000))
    file_description: Mapped[str | None] = mapped_column(Text)
    content_text: Mapped[str | None] = mapped_column(Text)
    content_length: Mapped[int | None] = mapped_column(Integer)
    processing_status: Mapped[ProcessingStatus] = mapped_column(
        pg_enum(ProcessingStatus, "processing_status"),
        default=ProcessingStatus.PENDING,
        server_default=ProcessingStatus.PENDING.value,
    )

    session: Mapped["StudySession"] = relationship(back_populates="documents")
    chunks: Mapped[list["DocumentChunk"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
