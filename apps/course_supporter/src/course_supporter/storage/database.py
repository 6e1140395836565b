"""Async engine and session (psycopg 3), and the FastAPI dependency.

`engine` and `async_session` keep the seed's names but are built on first
use, so importing this module never connects or starts a server.
"""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession
from strata import Database

from course_supporter.config import settings

database = Database(lambda: settings.database_url, echo=settings.is_dev, pool_size=5, max_overflow=10)


__getattr__ = database.exports(engine="engine", async_session="sessionmaker")


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency for a DB session."""
    async for session in database.session():
        yield session
