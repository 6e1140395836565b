"""Read what a migrated database holds, for summaries and confirmations."""

from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from strata.connection.connect import connect


@dataclass(frozen=True)
class Summary:
    revision: str | None
    tables: list[str]
    extensions: list[str]


def _tables(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    return [str(row[0]) for row in conn.execute(query)]


def extensions(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    """Installed extensions as "name version", plpgsql (always there) left out."""
    rows = conn.execute("SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1")
    return [f"{name} {version}" for name, version in rows]


def summary(url: URL) -> Summary:
    """The revision, user tables and extensions of the database at `url`."""
    with connect(url) as conn:
        tables = _tables(conn)
        found_extensions = extensions(conn)
        revision = None
        if "alembic_version" in tables:
            found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            revision = ",".join(sorted(str(row[0]) for row in found)) or None
    return Summary(revision, [t for t in tables if t != "alembic_version"], found_extensions)


def row_counts(url: URL) -> dict[str, int]:
    """Exact row counts of every user table, for what a destructive step would lose."""
    counts: dict[str, int] = {}
    with connect(url) as conn:
        for name in _tables(conn):
            if name == "alembic_version":
                continue
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
            found = conn.execute(query).fetchone()
            counts[name] = int(str(found[0])) if found else 0
    return counts
