"""Read sessions on a real streaming replica: they read it, writes stay on the primary, revisions reach it."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from strata import Database
from strata.connection.connect import connect
from strata.connection.replication import (
    flushed_lsn,
    primary_lsn,
    replica_state,
    wait_for_lsn,
    wait_for_replay,
)
from strata.connection.urls import Driver
from strata.errors import StrataError
from strata.migrations import alembic_api
from tiny_models import APP


@pytest.fixture
async def database(strata_fresh_url: URL, strata_read_url: URL, strata_driver: Driver) -> AsyncIterator[Database]:
    found = Database(
        lambda: strata_fresh_url, read_urls=lambda: [strata_read_url, strata_fresh_url], driver=strata_driver
    )
    yield found
    await found.dispose()


async def _in_recovery(database: Database) -> bool:
    async for session in database.read_session():
        return bool((await session.execute(text("SELECT pg_is_in_recovery()"))).scalar_one())
    raise AssertionError("read_session yielded nothing")


async def test_a_read_session_reads_the_replica_and_writes_go_to_the_primary(
    database: Database, strata_fresh_url: URL, strata_read_url: URL
) -> None:
    async for session in database.session():
        assert (await session.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is False
        await session.execute(text("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'Ada', 'calm')"))
        await session.commit()
    wait_for_replay(strata_fresh_url, [strata_read_url])
    async for session in database.read_session():
        assert (await session.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is True
        assert (await session.execute(text("SELECT body FROM notes"))).scalar_one() == "Ada"
        with pytest.raises(DBAPIError, match="read-only transaction"):
            await session.execute(text("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'Bob', 'busy')"))


async def test_read_sessions_take_the_replicas_in_turn(database: Database) -> None:
    # read_urls lists the replica, then the primary: sessions alternate between them.
    assert [await _in_recovery(database) for _ in range(4)] == [True, False, True, False]


async def test_without_replicas_reads_go_to_the_primary_read_only(strata_fresh_url: URL, strata_driver: Driver) -> None:
    database = Database(lambda: strata_fresh_url, read_urls=list, driver=strata_driver)
    try:
        assert await _in_recovery(database) is False
        async for session in database.read_session():
            assert (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0
            with pytest.raises(DBAPIError, match="read-only transaction"):
                await session.execute(
                    text("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'Ada', 'calm')")
                )
        async for session in database.session():  # the primary's own sessions still write
            await session.execute(text("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'Ada', 'calm')"))
            await session.commit()
    finally:
        await database.dispose()


def test_a_revision_applied_on_the_primary_reaches_the_replica(
    strata_empty_url: URL, strata_replica: URL, strata_idle_pools: None
) -> None:
    on_replica = strata_replica.set(database=strata_empty_url.database)
    alembic_api.upgrade(APP, strata_empty_url)
    replayed = primary_lsn(strata_empty_url)
    wait_for_replay(strata_empty_url, [strata_replica])
    with connect(on_replica) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(alembic_api.heads(APP)[0],)]
        assert conn.execute("SELECT to_regclass('tags') IS NOT NULL").fetchone() == (True,)
    state = replica_state(strata_empty_url, on_replica)
    assert state.in_recovery
    # 0 when the server is quiet; tests on other workers may write WAL meanwhile, and the lag is at most that.
    assert state.lag_bytes is not None
    assert 0 <= state.lag_bytes <= _wal_since(strata_empty_url, replayed)


def _wal_since(primary: URL, lsn: str) -> int:
    with connect(primary, autocommit=True) as conn:
        row = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s::pg_lsn)::bigint", (lsn,)).fetchone()
    assert row is not None
    assert isinstance(row[0], int)
    return row[0]


def test_a_replica_at_the_start_of_a_wal_page_is_not_behind_an_idle_primary(
    strata_fresh_url: URL, strata_replica: URL, strata_idle_pools: None
) -> None:
    """Once a WAL page is full, the primary's insert position points past the next page's header.

    No record lies in those bytes, yet the replica's replay position stays at the page's start
    until the primary writes again: on an idle server, the next record comes up to 15 s later.
    A replica there must count as caught up, or every wait (`strata up --replicas`) takes that long.
    """
    with connect(strata_fresh_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_switch_wal()::text").fetchone()  # the next record starts a new segment
    assert row is not None
    wait_for_lsn([strata_replica], str(row[0]))
    assert replica_state(strata_fresh_url, strata_replica).lag_bytes == 0
    wait_for_replay(strata_fresh_url, [strata_replica], timeout=0)  # there already: no wait for a next record


def test_records_no_commit_flushes_reach_the_replica_without_waiting_for_the_next_commit(
    strata_fresh_url: URL, strata_replica: URL, strata_idle_pools: None
) -> None:
    """A standby receives only flushed WAL, and the WAL writer flushes records short of a page only with a commit.

    Such records (here a logical message without flush; in life an autovacuum's) would keep
    a replica "behind" until the next commit, on an idle server up to 15 s: `strata up --replicas`
    followed by an app's first `get_read_session()` waited that long.
    """
    with connect(strata_fresh_url, autocommit=True) as conn:
        conn.execute("SELECT pg_logical_emit_message(false, 'probe', 'no commit flushes this')")
        target = flushed_lsn(strata_fresh_url)
        row = conn.execute(
            "SELECT pg_current_wal_flush_lsn() >= %s::pg_lsn, pg_current_wal_flush_lsn()::text", (target,)
        ).fetchone()
    assert row is not None
    assert row[0] is True, f"flushed up to {row[1]}, not {target}"  # the replica can have everything up to the target
    wait_for_replay(strata_fresh_url, [strata_replica], timeout=10)


def test_waiting_on_a_server_that_is_not_a_replica_gives_up_in_one_line(strata_fresh_url: URL) -> None:
    with connect(strata_fresh_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bump (n int)")  # moves the primary's WAL past what anything replayed
    with pytest.raises(StrataError, match=r"has not replayed the primary's WAL up to .* within 0 s"):
        wait_for_replay(strata_fresh_url, [strata_fresh_url], timeout=0.2)
