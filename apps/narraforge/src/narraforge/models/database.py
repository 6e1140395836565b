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
