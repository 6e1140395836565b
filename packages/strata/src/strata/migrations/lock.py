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
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import URL

from strata.admin import Conn
from strata.connect import connect
from strata.errors import StrataError


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
    """Hold the migration lock for `name` on `url`'s database while the block runs."""
    key = lock_key(name)
    database = url.database
    with connect(url) as holder:  # leaving the block ends the transaction: commit, or rollback on error
        # The lock lives as long as this transaction; a server-side idle timeout must not end it early.
        holder.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        if not _scalar(holder, "SELECT pg_try_advisory_xact_lock(%s)", key):
            print(
                f"strata: waiting up to {wait:.0f} s for the migration lock on "
                f"'{database}', held by {_holder(holder, key)}",
                file=sys.stderr,
                flush=True,
            )
            holder.execute(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
            try:
                holder.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
            except psycopg.errors.LockNotAvailable:
                raise StrataError(
                    f"gave up after {wait:.0f} s waiting for the migration lock on "
                    f"'{database}': another migration is still running; retry when it ends, "
                    "or wait longer with --lock-timeout (STRATA_MIGRATION_LOCK_WAIT)"
                ) from None
        yield


def _scalar(conn: Conn, query: str, key: int) -> object:
    row = conn.execute(query, (key,)).fetchone()
    return row[0] if row else None
