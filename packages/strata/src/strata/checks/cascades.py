"""Deleting a root row must do, in the database, what the models declare.

One row per table is inserted, each referring to the rows of its parents.
Then each parent table's row is deleted (in a savepoint, rolled back) and the
survivors are compared with what the models promise: children of an
`ON DELETE CASCADE` FK, or of an ORM relationship that cascades deletes, are
gone; `SET NULL` columns are null. A relationship that cascades only in the
ORM is the seed's classic bug: a bulk delete or another client then fails.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, MetaData, Table, delete, pool, select
from sqlalchemy.exc import IntegrityError

from strata.checks.context import Context
from strata.checks.outcome import Outcome
from strata.connection.factory import sync_engine
from strata.seed import Generator
from strata.seed.writer import RowInserter

Row = tuple[str, int]  # (table, row number)


@dataclass(frozen=True)
class Edge:
    child: str
    columns: tuple[str, ...]
    parent: str
    name: str
    declared: str  # CASCADE, SET NULL or NO ACTION, as the models mean it


def _orm_cascades(ctx: Context) -> set[tuple[str, str]]:
    """(child table, parent table) pairs whose ORM relationship cascades deletes."""
    found: set[tuple[str, str]] = set()
    for mapper in getattr(getattr(ctx.app.declarative_base(), "registry", None), "mappers", ()):
        for relationship in mapper.relationships:
            if relationship.cascade.delete and relationship.direction.name == "ONETOMANY":
                found.add((relationship.target.name, mapper.local_table.name))
    return found


def _edges(ctx: Context, reflected: MetaData) -> list[Edge]:
    orm = _orm_cascades(ctx)
    edges = []
    for table in reflected.sorted_tables:
        model = ctx.metadata.tables.get(table.name)
        for fk in table.foreign_key_constraints:
            declared_fk = next(
                (c for c in (model.foreign_key_constraints if model is not None else ()) if c.name == fk.name),
                None,
            )
            declared = ((declared_fk.ondelete if declared_fk is not None else None) or "NO ACTION").upper()
            if declared not in {"CASCADE", "SET NULL"} and (table.name, fk.referred_table.name) in orm:
                declared = "CASCADE (ORM relationship)"
            edges.append(Edge(table.name, tuple(fk.column_keys), fk.referred_table.name, str(fk.name), declared))
    return edges


def _build_world(conn: Connection, reflected: MetaData) -> dict[str, list[dict[str, Any]]]:
    factory = RowInserter(conn, Generator(reflected.sorted_tables))
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in reflected.sorted_tables:
        fixed = _parent_values(table, rows, self_row=None)
        rows[table.name] = [factory.insert(table, fixed)]
        if any(fk.referred_table is table for fk in table.foreign_key_constraints):
            rows[table.name].append(factory.insert(table, _parent_values(table, rows, self_row=rows[table.name][0])))
    return rows


def _parent_values(
    table: Table, rows: dict[str, list[dict[str, Any]]], self_row: dict[str, Any] | None
) -> dict[str, Any]:
    fixed: dict[str, Any] = {}
    for fk in table.foreign_key_constraints:
        parent = self_row if fk.referred_table is table else rows[fk.referred_table.name][0]
        if parent is None:
            continue
        for element in fk.elements:
            fixed[element.parent.name] = parent[element.column.name]
    return fixed


def _key(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[column.name] for column in table.primary_key.columns)


def _referenced(edge: Edge, number: int) -> tuple[str, int] | None:
    """The parent row that row `number` of the child table points at through `edge`."""
    if edge.parent == edge.child:
        return (edge.parent, 0) if number == 1 else None
    return (edge.parent, 0)


def _expected_deleted(root: str, edges: list[Edge], rows: dict[str, list[dict[str, Any]]]) -> set[Row]:
    """The rows the models say a delete of root's first row removes."""
    deleted: set[Row] = {(root, 0)}
    changed = True
    while changed:
        changed = False
        for edge in edges:
            if not edge.declared.startswith("CASCADE"):
                continue
            for number in range(len(rows[edge.child])):
                if _referenced(edge, number) in deleted and (edge.child, number) not in deleted:
                    deleted.add((edge.child, number))
                    changed = True
    return deleted


def _row_filter(table: Table, row: dict[str, Any]) -> list[Any]:
    return [column == row[column.name] for column in table.primary_key.columns]


def _survivors(conn: Connection, reflected: MetaData, rows: dict[str, list[dict[str, Any]]]) -> set[Row]:
    alive: set[Row] = set()
    for name, table_rows in rows.items():
        table = reflected.tables[name]
        for number, row in enumerate(table_rows):
            if conn.execute(select(*table.primary_key.columns).where(*_row_filter(table, row))).first():
                alive.add((name, number))
    return alive


def _unnulled(conn: Connection, reflected: MetaData, edge: Edge, row: dict[str, Any]) -> bool:
    table = reflected.tables[edge.child]
    values = conn.execute(select(*[table.c[c] for c in edge.columns]).where(*_row_filter(table, row))).one()
    return any(value is not None for value in values)


def _try_root(
    conn: Connection, reflected: MetaData, root: str, edges: list[Edge], rows: dict[str, list[dict[str, Any]]]
) -> tuple[list[str], str]:
    """Delete root's first row in a savepoint; compare what went with what the models promise."""
    table = reflected.tables[root]
    expected = _expected_deleted(root, edges, rows)
    everything = {(name, n) for name, table_rows in rows.items() for n in range(len(table_rows))}
    savepoint = conn.begin_nested()
    try:
        try:
            conn.execute(delete(table).where(*_row_filter(table, rows[root][0])))
        except IntegrityError as error:
            constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
            edge = next((e for e in edges if e.name == constraint), None)
            if edge is None or edge.declared == "NO ACTION":
                return (
                    [],
                    f"{root}: the delete is restricted by {constraint}, which declares no ON DELETE action",
                )
            return [f"deleting a {root} row fails on {constraint}: the models declare {edge.declared}"], ""
        alive = _survivors(conn, reflected, rows)
        problems = [
            f"deleting a {root} row left a {name} row the models cascade to" for name, _ in sorted(expected & alive)
        ]
        problems += [
            f"deleting a {root} row removed a {name} row the models do not cascade to"
            for name, _ in sorted(everything - expected - alive)
        ]
        nulled = 0
        for edge in (e for e in edges if e.declared == "SET NULL"):
            for number, row in enumerate(rows[edge.child]):
                if _referenced(edge, number) in expected and (edge.child, number) in alive:
                    nulled += 1
                    if _unnulled(conn, reflected, edge, row):
                        problems.append(f"deleting a {root} row did not null {edge.child}.{','.join(edge.columns)}")
    finally:
        savepoint.rollback()
    tables = len({name for name, _ in expected})
    return (
        problems,
        f"{root}: a delete removes {len(expected)} row(s) in {tables} table(s) and nulls {nulled}",
    )


def cascades(ctx: Context) -> Outcome:
    """Cascades nobody ran are cascades nobody has: the seeds only ever described theirs."""
    engine = sync_engine(ctx.url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            reflected = MetaData()
            reflected.reflect(conn)
            reflected.remove(reflected.tables["alembic_version"]) if "alembic_version" in reflected.tables else None
            edges = _edges(ctx, reflected)
            conn.rollback()  # reflection began a transaction; the world gets its own
            transaction = conn.begin()
            try:
                rows = _build_world(conn, reflected)
                parents = sorted({e.parent for e in edges})
                problems: list[str] = []
                evidence: list[str] = []
                for root in parents:
                    found, line = _try_root(conn, reflected, root, edges, rows)
                    problems += found
                    evidence += [line] if line else []
            finally:
                transaction.rollback()
    finally:
        engine.dispose()
    unacted = [
        f"{e.child}.{','.join(e.columns)} → {e.parent} ({e.name}) has no ON DELETE action"
        for e in edges
        if e.declared == "NO ACTION"
    ]
    if problems:
        return Outcome.failed(
            problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""), problems + unacted
        )
    if not edges:
        return Outcome.passed("no foreign keys")
    return Outcome.passed(
        f"deleting from each of {len(parents)} parent table(s): {len(edges)} foreign key(s) behave as declared",
        evidence + unacted,
    )
