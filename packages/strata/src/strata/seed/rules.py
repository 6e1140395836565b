"""What a table allows, read from its `Table` object: CHECK literals and ranges, unique column sets.

It works the same on model tables (for factories) and on tables reflected
from a migrated database (for `strata seed` and `strata check`), since
SQLAlchemy reflects CHECK constraints, unique constraints and unique indexes.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CheckConstraint, Column, Table, UniqueConstraint

_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_BOUND = re.compile(r"\b(\w+)\)?\s*(>=|<=|>|<)\s*\(*\s*(-?\d+(?:\.\d+)?)")
_CHOICE_MARKERS = (" IN ", "ANY ", "ANY(", " = '")


@dataclass
class ColumnRules:
    """What the schema says about one column beyond its type."""

    choices: list[str] = field(default_factory=list)
    low: float | None = None
    high: float | None = None
    unique: bool = False  # unique on its own
    in_unique_set: bool = False  # unique together with other columns


def _mentions(sql: str, column: str) -> bool:
    return re.search(rf"\b{re.escape(column)}\b", sql) is not None


def _check_sql(constraint: CheckConstraint) -> str:
    return str(constraint.sqltext)


def _apply_check(sql: str, columns: dict[str, ColumnRules]) -> None:
    named = [name for name in columns if _mentions(sql, name)]
    if len(named) == 1 and any(marker in sql.upper() for marker in _CHOICE_MARKERS) and "~" not in sql:
        columns[named[0]].choices = [literal.replace("''", "'") for literal in _LITERAL.findall(sql)]
    for name, operator, number in _BOUND.findall(sql):
        if name not in columns:
            continue
        bound = float(number)
        if operator.startswith(">"):
            columns[name].low = bound if operator == ">=" else bound + 1e-6
        else:
            columns[name].high = bound if operator == "<=" else bound - 1e-6


def unique_sets(table: Table) -> list[tuple[str, ...]]:
    """Every set of columns that must be unique together, the primary key left out."""
    found: list[tuple[str, ...]] = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            found.append(tuple(column.name for column in constraint.columns))
    found += [tuple(c.name for c in index.columns) for index in table.indexes if index.unique and index.columns]
    found += [(column.name,) for column in table.columns if column.unique]
    return sorted(set(found))


def table_rules(table: Table) -> dict[str, ColumnRules]:
    """Rules per column name of `table`."""
    columns: dict[str, ColumnRules] = {column.name: ColumnRules() for column in table.columns}
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint):
            _apply_check(_check_sql(constraint), columns)
    for column in table.columns:
        if isinstance(getattr(column, "constraints", None), set):
            for constraint in column.constraints:
                if isinstance(constraint, CheckConstraint):
                    _apply_check(_check_sql(constraint), columns)
    for names in unique_sets(table):
        for name in names:
            if len(names) == 1:
                columns[name].unique = True
            else:
                columns[name].in_unique_set = True
    return columns


def server_default_text(column: Column[Any]) -> str | None:
    default = column.server_default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    return str(getattr(arg, "text", arg))
