"""`strata seed`: fill an app's migrated database with generated rows, then run the app's seed hook.

Everything happens in one transaction: a failure (or Ctrl-C) leaves the
database as it was. An app shapes its data in its own `seed.py`, next to
its models (`<package>/seed.py`), all optional:

- `ROWS = {"courses": 5, "lessons": 100, ...}`: rows per table at scale 1;
- `VALUES = {"lessons.slide_range": maker}`: exact content for some columns,
  a maker being `(random.Random, RowInfo) -> value`;
- `VECTORS = {"concepts.embedding": VectorShape(clusters=20)}`;
- `def seed(ctx: SeedContext) -> None`: rows the app wants exactly, added
  after the generic fill (`ctx.add("users", email="demo@example.org")`).
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from sqlalchemy import Connection, MetaData, Table, insert, pool, text
from sqlalchemy.engine import URL

from strata.apps import App
from strata.engines import sync_engine
from strata.errors import StrataError
from strata.seed import keys
from strata.seed.generate import Generator
from strata.seed.preflight import existing_rows
from strata.seed.writer import write


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
    rows: dict[str, int] = field(default_factory=dict)  # rows per table so far

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        """Insert one generated row of `table` with `values` fixed; returns the row as stored."""
        target = self.generator.tables[table]
        offset = self.rows.get(table, 0)
        row = self.generator.generate(target, 1, offset=offset, fixed=values, remember=False).rows()[0]
        stored = self.connection.execute(insert(target).values(row).returning(*target.columns)).one()
        self.rows[table] = offset + 1
        return dict(stored._mapping)


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
    module = seed_module(app)
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            tables = reflect(connection).sorted_tables
            by_name = {table.name: table for table in tables}
            counts = planned_counts(by_name, module, scale)
            generator = Generator(
                tables, seed=seed, values=getattr(module, "VALUES", {}), vectors=getattr(module, "VECTORS", {})
            )
            total, done = sum(counts.values()), 0

            def advance(rows: int) -> None:
                nonlocal done
                done += rows
                if progress is not None:
                    progress(done, total)

            for table in tables:
                generated = generator.generate(table, counts[table.name], offset=existing.get(table.name, 0))
                write(connection, generated, advance)
            context = SeedContext(
                connection, generator, seed, scale, {n: existing.get(n, 0) + counts[n] for n in counts}
            )
            hook = getattr(module, "seed", None)
            if hook is not None:
                hook(context)
            _fix_sequences(connection, by_name)
    finally:
        engine.dispose()
    added = {name: context.rows[name] - existing.get(name, 0) for name in counts}
    return SeedReport(app.name, seed, scale, added, time.perf_counter() - started)
