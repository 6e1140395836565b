"""Maintenance work on a server: create, drop and inspect databases.

These run through psycopg on the `postgres` maintenance database, in
autocommit, because CREATE/DROP DATABASE cannot run inside a transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from strata.connection.connect import Conn, connect


@contextmanager
def maintenance(url: URL) -> Iterator[Conn]:
    """An autocommit connection to the server's `postgres` database."""
    with connect(url.set(database="postgres"), autocommit=True) as conn:
        yield conn


def exists(conn: Conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def create(conn: Conn, name: str, *, template: str | None = None) -> None:
    """CREATE DATABASE `name` (on a maintenance connection), as a WAL-logged copy of `template` if given.

    WAL_LOG copies block by block through the WAL instead of checkpointing the whole
    server, which keeps a clone of a small template in milliseconds.
    """
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement += sql.SQL(" TEMPLATE {} STRATEGY WAL_LOG").format(sql.Identifier(template))
    conn.execute(statement)


def drop(conn: Conn, name: str) -> None:
    """Drop database `name` if it exists, closing its sessions (on a maintenance connection)."""
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_exists(url: URL) -> bool:
    with maintenance(url) as conn:
        return exists(conn, str(url.database))


def ensure_database(url: URL) -> bool:
    """Create the database of `url` unless it exists; True when it was created."""
    with maintenance(url) as conn:
        if exists(conn, str(url.database)):
            return False
        try:
            create(conn, str(url.database))
        except psycopg.errors.DuplicateDatabase:
            return False  # another process won the race, which is fine
    return True


def drop_database(url: URL) -> None:
    with maintenance(url) as conn:
        drop(conn, str(url.database))
