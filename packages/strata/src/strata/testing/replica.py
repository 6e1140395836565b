"""A real streaming replica for tests, and a check that an app's session dependencies use it.

`strata_replica` is a hot standby of the session's server, made once per
worker with `pg_basebackup -R` (about half a second) and stopped at the end.
`strata_read_url` is the test's `strata_fresh_url` database on that replica,
once the replica has replayed its creation, and `strata_replica_env` points
the app's `<APP>_DATABASE_URL` and `<APP>_READ_DATABASE_URL` at the two.
"""

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from strata.apps import App
from strata.connection.replication import wait_for_replay
from strata.connection.urls import libpq
from strata.server import running
from strata.server.replicas import Standby
from strata.testing.server import ENV_VARIABLE
from strata.testing.system import unavailable

SessionDependency = Callable[[], AsyncIterator[AsyncSession]]


@pytest.fixture(scope="session")
def strata_replica(strata_server: URL, tmp_path_factory: pytest.TempPathFactory) -> Iterator[URL]:
    """Maintenance URL of a hot standby streaming from this session's server."""
    if os.environ.get(ENV_VARIABLE):
        unavailable(f"a local streaming replica needs the embedded test server, and {ENV_VARIABLE} is set")
    with running(Standby(tmp_path_factory.mktemp("strata-replica"), strata_server, durable=False)) as url:
        yield url


@pytest.fixture
def strata_read_url(strata_fresh_url: URL, strata_replica: URL) -> URL:
    """The test's fresh database on the replica (psycopg URL), replayed up to now."""
    wait_for_replay(strata_fresh_url, [strata_replica])
    return strata_replica.set(database=strata_fresh_url.database)


@pytest.fixture
def strata_replica_env(
    strata_app: App, strata_fresh_url: URL, strata_read_url: URL, monkeypatch: pytest.MonkeyPatch
) -> tuple[URL, URL]:
    """Set the app's primary and read URL variables to the test's database and its replica; returns both."""
    monkeypatch.setenv(f"{strata_app.env_prefix}DATABASE_URL", libpq(strata_fresh_url))
    monkeypatch.setenv(f"{strata_app.env_prefix}READ_DATABASE_URL", libpq(strata_read_url))
    return strata_fresh_url, strata_read_url


async def assert_reads_on_replica_and_writes_on_primary(
    get_session: SessionDependency,
    get_read_session: SessionDependency,
    primary: URL,
    replica: URL,
    *,
    dispose: Callable[[], Awaitable[None]],
) -> None:
    """`get_session` writes on the primary; `get_read_session` is on a standby, sees the write, and cannot write.

    `dispose` drops the app's engines before and after, so they are built from the URLs the test set.
    """
    await dispose()
    try:
        async for session in get_session():
            assert (await session.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is False
            await session.execute(text("CREATE TABLE strata_probe (n int)"))
            await session.execute(text("INSERT INTO strata_probe VALUES (42)"))
            await session.commit()
        wait_for_replay(primary, [replica])
        async for session in get_read_session():
            assert (await session.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is True
            assert (await session.execute(text("SELECT n FROM strata_probe"))).scalar_one() == 42
            with pytest.raises(DBAPIError, match="read-only transaction"):
                await session.execute(text("INSERT INTO strata_probe VALUES (7)"))
    finally:
        await dispose()
