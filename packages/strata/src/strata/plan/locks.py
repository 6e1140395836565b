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
# (statement pattern whose groups are the tables it locks, the lock), the first match wins
_RULES: list[tuple[str, str]] = [
    (rf"CREATE (?:UNIQUE )?INDEX CONCURRENTLY .*? ON (?:ONLY )?{_NAME}", "SHARE UPDATE EXCLUSIVE"),
    (rf"CREATE (?:UNIQUE )?INDEX .*? ON (?:ONLY )?{_NAME}", "SHARE (blocks writes)"),
    (rf"ALTER TABLE (?:ONLY )?{_NAME} VALIDATE CONSTRAINT", "SHARE UPDATE EXCLUSIVE"),
    (rf"ALTER TABLE (?:ONLY )?{_NAME} ADD CONSTRAINT \S+ FOREIGN KEY .*? REFERENCES {_NAME}", "SHARE ROW EXCLUSIVE"),
    (rf"ALTER TABLE (?:ONLY )?{_NAME}", "ACCESS EXCLUSIVE (blocks reads and writes)"),
    (rf"DROP TABLE (?:IF EXISTS )?{_NAME}", "ACCESS EXCLUSIVE (blocks reads and writes)"),
    (rf"COMMENT ON (?:TABLE|COLUMN) {_NAME}", "SHARE UPDATE EXCLUSIVE"),
    (rf"(?:INSERT INTO|UPDATE|DELETE FROM) {_NAME}", "ROW EXCLUSIVE"),
]
_NO_TABLE_LOCK = re.compile(r"(CREATE (TABLE|TYPE|EXTENSION|SEQUENCE|FUNCTION)|SET |BEGIN|COMMIT)\b")


@dataclass(frozen=True)
class StatementLock:
    statement: str
    lock: str  # "none" when the statement locks no existing table
    tables: tuple[str, ...]


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
    if _NO_TABLE_LOCK.match(flat.upper()):
        return StatementLock(flat, "none", ())
    return StatementLock(flat, "unknown: read the statement", ())


def table_sizes(conn: Conn, names: set[str]) -> dict[str, tuple[int, str]]:
    """(rows, total size) of each table in `names` that exists; rows counted exactly, a plan is read before a deploy."""
    return {name: (row_count(conn, name), table_size(conn, name)) for name in tables(conn) if name in names}
