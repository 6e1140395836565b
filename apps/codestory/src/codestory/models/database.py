"""Database configuration: the async engine (asyncpg), sessions and their lifecycle.

`init_db()` builds the engine and checks that the database answers, so a
misconfigured service fails at start-up, not on its first request. Calling it
twice returns the same engine; `close_db()` is safe without `init_db()`.
"""

from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from strata import Database

from codestory.config import settings
from codestory.models.base import Base

_database = Database(
    lambda: settings.database_url, read_urls=lambda: settings.read_database_urls, driver="asyncpg", pool_pre_ping=True
)


async def init_db() -> AsyncEngine:
    """Create the engine (once) and check the connection."""
    engine = _database.engine
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return engine


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: a session with expire_on_commit=False, closed after the request."""
    async for session in _database.session():
        yield session


async def get_read_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: a read-only session on a replica (the primary when none is set)."""
    async for session in _database.read_session():
        yield session


async def close_db() -> None:
    """Dispose of the engine and its pooled connections."""
    await _database.dispose()


__all__ = ["Base", "close_db", "get_read_session", "get_session", "init_db"]
