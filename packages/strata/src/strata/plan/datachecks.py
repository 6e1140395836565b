"""For each constraint a revision adds, the live rows that would violate it, counted read-only.

Only the columns the live table already has are checked: a constraint over a
column the same revision adds (a new parent_id with its FOREIGN KEY) has no
live value to read; existing rows get the column's default, which is not
evaluated here.
"""

import re
from dataclasses import dataclass

from psycopg import sql

from strata.catalog.objects import CatalogIndex
from strata.catalog.schema import Table
from strata.connection.connect import Conn
from strata.drift.snapshot import Snapshot


@dataclass(frozen=True)
class DataCheck:
    constraint: str  # what a person reads: "UNIQUE uq_tags_label on tags (label)"
    query: sql.Composed  # one row: (violating rows, a sample key or NULL)


@dataclass(frozen=True)
class Violation:
    constraint: str
    count: int
    sample: str | None

    def __str__(self) -> str:
        example = f", e.g. {self.sample}" if self.sample else ""
        return f"{self.constraint}: {self.count} live row(s) violate it{example}"


def _name(text: str) -> sql.Composable:
    """A column as the catalog names it: an identifier, or an index expression kept as written."""
    return sql.Identifier(text) if text.replace("_", "a").isalnum() else sql.SQL(f"({text})")


def _rows_check(constraint: str, table: Table, condition: sql.Composable) -> DataCheck:
    """Rows of `table` (aliased t) matching `condition`, and the primary key of one of them."""
    keys = [c.name for c in table.columns if c.primary_key]
    key = (
        sql.SQL("ROW({})::text").format(sql.SQL(", ").join(map(sql.Identifier, keys)))
        if keys
        else sql.SQL("ctid::text")
    )
    shown = f"({', '.join(keys) or 'ctid'})="
    query = sql.SQL(
        "SELECT (SELECT count(*) FROM {t} AS t WHERE {c}),"
        " (SELECT {s} || {k} FROM {t} AS t WHERE {c} ORDER BY 1 LIMIT 1)"
    ).format(t=sql.Identifier(table.name), c=condition, k=key, s=sql.Literal(shown))
    return DataCheck(constraint, query)


def _unique_check(index: CatalogIndex) -> DataCheck:
    """Rows beyond the first in each group of equal non-null keys, and one duplicated key."""
    columns = sql.SQL(", ").join(map(_name, index.columns))
    not_null = sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(_name(c)) for c in index.columns)
    where = sql.SQL("{} AND ({})").format(not_null, sql.SQL(index.predicate)) if index.predicate else not_null
    shown = f"({', '.join(index.columns)})="
    query = sql.SQL(
        "SELECT coalesce(sum(n - 1), 0), min({s} || key) FROM (SELECT count(*) AS n, ROW({cols})::text AS key "
        "FROM {t} WHERE {w} GROUP BY {cols} HAVING count(*) > 1) AS duplicates"
    ).format(s=sql.Literal(shown), cols=columns, t=sql.Identifier(index.table), w=where)
    return DataCheck(f"UNIQUE {index.name} on {index.table} ({', '.join(index.columns)})", query)


def added_checks(before: Snapshot, after: Snapshot, live: set[str]) -> list[DataCheck]:
    """The data checks for what `after` adds to `before`, on the `live` tables (new ones are empty)."""
    existing = {t.name: t for t in before.schema.tables if t.name in live}
    tables = {t.name: t for t in after.schema.tables if t.name in existing}
    checks = [
        _unique_check(i)
        for i in after.indexes.values()
        if i.unique
        and i.table in tables
        and (i.name not in before.indexes or not before.indexes[i.name].unique)
        and not _new_columns_in(existing[i.table], tables[i.table], " ".join(i.columns))
    ]
    for table in tables.values():
        checks += _not_null_checks(existing[table.name], table)
        checks += _check_constraints(existing[table.name], table)
    for fk in after.foreign_keys:
        known = {k.name for k in before.foreign_keys}
        if (
            fk.table in tables
            and fk.validated
            and fk.name not in known
            and not _new_columns_in(existing[fk.table], tables[fk.table], " ".join(fk.columns))
        ):
            pairs = sql.SQL(" AND ").join(
                sql.SQL("p.{} = t.{}").format(sql.Identifier(r), sql.Identifier(c))
                for c, r in zip(fk.columns, fk.referred_columns, strict=True)
            )
            not_null = sql.SQL(" AND ").join(sql.SQL("t.{} IS NOT NULL").format(sql.Identifier(c)) for c in fk.columns)
            condition = sql.SQL("{} AND NOT EXISTS (SELECT 1 FROM {} AS p WHERE {})").format(
                not_null, sql.Identifier(fk.referred_table), pairs
            )
            label = f"FOREIGN KEY {fk.name} on {fk.table} ({', '.join(fk.columns)}) → {fk.referred_table}"
            checks.append(_rows_check(label, tables[fk.table], condition))
    return checks


def _not_null_checks(before: Table, after: Table) -> list[DataCheck]:
    previous = {c.name: c for c in before.columns}
    checks = []
    for column in after.columns:
        was = previous.get(column.name)
        if column.nullable or (was is not None and not was.nullable):
            continue
        label = f"NOT NULL {after.name}.{column.name}"
        if was is not None:
            checks.append(_rows_check(label, after, sql.SQL("t.{} IS NULL").format(sql.Identifier(column.name))))
        elif column.default is None:  # a new NOT NULL column without a default fails on every existing row
            checks.append(_rows_check(f"{label} (a new column without a default)", after, sql.SQL("true")))
    return checks


def _check_constraints(before: Table, after: Table) -> list[DataCheck]:
    known = {name for name, _kind, _definition in before.constraints}
    return [
        _rows_check(f"CHECK {name} on {after.name}: {definition}", after, sql.SQL(f"NOT {definition[len('CHECK ') :]}"))
        for name, kind, definition in after.constraints
        if kind == "check"
        and name not in known
        and not definition.endswith("NOT VALID")
        and not _new_columns_in(before, after, definition)
    ]


def _new_columns_in(before: Table, after: Table, text: str) -> bool:
    """Whether `text` (column names, an index expression, a CHECK) names a column `after` adds to `before`."""
    live = {c.name for c in before.columns}
    return any(re.search(rf"\b{re.escape(c.name)}\b", text) for c in after.columns if c.name not in live)


def violations(conn: Conn, checks: list[DataCheck]) -> list[Violation]:
    """Every check that live rows fail, with its count and one sample key."""
    found = []
    for check in checks:
        row = conn.execute(check.query).fetchone()
        count, sample = (int(str(row[0])), row[1]) if row else (0, None)
        if count:
            found.append(Violation(check.constraint, count, None if sample is None else str(sample)))
    return found
