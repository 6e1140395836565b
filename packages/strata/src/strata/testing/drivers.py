"""Which driver a piece of code really connected with, observed through SQLAlchemy's events.

A test proves "codestory's migrations run on asyncpg" by watching every
connection SQLAlchemy opens, not by replacing the engine factory.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, event


@contextmanager
def drivers_used() -> Iterator[list[str]]:
    """Yield a list that fills with the DBAPI driver of each connection opened in the block.

    Values: "psycopg" (sync), "psycopg async", "asyncpg".
    """
    seen: list[str] = []

    def record(connection: Connection) -> None:
        dialect = connection.dialect
        async_psycopg = dialect.is_async and dialect.driver == "psycopg"
        seen.append("psycopg async" if async_psycopg else dialect.driver)

    event.listen(Engine, "engine_connect", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "engine_connect", record)
