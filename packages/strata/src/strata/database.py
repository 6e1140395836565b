"""Engines and sessions for an app, created on first use, never at import time.

One URL gives both a sync and an async engine; psycopg 3 is the default
driver and asyncpg is supported. Sessions come from an
`async_sessionmaker(expire_on_commit=False)`, so objects stay readable after
commit in request handlers.
"""

from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from strata.engines import async_engine
from strata.urls import Driver


class Database:
    """An app's async engine and session factory, built lazily from a URL source.

    `url` is a callable so that resolving it (which may start the embedded
    server) happens on first use. `dispose()` is safe to call at any time, and
    the engine is rebuilt on the next use.
    """

    def __init__(self, url: Callable[[], str | URL], *, driver: Driver | None = None, **engine_options: Any):
        self._url = url
        self._driver = driver
        self._options = engine_options
        self._engine: AsyncEngine | None = None
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            from sqlalchemy.engine import make_url

            url = make_url(self._url())
            self._engine = async_engine(url, driver=self._driver, purpose="runtime", **self._options)
        return self._engine

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        if self._sessionmaker is None:
            self._sessionmaker = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        return self._sessionmaker

    async def session(self) -> AsyncIterator[AsyncSession]:
        """A FastAPI dependency: one session per request, closed afterwards."""
        async with self.sessionmaker() as session:
            yield session

    def exports(self, **names: str) -> Callable[[str], Any]:
        """A module `__getattr__` serving this database's lazy attributes under the names a seed uses.

        __getattr__ = database.exports(engine="engine", async_session="sessionmaker")
        """

        def module_getattr(name: str) -> Any:
            if name in names:
                return getattr(self, names[name])
            raise AttributeError(f"no attribute {name!r}")

        return module_getattr

    async def dispose(self) -> None:
        engine, self._engine, self._sessionmaker = self._engine, None, None
        if engine is not None:
            await engine.dispose()
