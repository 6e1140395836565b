"""A transaction-scoped advisory lock, held on its own connection, around a whole migration run.

Alembic takes no lock, so two replicas starting at once both try to apply the
same revision and one dies on `alembic_version`. Holding the lock for the run
serialises them: the waiter then finds the database at head and does nothing.
Advisory locks are per database, so apps on different databases do not wait
for each other.

Why a transaction lock on a dedicated connection, and not `pg_advisory_lock`
on the migration's own one: behind a transaction pooler (PgBouncer, Supabase,
Neon) a session lock stays on whichever server connection took it, and the
pooler hands that connection to someone else after the transaction; the
unlock then runs elsewhere and the lock is never released, so the next
migration hangs. A transaction that stays open pins its server connection to
this client, and ends (releasing the lock) when the client commits, or dies:
the pooler closes a server connection whose client left mid-transaction. The
migration itself commits each revision, so it cannot hold the lock itself.
"""

import hashlib
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import sql
from sqlalchemy.engine import URL

from strata.connection.connect import Conn, connect
from strata.errors import StrataError

RETRY_SECONDS = 0.2


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name`."""
    digest = hashlib.sha256(f"strata:migrate:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _holder(conn: Conn, key: int) -> str:
    row = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND ((classid::bigint << 32) | objid::bigint) = %s AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
        (key,),
    ).fetchone()
    return f"pid {row[0]}" if row else "another process"


@contextmanager
def migration_lock(url: URL, name: str, wait: float) -> Iterator[None]:
    """Hold the migration lock for `name` on `url`'s database while the block runs.

    A waiter retries in short transactions instead of blocking inside one, so
    waiting migrations do not each pin a server connection of a pooler.
    """
    key = lock_key(name)
    with connect(url) as holder:  # leaving the block ends the transaction: commit, or rollback on error
        _acquire(holder, key, str(url.database), wait)
        yield


def _acquire(holder: Conn, key: int, database: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    announced = False
    while True:
        # The lock lives as long as this transaction; a server-side idle timeout must not end it early.
        holder.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        if _try_lock(holder, key):
            return
        if not announced:
            print(
                f"strata: waiting up to {wait:.0f} s for the migration lock on "
                f"'{database}', held by {_holder(holder, key)}",
                file=sys.stderr,
                flush=True,
            )
            announced = True
        holder.rollback()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StrataError(
                f"gave up after {wait:.0f} s waiting for the migration lock on "
                f"'{database}': another migration is still running; retry when it ends, "
                "or wait longer with --lock-timeout (STRATA_MIGRATION_LOCK_WAIT)"
            )
        time.sleep(min(RETRY_SECONDS, remaining))  # a back-off between attempts, not a synchronisation


def _try_lock(conn: Conn, key: int) -> bool:
    """Take the lock with the key written into the query, not bound as a parameter.

    A statement with bound parameters leaves its portal, and the snapshot it
    holds, open until the next statement: the idle holder would then keep an
    xmin for the whole run, and `CREATE INDEX CONCURRENTLY` in the migration
    waits for every transaction with an older snapshot, so it would wait for
    the lock holder, which waits for it.
    """
    row = conn.execute(sql.SQL("SELECT pg_try_advisory_xact_lock({})").format(key)).fetchone()
    return bool(row and row[0])
