"""Generate one valid row per table from column types, CHECK literals and foreign keys.

The values are the smallest that satisfy the schema: NULL where allowed,
server defaults where given, and otherwise a short list of candidates per
type; a CHECK violation moves the columns it names to their next candidate.
"""

import datetime
import re
import uuid
from typing import Any

from sqlalchemy import Column, Connection, Table, insert, types
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from strata.errors import StrataError

MAX_ATTEMPTS = 25
_LITERAL = re.compile(r"'((?:[^']|'')*)'")


def _vector_dim(column: Column[Any]) -> int | None:
    dim = getattr(column.type, "dim", None)
    return int(dim) if dim else None


def candidates(column: Column[Any], check_literals: list[str]) -> list[Any]:
    """Values to try for `column`, best guess first."""
    kind = column.type
    dim = _vector_dim(column)
    if dim is not None:
        return [[1.0] * dim]
    if isinstance(kind, types.Enum) and kind.enums:
        return list(kind.enums)
    if isinstance(kind, types.Uuid | postgresql.UUID):
        return [uuid.uuid4()]
    if isinstance(kind, types.Boolean):
        return [False, True]
    if isinstance(kind, types.Integer):
        return [0, 1]
    if isinstance(kind, types.Float | types.Numeric):
        return [0.0, 0.5, 1.0]
    if isinstance(kind, types.DateTime | types.Date):
        return [datetime.datetime.now(datetime.UTC)]
    if isinstance(kind, types.ARRAY):
        return [[]]
    if isinstance(kind, types.JSON | postgresql.JSONB):
        return [{}, []]
    length = getattr(kind, "length", None) or 64
    return [*check_literals, "0" * min(length, 64), "x"]


class RowFactory:
    """Inserts rows into reflected tables, retrying CHECK violations with other candidates."""

    def __init__(self, conn: Connection, checks: dict[str, list[tuple[str, str]]]):
        self.conn = conn
        self.checks = checks  # table -> [(constraint name, sql text)]

    def _literals(self, table: Table, column: str) -> list[str]:
        found: list[str] = []
        for _name, sql in self.checks.get(table.name, []):
            if re.search(rf"\b{re.escape(column)}\b", sql):
                found += [literal.replace("''", "'") for literal in _LITERAL.findall(sql)]
        return found

    def _needs_value(self, column: Column[Any]) -> bool:
        return not (column.nullable or column.server_default is not None or column.identity is not None)

    def insert(self, table: Table, fixed: dict[str, Any]) -> dict[str, Any]:
        """Insert one row with `fixed` values; returns the whole row as stored."""
        options = {
            column.name: candidates(column, self._literals(table, column.name))
            for column in table.columns
            if column.name not in fixed and self._needs_value(column)
        }
        choice = dict.fromkeys(options, 0)
        for _ in range(MAX_ATTEMPTS):
            values = {**fixed, **{name: options[name][index] for name, index in choice.items()}}
            try:
                with self.conn.begin_nested():
                    row = self.conn.execute(insert(table).values(values).returning(*table.columns)).one()
                return dict(row._mapping)
            except IntegrityError as error:
                if not self._advance(table, error, options, choice):
                    raise StrataError(f"cannot build a valid row for {table.name}: {error.orig}") from None
        raise StrataError(f"cannot build a valid row for {table.name} within {MAX_ATTEMPTS} attempts")

    def _advance(
        self, table: Table, error: IntegrityError, options: dict[str, list[Any]], choice: dict[str, int]
    ) -> bool:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None) or ""
        sql = dict(self.checks.get(table.name, [])).get(constraint, "")
        columns = [name for name in choice if re.search(rf"\b{re.escape(name)}\b", sql)]
        for name in columns:
            if choice[name] + 1 < len(options[name]):
                choice[name] += 1
                return True
        return False
