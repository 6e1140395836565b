"""Async engine and session (psycopg 3), and the FastAPI dependency.

`engine` and `async_session` keep the seed's names but are built on first
use, so importing this module never connects or starts a server.
"""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession
from strata import Database

from course_supporter.config import settings

database = Database(
    lambda: settings.database_url,
    read_urls=lambda: settings.read_database_urls,
    echo=settings.is_dev,
    pool_size=5,
    max_overflow=10,
)


__getattr__ = database.exports(engine="engine", async_session="sessionmaker")


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency for a DB session."""
    async for session in database.session():
        yield session


async def get_read_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency for a read-only session on a replica (the primary when none is set)."""
    async for session in database.read_session():
        yield session
