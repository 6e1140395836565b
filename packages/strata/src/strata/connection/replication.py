"""How far a streaming replica is behind its primary, and waiting until it has caught up.

Lag is measured in WAL: the bytes between the primary's current WAL position
and the last position the replica has replayed. That is exact and means the
same on an idle and a busy server, unlike the age of the last replayed
transaction, which grows while nothing is written. Both work on any
PostgreSQL server the URLs reach, local standby or managed replica.
"""

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import URL

from strata.connection.connect import connect
from strata.connection.urls import where
from strata.errors import StrataError

REPLAY_WAIT_SECONDS = 30.0
_POLL_SECONDS = 0.02
# The header a WAL page starts with: 24 bytes, 40 on the first page of a segment. No WAL record
# (24 bytes at least) fits in it, so a gap this small from a page's start holds no record.
_LONGEST_PAGE_HEADER = 40
# The replica's replay position, how far it is behind %s (the primary's insert position), and
# where the replay position lies within its WAL page.
_REPLAY_QUERY = """
SELECT pg_is_in_recovery(),
       pg_wal_lsn_diff(%s::pg_lsn, replayed)::bigint,
       (pg_wal_lsn_diff(replayed, '0/0') %% current_setting('wal_block_size')::numeric)::int
FROM pg_last_wal_replay_lsn() AS replayed
"""


@dataclass(frozen=True)
class ReplicaState:
    """What a replica reports: whether it is a standby, and its lag behind the primary in WAL bytes."""

    in_recovery: bool
    lag_bytes: int | None


def primary_lsn(primary: URL) -> str:
    """The primary's WAL insert position (e.g. 0/3000148).

    Not the write position: with synchronous_commit=off a commit returns before its WAL is written.
    """
    with connect(primary, autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
    assert row is not None
    return str(row[0])


def replica_state(primary: URL, replica: URL) -> ReplicaState:
    """Ask the primary where it is, then the replica what it has replayed (a lag below 0 reads as 0)."""
    target = primary_lsn(primary)
    with connect(replica, autocommit=True) as conn:
        in_recovery, lag = _replay(conn, target)
    return ReplicaState(in_recovery, lag)


def wait_for_replay(primary: URL, replicas: Sequence[URL], *, timeout: float = REPLAY_WAIT_SECONDS) -> None:
    """Return once every replica has replayed what the primary had written when this was called."""
    if replicas:
        wait_for_lsn(replicas, flushed_lsn(primary), timeout=timeout)


def flushed_lsn(primary: URL) -> str:
    """The primary's WAL insert position, with every record before it flushed, so replicas can receive them all.

    A standby receives only what the primary has flushed. The WAL writer flushes a commit within
    wal_writer_delay, but other records (an autovacuum's, a page's first change after a checkpoint)
    only page by page: short of a page, they wait in memory for the next commit or the bgwriter's
    running-xacts record, up to 15 s on an idle server. A non-transactional logical message with
    flush (PostgreSQL 17) flushes them; a standby applies nothing for it. Where that function is
    missing or not granted, the insert position alone is the target, as `primary_lsn` gives it.
    """
    with connect(primary, autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
        assert row is not None
        # Older than PostgreSQL 17, or a role without the grant: the WAL writer still flushes commits.
        with contextlib.suppress(psycopg.errors.UndefinedFunction, psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT pg_logical_emit_message(false, 'strata', 'replay', true)")
    return str(row[0])


def wait_for_lsn(replicas: Sequence[URL], target: str, *, timeout: float = REPLAY_WAIT_SECONDS) -> None:
    """Return once every replica has replayed the primary's WAL up to `target`.

    Polls each replica's replay position against a deadline; a replica that
    does not get there in `timeout` seconds is a one-line error.
    """
    deadline = time.monotonic() + timeout
    for replica in replicas:
        with connect(replica, autocommit=True) as conn:
            while not _has_replayed(conn, target):
                if time.monotonic() > deadline:
                    raise StrataError(
                        f"the replica at {where(replica)} has not replayed the primary's WAL up to {target} "
                        f"within {timeout:.0f} s; check that it streams from this primary (see its log)"
                    )
                time.sleep(_POLL_SECONDS)


def _has_replayed(conn: psycopg.Connection[tuple[object, ...]], target: str) -> bool:
    return _replay(conn, target)[1] == 0


def _replay(conn: psycopg.Connection[tuple[object, ...]], target: str) -> tuple[bool, int | None]:
    """Whether the server is a standby, and the WAL bytes it has yet to replay to reach `target` (None: no replay).

    An insert position taken right after a record that filled a WAL page points past the next
    page's header, while the replica's replay position stays at the page's start until another
    record is written: on an idle primary, up to 15 s later. Such a gap holds no record: nothing is behind.
    """
    row = conn.execute(_REPLAY_QUERY, (target,)).fetchone()
    assert row is not None
    in_recovery, gap, page_offset = bool(row[0]), row[1], row[2]
    if gap is None:
        return in_recovery, None
    behind = max(0, int(str(gap)))
    if behind <= _LONGEST_PAGE_HEADER and page_offset == 0:
        behind = 0
    return in_recovery, behind
