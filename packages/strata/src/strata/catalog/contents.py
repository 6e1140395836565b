"""What a database holds: its tables, extensions, Alembic revision and row counts.

Status, confirmations, seeding refusals, checks and docs all read these through
here, so "the revision" or "the tables" mean the same thing everywhere.
"""

from dataclasses import dataclass

from psycopg import sql
from sqlalchemy.engine import URL

from strata.connection.connect import Conn, connect

ALEMBIC_TABLE = "alembic_version"


@dataclass(frozen=True)
class Summary:
    revision: str | None
    tables: list[str]
    extensions: list[str]


def tables(conn: Conn) -> list[str]:
    """User tables of the current schema, Alembic's own bookkeeping table left out."""
    query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> %s ORDER BY 1"
    return [str(row[0]) for row in conn.execute(query, (ALEMBIC_TABLE,))]


def extensions(conn: Conn) -> list[str]:
    """Installed extensions as "name version", plpgsql (always there) left out."""
    rows = conn.execute("SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1")
    return [f"{name} {version}" for name, version in rows]


def extension_version(conn: Conn, name: str) -> str | None:
    found = conn.execute("SELECT extversion FROM pg_extension WHERE extname = %s", (name,)).fetchone()
    return str(found[0]) if found else None


def revisions(conn: Conn) -> list[str]:
    """The revisions `alembic_version` records, sorted; empty when the table does not exist."""
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (ALEMBIC_TABLE,)).fetchone()
    if not exists or not exists[0]:
        return []
    query = sql.SQL("SELECT version_num FROM {} ORDER BY 1").format(sql.Identifier(ALEMBIC_TABLE))
    return [str(row[0]) for row in conn.execute(query)]


def revision(conn: Conn) -> str | None:
    """The recorded revision (several joined by commas on a branched history), or None."""
    return ",".join(revisions(conn)) or None


def row_count(conn: Conn, table: str) -> int:
    found = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
    return int(str(found[0])) if found else 0


def table_size(conn: Conn, table: str) -> str:
    """The table's size on disk with its indexes and TOAST, as pg_size_pretty writes it."""
    found = conn.execute(
        "SELECT pg_size_pretty(pg_total_relation_size(%s::regclass))", (sql.Identifier(table).as_string(conn),)
    ).fetchone()
    return str(found[0]) if found else "?"


def summary(url: URL) -> Summary:
    """The revision, user tables and extensions of the database at `url`."""
    with connect(url) as conn:
        return Summary(revision(conn), tables(conn), extensions(conn))


def row_counts(url: URL) -> dict[str, int]:
    """Exact row counts of every user table, for what a destructive step would lose."""
    with connect(url) as conn:
        return {name: row_count(conn, name) for name in tables(conn)}
