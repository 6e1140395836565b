"""A session-level advisory lock around a whole migration run.

Alembic takes no lock, so two replicas starting at once both try to apply the
same revision and one dies on `alembic_version`. Holding
`pg_advisory_lock` for the run serialises them: the waiter then finds the
database at head and does nothing. Advisory locks are per database, so apps
on different databases do not wait for each other.
"""

import hashlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from strata.errors import StrataError

LOCK_NOT_AVAILABLE = "55P03"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name`."""
    digest = hashlib.sha256(f"strata:migrate:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _holder(connection: Connection, key: int) -> str:
    pid = connection.execute(
        text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = :key AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        {"key": key},
    ).scalar()
    return f"pid {pid}" if pid else "another process"


def _sqlstate(error: DBAPIError) -> str | None:
    orig = error.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


@contextmanager
def migration_lock(connection: Connection, name: str, wait: float) -> Iterator[None]:
    """Hold the migration lock for `name` on this connection's database."""
    key = lock_key(name)
    database = connection.engine.url.database
    if not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
        print(
            f"strata: waiting up to {wait:.0f} s for the migration lock on "
            f"'{database}', held by {_holder(connection, key)}",
            file=sys.stderr,
            flush=True,
        )
        connection.execute(text(f"SET lock_timeout = '{int(wait * 1000)}ms'"))
        try:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        except DBAPIError as error:
            if _sqlstate(error) != LOCK_NOT_AVAILABLE:
                raise
            connection.rollback()
            raise StrataError(
                f"gave up after {wait:.0f} s waiting for the migration lock on "
                f"'{database}': another migration is still running; retry when it ends, "
                "or wait longer with --lock-timeout (STRATA_MIGRATION_LOCK_WAIT)"
            ) from None
        connection.execute(text("RESET lock_timeout"))
    connection.commit()
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        connection.commit()
