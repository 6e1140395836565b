"""Engines and sessions for an app, created on first use, never at import time.

One URL gives both a sync and an async engine; psycopg 3 is the default
driver and asyncpg is supported. Sessions come from an
`async_sessionmaker(expire_on_commit=False)`, so objects stay readable after
commit in request handlers.

Read sessions go to the replicas `read_urls` names, one replica after the other
(round robin per `Database`, each replica with its own pool), or to the primary
when there are none. They are read-only either way (`BEGIN READ ONLY`, no extra
round trip), so a write in a read session fails in development as it would on
a replica.
"""

import itertools
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from strata.connection.factory import Purpose, async_engine
from strata.connection.urls import Driver, parse
from strata.errors import StrataError


class Database:
    """An app's async engine and session factory, built lazily from a URL source.

    `url` is usually a callable, so that resolving it (which may start the
    embedded server) happens on first use. A URL given directly, as
    `create_async_engine` takes one, is accepted too and checked at once: a typo
    fails where the `Database` is made, in one line, not at the first query.
    Either way no engine exists until first use. `dispose()` is safe to call at
    any time, and the engine is rebuilt on the next use.
    """

    def __init__(
        self,
        url: str | URL | Callable[[], str | URL],
        *,
        read_urls: Callable[[], Sequence[str | URL]] | None = None,
        driver: Driver | None = None,
        **engine_options: Any,
    ):
        self._url = _url_source(url)
        self._read_urls = read_urls
        self._driver = driver
        self._options = engine_options
        self._engine: AsyncEngine | None = None
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._read_engines: list[AsyncEngine] | None = None
        self._read_sessionmakers: Iterator[async_sessionmaker[AsyncSession]] | None = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = self._make_engine(self._url(), "runtime")
        return self._engine

    def _make_engine(self, url: str | URL, purpose: Purpose) -> AsyncEngine:
        """The one place this class makes engines, for the primary and for each replica."""
        from sqlalchemy.engine import make_url

        return async_engine(make_url(url), driver=self._driver, purpose=purpose, **self._options)

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        if self._sessionmaker is None:
            self._sessionmaker = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        return self._sessionmaker

    async def session(self) -> AsyncIterator[AsyncSession]:
        """A FastAPI dependency: one session per request, closed afterwards."""
        async with self.sessionmaker() as session:
            yield session

    @property
    def read_engines(self) -> list[AsyncEngine]:
        """One engine per replica, made on first use; empty when reads go to the primary."""
        if self._read_engines is None:
            urls = self._read_urls() if self._read_urls else []
            self._read_engines = [self._make_engine(url, "read") for url in urls]
        return self._read_engines

    def read_sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        """The session factory for the next read: the replicas in turn, or the primary."""
        if self._read_sessionmakers is None:
            engines = self.read_engines or [self.engine]
            read_only = [engine.execution_options(postgresql_readonly=True) for engine in engines]
            makers = [async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False) for engine in read_only]
            self._read_sessionmakers = itertools.cycle(makers)
        return next(self._read_sessionmakers)

    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A FastAPI dependency for queries that may read slightly stale data: a replica's session."""
        async with self.read_sessionmaker()() as session:
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
        read_engines, self._read_engines, self._read_sessionmakers = self._read_engines or [], None, None
        for disposable in [*read_engines, *([engine] if engine else [])]:
            await disposable.dispose()


def _url_source(url: object) -> Callable[[], str | URL]:
    """The URL as a callable: a given URL is checked now, a callable is resolved on first use."""
    if isinstance(url, URL):
        return lambda: url
    if isinstance(url, str):
        parse(url, driver="psycopg", source="Database(url)")  # one line naming the problem, raised here
        return lambda: url
    if callable(url):
        return url
    raise StrataError(
        f"Database() takes a database URL (a str or sqlalchemy URL) or a callable returning one, "
        f"not {type(url).__name__}; e.g. Database(lambda: settings.database_url)"
    )
