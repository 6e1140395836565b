"""pytest fixtures for strata apps.

An app's `conftest.py` says which app its tests use:

    @pytest.fixture(scope="session")
    def strata_app() -> App:
        return APP

Then:
- `strata_fresh_url`: a database cloned from the migrated template, dropped after the test;
- `strata_empty_url`: an empty database, for tests that run migrations themselves;
- `strata_clones`: the pool those clones come from, for a database a module's tests share;
- `strata_idle_pools`: the pools write nothing during the test (for tests that read WAL positions);
- `strata_engine` / `strata_async_engine`: engines on such a database;
- `strata_session` / `strata_async_session`: a session in an outer transaction
  with savepoints, rolled back after the test, on a database shared by the
  worker's tests;
- `strata_driver`: parametrises a test over psycopg 3 and asyncpg;
- `strata_replica` / `strata_read_url` / `strata_replica_env`: a real streaming
  replica of the session's server, the test's fresh database on it, and the app's
  URL variables pointed at both (`strata.testing.replica`).
Async fixtures and `strata_driver` make a test run once per driver.
"""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Engine, pool
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from strata.apps import App
from strata.connection.factory import async_engine, sync_engine
from strata.connection.urls import DRIVERS, Driver, with_driver
from strata.server import dev_server, memory
from strata.testing import templates
from strata.testing.fixtures import strata_pgbouncer, strata_pgbouncer_tls  # noqa: F401 - fixtures for every app
from strata.testing.pool import ClonePool
from strata.testing.replica import strata_read_url, strata_replica, strata_replica_env  # noqa: F401 - fixtures
from strata.testing.server import environment, session_server, unique_name
from strata.testing.sessions import rollback_async_session

# What CREATE DATABASE copies when no template is named.
EMPTY_TEMPLATE = "template1"


def _worker(request: pytest.FixtureRequest) -> str:
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(scope="session", autouse=True)
def _strata_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point STRATA_HOME at a temporary directory, so tests never touch the developer's .strata/.

    Nothing starts here; if code under test falls back to the embedded server,
    it starts in this directory and is stopped at the end of the session. Servers
    made in the session keep their folders in memory (`strata.server.memory`),
    unless STRATA_SERVERS_IN_MEMORY=0 keeps them on disk.
    """
    home = tmp_path_factory.mktemp("strata-home")
    with environment(STRATA_HOME=str(home), **{memory.ENV_VARIABLE: os.environ.get(memory.ENV_VARIABLE, "1")}):
        try:
            yield home
        finally:
            dev_server(home).discard()


@pytest.fixture(scope="session")
def strata_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[URL]:
    """Maintenance URL of this session's server (one per xdist worker)."""
    with session_server(tmp_path_factory.mktemp("strata-server")) as url:
        yield url


@pytest.fixture(scope="session")
def strata_app() -> App:
    raise pytest.UsageError(
        "strata fixtures need to know the app: define a session-scoped `strata_app` "
        "fixture returning its strata.App in conftest.py"
    )


class _Databases:
    """This worker's templates and shared rollback databases, per app.

    Session fixtures cannot depend on `strata_app` (each conftest overrides it,
    and pytest would cache the first app's value for all), so the per-app
    state lives here and function-scoped fixtures look it up.
    """

    def __init__(self, server: URL, worker: str):
        self.server = server
        self.worker = worker
        self.cloner = templates.Cloner(server)
        self.templates: dict[str, str] = {}
        self.shared: dict[str, URL] = {}
        self.engines: dict[str, Engine] = {}
        self.pools: dict[str, ClonePool] = {}

    def template(self, app: App) -> str:
        if app.name not in self.templates:
            self.templates[app.name], _built = templates.ensure_template(self.server, app)
        return self.templates[app.name]

    def shared_url(self, app: App) -> URL:
        if app.name not in self.shared:
            name = unique_name("rb", self.worker)
            self.shared[app.name] = self.cloner.clone(self.template(app), name)
        return self.shared[app.name]

    def pool(self, template: str, kind: str) -> ClonePool:
        """Clones of `template` made ahead of need, one pool per template in this worker."""
        if template not in self.pools:
            self.pools[template] = ClonePool(self.server, template, lambda: unique_name(kind, self.worker))
        return self.pools[template]

    def settle(self) -> None:
        """Wait until no pool has work left, so none writes to the server until the next take."""
        for clones in self.pools.values():
            clones.wait_until_full()

    def rollback_engine(self, app: App) -> Engine:
        if app.name not in self.engines:
            self.engines[app.name] = sync_engine(self.shared_url(app))
        return self.engines[app.name]

    def close(self) -> None:
        for clones in self.pools.values():
            clones.close()
        for engine in self.engines.values():
            engine.dispose()
        for url in self.shared.values():
            self.cloner.drop(str(url.database))
        self.cloner.close()


@pytest.fixture(scope="session")
def _strata_databases(strata_server: URL, request: pytest.FixtureRequest) -> Iterator[_Databases]:
    databases = _Databases(strata_server, _worker(request))
    yield databases
    databases.close()


@pytest.fixture
def strata_template(_strata_databases: _Databases, strata_app: App) -> str:
    """Name of the app's migrated template database (built once per worker)."""
    return _strata_databases.template(strata_app)


@pytest.fixture
def strata_fresh_url(_strata_databases: _Databases, strata_template: str) -> Iterator[URL]:
    """A database of its own for this test, cloned from the template ahead of need (psycopg URL).

    It is dropped after the test, in the background (`strata.testing.pool`).
    """
    clones = _strata_databases.pool(strata_template, "t")
    url = clones.take()
    yield url
    clones.give_back(url)


@pytest.fixture
def strata_empty_url(_strata_databases: _Databases) -> Iterator[URL]:
    """An empty database of its own for this test (no migrations run), dropped afterwards."""
    clones = _strata_databases.pool(EMPTY_TEMPLATE, "e")
    url = clones.take()
    yield url
    clones.give_back(url)


@pytest.fixture(scope="module")
def strata_clones(_strata_databases: _Databases, strata_app: App) -> ClonePool:
    """The worker's clones of the app's template, for data that several tests of a module only read.

    `take()` gives a fresh database made ahead of need; `give_back(url)` drops it in the background.
    """
    return _strata_databases.pool(_strata_databases.template(strata_app), "m")


@pytest.fixture
def strata_idle_pools(_strata_databases: _Databases) -> None:
    """For a test that reads the server's WAL position (replica lag): the clone pools are idle during it.

    Asked for after the test's databases, it waits until the pools have made their next clones
    and dropped the used ones, so they write no WAL until this test's teardown.
    """
    _strata_databases.settle()


@pytest.fixture(params=DRIVERS)
def strata_driver(request: pytest.FixtureRequest) -> Driver:
    """psycopg or asyncpg: a test using it runs once per driver."""
    driver: Driver = request.param
    return driver


@pytest.fixture
def strata_engine(strata_fresh_url: URL) -> Iterator[Engine]:
    engine = sync_engine(strata_fresh_url, poolclass=pool.NullPool)
    yield engine
    engine.dispose()


@pytest_asyncio.fixture
async def strata_async_engine(strata_fresh_url: URL, strata_driver: Driver) -> AsyncIterator[AsyncEngine]:
    engine = async_engine(with_driver(strata_fresh_url, strata_driver), poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
def strata_shared_url(_strata_databases: _Databases, strata_app: App) -> URL:
    """One clone per worker and app, for rollback sessions that never commit."""
    return _strata_databases.shared_url(strata_app)


@pytest.fixture
def strata_session(_strata_databases: _Databases, strata_app: App) -> Iterator[Session]:
    """A session whose commits are savepoints; everything is rolled back afterwards."""
    with _strata_databases.rollback_engine(strata_app).connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


@pytest_asyncio.fixture
async def strata_async_session(strata_shared_url: URL, strata_driver: Driver) -> AsyncIterator[AsyncSession]:
    """The async twin of `strata_session`, once per driver."""
    engine = async_engine(with_driver(strata_shared_url, strata_driver), poolclass=pool.NullPool)
    try:
        async with rollback_async_session(engine) as session:
            yield session
    finally:
        await engine.dispose()
