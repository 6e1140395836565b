"""The migrated database must be what the models say, indexes included.

Alembic's comparison ignores an index's method, WITH parameters and operator
classes, so an HNSW index built for L2 distance passes it while every cosine
query scans the table. The second half of this check reads them from the
catalog.
"""

import re
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Index, pool
from sqlalchemy.dialects import postgresql

from strata.catalog.objects import CatalogIndex, indexes
from strata.checks.context import Context
from strata.checks.outcome import Outcome
from strata.connection.connect import connect
from strata.connection.factory import sync_engine


def _describe(diff: Any) -> str:
    if isinstance(diff, list):
        return "; ".join(_describe(item) for item in diff)
    kind, *rest = diff
    if kind.startswith("modify_"):
        _schema, table, column, _info, old, new = rest
        return f"{kind} {table}.{column}: database {old}, models {new}"
    target = rest[-1]
    name = getattr(target, "name", target)
    table = getattr(getattr(target, "table", None), "name", None) or (rest[-2] if len(rest) >= 2 else "")
    return f"{kind} {table}.{name}" if table and table != name else f"{kind} {name}"


def _normalise(sql: str) -> str:
    return re.sub(r"[\s()]|::\w+", "", sql).lower()


def _predicate(where: Any) -> str:
    """A partial index's WHERE as PostgreSQL shows it: values inline, columns without their table."""
    options = {"literal_binds": True, "include_table": False}
    return str(where.compile(dialect=postgresql.dialect(), compile_kwargs=options))  # type: ignore[no-untyped-call]


def _expected(index: Index) -> dict[str, Any]:
    options = index.dialect_options["postgresql"]
    where = options["where"]
    return {
        "method": options["using"] or "btree",
        "with": {key: str(value) for key, value in (options["with"] or {}).items()},
        "ops": dict(options["ops"] or {}),
        "unique": bool(index.unique),
        "where": _predicate(where) if where is not None else None,
    }


def _index_problems(index: Index, found: CatalogIndex | None) -> list[str]:
    if found is None:
        return [f"index {index.name} is missing"]
    want = _expected(index)
    problems = []
    if found.method != want["method"]:
        problems.append(f"method {found.method}, models {want['method']}")
    if found.options != want["with"]:
        problems.append(f"WITH {found.options or '{}'}, models {want['with'] or '{}'}")
    if found.unique != want["unique"]:
        problems.append(f"unique {found.unique}, models {want['unique']}")
    for position, column in enumerate(index.columns):
        declared = want["ops"].get(column.name)
        actual = found.opclasses[position]
        if declared and actual != declared:
            problems.append(f"operator class {actual} on {column.name}, models {declared}")
        if not declared and not found.default_opclasses[position]:
            problems.append(f"operator class {actual} on {column.name}, models the default")
    if (found.predicate is None) != (want["where"] is None) or (
        found.predicate and _normalise(found.predicate) != _normalise(want["where"])
    ):
        problems.append(f"predicate {found.predicate}, models {want['where']}")
    return [f"index {index.name}: {problem}" for problem in problems]


def matches_models(ctx: Context) -> Outcome:
    """Drift between models and migrations means the next autogenerate writes a surprise revision."""
    engine = sync_engine(ctx.url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [_describe(diff) for diff in compare_metadata(context, ctx.metadata)]
    finally:
        engine.dispose()
    with connect(ctx.url) as conn:
        catalog = indexes(conn)
    declared = [index for table in ctx.metadata.tables.values() for index in table.indexes]
    problems = [problem for index in declared for problem in _index_problems(index, catalog.get(str(index.name)))]
    if diffs or problems:
        found = diffs + problems
        return Outcome.failed(f"{len(found)} difference(s): {found[0]}" + (" …" if len(found) > 1 else ""), found)
    return Outcome.passed(f"autogenerate finds nothing; {len(declared)} index(es) match method, WITH and opclasses")
