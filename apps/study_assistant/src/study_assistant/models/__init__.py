"""Every Study Assistant model, imported here so Alembic's autogenerate sees them all."""

from study_assistant.models.base import Base
from study_assistant.models.chat import Chat, ChatType
from study_assistant.models.chunk import EMBEDDING_DIMENSIONS, ChunkType, DocumentChunk
from study_assistant.models.document import Document, ProcessingStatus
from study_assistant.models.message import ROLES, Message
from study_assistant.models.profile import Profile
from study_assistant.models.session import SessionStatus, StudySession
from study_assistant.models.topic import Topic

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "ROLES",
    "Base",
    "Chat",
    "ChatType",
    "ChunkType",
    "Document",
    "DocumentChunk",
    "Message",
    "ProcessingStatus",
    "Profile",
    "SessionStatus",
    "StudySession",
    "Topic",
]
