"""One database's catalog as drift compares it, read without writing or locking anything that matters."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from sqlalchemy.engine import URL

from strata.catalog.contents import revisions
from strata.catalog.objects import CatalogForeignKey, CatalogIndex, foreign_keys, indexes
from strata.catalog.schema import Schema, read
from strata.connection.connect import Conn, connect
from strata.connection.settings import strata_settings
from strata.connection.urls import mask, mask_text
from strata.errors import StrataError


@dataclass(frozen=True)
class Snapshot:
    schema: Schema
    indexes: dict[str, CatalogIndex]
    revisions: list[str]
    foreign_keys: list[CatalogForeignKey]


def snapshot(conn: Conn) -> Snapshot:
    """Tables, columns, constraints, indexes, enums, extensions and recorded revisions of the current schema."""
    return Snapshot(read(conn), indexes(conn), revisions(conn), foreign_keys(conn))


@contextmanager
def reading(url: URL) -> Iterator[Conn]:
    """A connection inside a READ ONLY transaction that is rolled back at the end.

    Catalog reads take ACCESS SHARE locks at most; `lock_timeout` keeps drift from
    queueing behind a migration's ACCESS EXCLUSIVE lock (and traffic behind drift).
    """
    with connect(url) as conn:
        conn.read_only = True
        try:
            conn.execute("SELECT set_config('lock_timeout', %s, true)", (strata_settings().lock_timeout,))
            yield conn
        except psycopg.Error as error:
            reason = mask_text(str(error).strip().splitlines()[0])
            raise StrataError(f"cannot read the catalog of {mask(url)}: {reason}") from None
        finally:
            conn.rollback()


def live_snapshot(url: URL) -> Snapshot:
    with reading(url) as conn:
        return snapshot(conn)
