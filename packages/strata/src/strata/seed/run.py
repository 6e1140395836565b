"""`strata seed`: fill an app's migrated database with generated rows, then run the app's seed hook.

Everything happens in one transaction: a failure (or Ctrl-C) leaves the
database as it was. An app shapes its data in its own `seed.py`, next to
its models (`<package>/seed.py`), all optional:

- `ROWS = {"courses": 5, "lessons": 100, ...}`: rows per table at scale 1;
- `VALUES = {"lessons.slide_range": maker}`: exact content for some columns,
  a maker being `(random.Random, RowInfo) -> value`;
- `VECTORS = {"concepts.embedding": VectorShape(clusters=20)}`;
- `ADJUST = {"chats": function}`: a function that edits a table's generated
  columns in place, for rules between columns the schema does not state;
- `def seed(ctx: SeedContext) -> None`: rows the app wants exactly, added
  after the generic fill (`ctx.add("users", email="demo@example.org")`).
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from sqlalchemy import Connection, MetaData, Table, pool, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from strata.apps import App
from strata.catalog.objects import indexes
from strata.connection.connect import Conn
from strata.connection.factory import sync_engine
from strata.connection.write_errors import explain_write_error
from strata.errors import StrataError
from strata.seed import keys
from strata.seed.generate import Generated, Generator
from strata.seed.preflight import existing_rows
from strata.seed.writer import RowInserter, write


def reflect(connection: Connection) -> MetaData:
    """The database's tables as they are (pgvector types included), without alembic_version."""
    import pgvector.sqlalchemy  # noqa: F401  - registers vector/halfvec so reflection knows their dimension

    metadata = MetaData()
    metadata.reflect(connection)
    if "alembic_version" in metadata.tables:
        metadata.remove(metadata.tables["alembic_version"])
    return metadata


def seed_module(app: App) -> ModuleType | None:
    """The app's optional `seed.py`, in the package its models live in."""
    package = app.models.partition(":")[0].split(".")[0]
    name = f"{package}.seed"
    return import_module(name) if find_spec(name) is not None else None


def planned_counts(tables: Mapping[str, Table], module: ModuleType | None, scale: float) -> dict[str, int]:
    declared: Mapping[str, int] = getattr(module, "ROWS", {})
    unknown = sorted(set(declared) - set(tables))
    if unknown:
        raise StrataError(f"seed.py ROWS names tables the database does not have: {', '.join(unknown)}")
    base = {**keys.default_counts(tables), **declared}
    return {name: max(1, round(base[name] * scale)) for name in tables}


@dataclass
class SeedContext:
    """What an app's `seed(ctx)` hook gets: the open transaction and the generator that filled it."""

    connection: Connection
    generator: Generator
    seed: int
    scale: float
    inserter: RowInserter

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        """Insert one generated row of `table` with `values` fixed; returns the row as stored."""
        return self.inserter.insert(self.generator.tables[table], values)


@dataclass(frozen=True)
class SeedReport:
    app: str
    seed: int
    scale: float
    rows: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def drop_vector_indexes(connection: Connection) -> list[str]:
    """Drop HNSW and IVFFlat indexes for the load; returns their definitions, to build them once afterwards.

    Building an HNSW index over all rows is many times faster than growing it row by row (pgvector's advice
    for bulk loads), and the transaction hides the gap from everyone else.
    """
    driver: Conn = connection.connection.driver_connection  # type: ignore[assignment]  # a sync engine is psycopg's
    found = [index for index in indexes(driver).values() if index.approximate]
    for index in found:
        connection.execute(text(f'DROP INDEX "{index.name}"'))
    return [index.definition for index in found]


def _fix_sequences(connection: Connection, tables: Mapping[str, Table]) -> None:
    """Serial and identity keys were given explicitly; move their sequences past them."""
    for table in tables.values():
        for column in table.primary_key.columns:
            found = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{table.name}"', "c": column.name}
            ).scalar()
            if found:
                connection.execute(
                    text(f'SELECT setval(:s, (SELECT max("{column.name}") FROM "{table.name}"))'), {"s": found}
                )


@dataclass(frozen=True)
class SeedPlan:
    """What a seed will generate: the tables in FK order, rows per table, and the generator set up for the app."""

    tables: list[Table]
    counts: dict[str, int]
    generator: Generator
    module: ModuleType | None


def plan(app: App, connection: Connection, *, scale: float, seed: int) -> SeedPlan:
    module = seed_module(app)
    tables = reflect(connection).sorted_tables
    counts = planned_counts({table.name: table for table in tables}, module, scale)
    values, vectors = getattr(module, "VALUES", {}), getattr(module, "VECTORS", {})
    return SeedPlan(tables, counts, Generator(tables, seed=seed, values=values, vectors=vectors), module)


def generate_table(seed_plan: SeedPlan, table: Table, offset: int = 0) -> Generated:
    """One table's rows, adjusted by the app's `ADJUST[table]` if it has one."""
    generated = seed_plan.generator.generate(table, seed_plan.counts[table.name], offset=offset)
    adjust = getattr(seed_plan.module, "ADJUST", {}).get(table.name)
    if adjust is not None:
        adjust(generated)
    return generated


def _run_hook(app: App, hook: Callable[[SeedContext], None], ctx: SeedContext) -> None:
    """The app's own rows; a row the database rejects is one line, and the transaction writes nothing."""
    try:
        hook(ctx)
    except DBAPIError as error:
        raise StrataError(
            f"{app.name}: the seed() hook in seed.py wrote a row the database rejected, so nothing was seeded: "
            f"{explain_write_error(error)}"
        ) from None


def seed_app(
    app: App,
    url: URL,
    *,
    scale: float = 1,
    seed: int = 0,
    append: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Generate and COPY rows for every table of `app` at `url`; `progress(done, total)` after each chunk."""
    if scale <= 0:
        raise StrataError(f"--scale must be positive, got {scale:g}")
    started = time.perf_counter()
    existing = existing_rows(app, url, append=append)
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            seed_plan = plan(app, connection, scale=scale, seed=seed)
            total, done = sum(seed_plan.counts.values()), 0

            def advance(rows: int) -> None:
                nonlocal done
                done += rows
                if progress is not None:
                    progress(done, total)

            vector_indexes = drop_vector_indexes(connection)
            for table in seed_plan.tables:
                write(connection, generate_table(seed_plan, table, existing.get(table.name, 0)), advance)
            for definition in vector_indexes:
                connection.execute(text(definition))
            written = {name: existing.get(name, 0) + count for name, count in seed_plan.counts.items()}
            inserter = RowInserter(connection, seed_plan.generator, written)
            hook = getattr(seed_plan.module, "seed", None)
            if hook is not None:
                _run_hook(app, hook, SeedContext(connection, seed_plan.generator, seed, scale, inserter))
            _fix_sequences(connection, {table.name: table for table in seed_plan.tables})
    finally:
        engine.dispose()
    added = {name: inserter.rows[name] - existing.get(name, 0) for name in seed_plan.counts}
    return SeedReport(app.name, seed, scale, added, time.perf_counter() - started)
