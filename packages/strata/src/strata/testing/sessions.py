"""Sessions whose commits are savepoints inside one outer transaction, rolled back at the end.

A test can then commit as the app does and still leave its database as it found it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession


@asynccontextmanager
async def rollback_async_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """An AsyncSession on `engine` whose every write is undone when the block ends."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()
