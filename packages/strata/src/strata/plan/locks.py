"""Which lock each statement of a revision takes, and on which table.

PostgreSQL's documentation (13.3.1, "Table-Level Locks") names the lock each
command takes; the rules below follow it for the statements Alembic writes.
A statement no rule knows is shown as unknown rather than guessed.
"""

import re
from dataclasses import dataclass

from strata.catalog.contents import row_count, table_size, tables
from strata.connection.connect import Conn

_NAME = r'"?(\w+)"?'
_ONLINE = "SHARE UPDATE EXCLUSIVE (reads and writes go on)"
_BLOCKS_ALL = "ACCESS EXCLUSIVE (blocks reads and writes)"
_BRIEFLY = ", briefly: NOT VALID skips the scan of existing rows)"
# (statement pattern whose groups are the tables it locks, the lock), the first match wins
_RULES: list[tuple[str, str]] = [
    (rf"CREATE (?:UNIQUE )?INDEX CONCURRENTLY .*? ON (?:ONLY )?{_NAME}", _ONLINE),
    (rf"CREATE (?:UNIQUE )?INDEX .*? ON (?:ONLY )?{_NAME}", "SHARE (blocks writes)"),
    (rf"ALTER TABLE (?:ONLY )?{_NAME} VALIDATE CONSTRAINT", _ONLINE),
    (
        rf"ALTER TABLE (?:ONLY )?{_NAME} ADD CONSTRAINT \S+ FOREIGN KEY ?\(.*?\) REFERENCES {_NAME}.* NOT VALID;?$",
        "SHARE ROW EXCLUSIVE (blocks writes" + _BRIEFLY,
    ),
    (
        rf"ALTER TABLE (?:ONLY )?{_NAME} ADD CONSTRAINT \S+ FOREIGN KEY ?\(.*?\) REFERENCES {_NAME}",
        "SHARE ROW EXCLUSIVE (blocks writes)",
    ),
    (
        rf"ALTER TABLE (?:ONLY )?{_NAME} ADD CONSTRAINT \S+ CHECK .* NOT VALID;?$",
        _BLOCKS_ALL.removesuffix(")") + _BRIEFLY,
    ),
    (rf"ALTER TABLE (?:ONLY )?{_NAME}", _BLOCKS_ALL),
    (rf"DROP TABLE (?:IF EXISTS )?{_NAME}", _BLOCKS_ALL),
    (rf"COMMENT ON (?:TABLE|COLUMN) {_NAME}", _ONLINE),
    (rf"(?:INSERT INTO|UPDATE|DELETE FROM) {_NAME}", "ROW EXCLUSIVE"),
]
# DROP INDEX names the index, not its table: the table is read from the catalog (`on_tables`).
_INDEX_RULES: list[tuple[str, str]] = [
    (rf"DROP INDEX CONCURRENTLY (?:IF EXISTS )?{_NAME}", _ONLINE),
    (rf"DROP INDEX (?:IF EXISTS )?{_NAME}", _BLOCKS_ALL),
]
_NO_TABLE_LOCK = re.compile(
    r"(CREATE (TABLE|TYPE|EXTENSION|SEQUENCE|FUNCTION)|ALTER TYPE \S+ ADD VALUE|SET |BEGIN|COMMIT)\b"
)


@dataclass(frozen=True)
class StatementLock:
    statement: str
    lock: str  # "none" when the statement locks no existing table
    tables: tuple[str, ...]
    indexes: tuple[str, ...] = ()  # indexes whose tables it locks, until `on_tables` reads which those are


def statements(script: str) -> list[str]:
    """The statements of an offline Alembic script, comments and blank lines left out."""
    body = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    return [part.strip() for part in body.split(";\n") if part.strip()]


def lock_of(statement: str) -> StatementLock:
    flat = " ".join(statement.split())
    for pattern, lock in _RULES:
        found = re.match(pattern, flat, re.IGNORECASE)
        if found:
            return StatementLock(flat, lock, tuple(dict.fromkeys(found.groups())))
    for pattern, lock in _INDEX_RULES:
        found = re.match(pattern, flat, re.IGNORECASE)
        if found:
            return StatementLock(flat, lock, (), found.groups())
    if _NO_TABLE_LOCK.match(flat.upper()):
        return StatementLock(flat, "none", ())
    return StatementLock(flat, "unknown: read the statement", ())


def table_sizes(conn: Conn, names: set[str]) -> dict[str, tuple[int, str]]:
    """(rows, total size) of each table in `names` that exists; rows counted exactly, a plan is read before a deploy."""
    return {name: (row_count(conn, name), table_size(conn, name)) for name in tables(conn) if name in names}


def on_tables(conn: Conn, lock: StatementLock) -> StatementLock:
    """`lock` with the tables of the indexes it names, as the live catalog has them (a new index has none yet)."""
    if not lock.indexes:
        return lock
    found = conn.execute(
        "SELECT DISTINCT t.relname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
        " WHERE i.indexrelid IN (SELECT to_regclass(name) FROM unnest(%s::text[]) AS name)",
        (list(lock.indexes),),
    ).fetchall()
    return StatementLock(lock.statement, lock.lock, tuple(sorted(str(row[0]) for row in found)), lock.indexes)
