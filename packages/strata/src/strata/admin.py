"""Maintenance work on a server: create, drop and inspect databases.

These run through psycopg on the `postgres` maintenance database, in
autocommit, because CREATE/DROP DATABASE cannot run inside a transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from strata.connect import connect


@contextmanager
def maintenance(url: URL) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """An autocommit connection to the server's `postgres` database."""
    with connect(url.set(database="postgres"), autocommit=True) as conn:
        yield conn


def database_exists(url: URL) -> bool:
    with maintenance(url) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone()
    return found is not None


def ensure_database(url: URL, *, template: str | None = None) -> bool:
    """Create the database of `url` unless it exists; True when it was created."""
    with maintenance(url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone():
            return False
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(url.database)))
        if template:
            statement = sql.SQL("{} TEMPLATE {} STRATEGY WAL_LOG").format(statement, sql.Identifier(template))
        try:
            conn.execute(statement)
        except psycopg.errors.DuplicateDatabase:
            return False  # another process won the race, which is fine
    return True


def drop_database(url: URL) -> None:
    with maintenance(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(url.database))))
