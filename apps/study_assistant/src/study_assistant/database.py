"""The async engine and session, built on first use, and the FastAPI dependencies (primary, read replica)."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession
from strata import Database

from study_assistant.config import settings

database = Database(lambda: settings.database_url, read_urls=lambda: settings.read_database_urls)


async def get_session() -> AsyncIterator[AsyncSession]:
    async for session in database.session():
        yield session


async def get_read_session() -> AsyncIterator[AsyncSession]:
    """A session on a read replica (the primary when none is set), e.g. for `retrieval.nearest_chunks`."""
    async for session in database.read_session():
        yield session
