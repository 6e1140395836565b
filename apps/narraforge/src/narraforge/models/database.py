"""The async engine, the session maker and the `get_db` dependency.

`engine` and `async_session_maker` keep the seed's names and are built on
first use: importing this module never connects. Pool size and overflow come
from settings, connections are pinged before use, and SQL is echoed only in
development.
"""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession
from strata import Database

from narraforge.core.config import settings

database = Database(
    lambda: settings.database_url,
    read_urls=lambda: settings.read_database_urls,
    echo=settings.environment == "development",
    pool_size=settings.database_pool_size,
    max_overflow=settings.database_max_overflow,
    pool_pre_ping=True,
)


__getattr__ = database.exports(engine="engine", async_session_maker="sessionmaker")


async def get_db() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, closed afterwards."""
    async for session in database.session():
        yield session


async def get_read_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: a read-only session on a replica (the primary when none is set)."""
    async for session in database.read_session():
        yield session
