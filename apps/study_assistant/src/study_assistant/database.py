"""The async engine and session, built on first use, and the FastAPI dependency."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession
from strata import Database

from study_assistant.config import settings

database = Database(lambda: settings.database_url)


async def get_session() -> AsyncIterator[AsyncSession]:
    async for session in database.session():
        yield session
