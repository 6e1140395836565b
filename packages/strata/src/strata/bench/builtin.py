"""The benchmarks strata ships: key types, and the cost of a test database."""

import itertools
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import Engine, pool
from sqlalchemy.orm import Session

from strata import apps
from strata.bench.harness import BenchContext, Result, Stats, measure
from strata.bench.placement import clone_by_placement
from strata.connection import copy
from strata.connection.connect import connect
from strata.connection.factory import sync_engine
from strata.migrations import alembic_api
from strata.orm import uuid7
from strata.server import running, throwaway_server
from strata.server.admin import drop_database, ensure_database
from strata.testing import templates
from strata.testing.pool import ClonePool


def keys(ctx: BenchContext) -> Result:
    """UUIDv7 against UUIDv4 primary keys: insert time and B-tree size for the same rows."""
    rows = ctx.size(100_000, 1_000_000)
    url = ctx.database("keys")
    result = Result("keys", "Primary keys: UUIDv7 (time-ordered) against UUIDv4 (random)", {"rows": rows, "repeat": 3})
    sizes: dict[str, int] = {}
    for variant, make in (("uuid7", uuid7), ("uuid4", uuid.uuid4)):
        data = copy.payload((copy.uuid_(make()), copy.int4(n)) for n in range(rows))
        table = f"keys_{variant}"
        with connect(url, autocommit=True) as conn:

            def setup(conn: object = conn, table: str = table) -> None:
                conn.execute(f"DROP TABLE IF EXISTS {table}")  # type: ignore[attr-defined]
                conn.execute(f"CREATE TABLE {table} (id uuid PRIMARY KEY, n int NOT NULL)")  # type: ignore[attr-defined]

            def load(conn: object = conn, table: str = table, data: bytes = data) -> None:
                with conn.cursor() as cursor, cursor.copy(f"COPY {table} (id, n) FROM STDIN (FORMAT BINARY)") as c:  # type: ignore[attr-defined]
                    c.write(data)

            stats = measure(load, repeat=3, setup=setup)
            found = conn.execute(f"SELECT pg_relation_size('{table}_pkey')").fetchone()
            sizes[variant] = int(str(found[0])) if found else 0
        result.rows.append(
            {
                "variant": variant,
                "insert s": round(stats.median, 3),
                "spread": f"±{stats.spread / 2:.0%}",
                "rows/s": round(rows / stats.median),
                "index MB": round(sizes[variant] / 2**20, 1),
            }
        )
    v7, v4 = result.rows
    result.notes.append(
        f"UUIDv7 inserts {v4['insert s'] / v7['insert s']:.2f}× as fast and its index is "
        f"{1 - sizes['uuid7'] / sizes['uuid4']:.0%} smaller (one published test: ~30% faster, ~7% smaller)"
    )
    return result


def testdb(ctx: BenchContext) -> Result:
    """What a test pays for its database: a clone of the migrated template, migrating from scratch, a rollback session.

    It runs on a server configured as the test plugin's (`throwaway_server`), since that is what tests pay,
    and then compares clones on fresh servers on disk and in memory (`placement`).
    """
    repeat = ctx.size(5, 20)
    result = Result(
        "testdb",
        "A database per test: clone, pooled clone, migrate, rollback session",
        {"repeat": repeat, "server": "the test plugin's (fsync off, shared_buffers 32MB)"},
    )
    with (
        tempfile.TemporaryDirectory(prefix="strata-bench-testdb-") as directory,
        running(throwaway_server(Path(directory))) as url,
    ):
        _testdb(BenchContext(url, ctx.quick), repeat, result)
    clone_by_placement(ctx.size(10, 40), result)
    return result


def _testdb(ctx: BenchContext, repeat: int, result: Result) -> None:
    for app in apps.discover().values():
        template, _built = templates.ensure_template(ctx.server, app)
        name = f"bench_testdb_{app.name}"
        url = ctx.server.set(database=name)

        cloner = templates.Cloner(ctx.server)

        def clone(template: str = template, name: str = name, cloner: templates.Cloner = cloner) -> None:
            cloner.clone(template, name)
            cloner.drop(name)

        def migrate(app: apps.App = app, url: object = url) -> None:
            ensure_database(url)  # type: ignore[arg-type]
            alembic_api.upgrade(app, url)  # type: ignore[arg-type]
            drop_database(url)  # type: ignore[arg-type]

        shared = templates.clone(ctx.server, template, f"{name}_shared")
        engine = sync_engine(shared, poolclass=pool.QueuePool)

        def rollback(engine: Engine = engine) -> None:
            with engine.connect() as connection:
                outer = connection.begin()
                Session(bind=connection, join_transaction_mode="create_savepoint").close()
                outer.rollback()

        timings = {"clone": measure(clone, repeat=repeat), "migrate": measure(migrate, repeat=repeat)}
        cloner.close()
        timings |= _pooled(ctx, template, name, repeat)
        rollback()  # warm the pool, as the session-wide engine is in a test run
        timings["rollback session"] = measure(rollback, repeat=repeat)
        engine.dispose()
        drop_database(shared)
        migrate_ms = timings["migrate"].median * 1000
        for variant, stats in timings.items():
            result.rows.append(
                {
                    "app": app.name,
                    "variant": variant,
                    "median ms": round(stats.median * 1000, 2),
                    "spread": f"±{stats.spread / 2:.0%}",
                    "vs migrate": f"{migrate_ms / (stats.median * 1000):.0f}× cheaper"
                    if variant != "migrate"
                    else "1×",
                }
            )
        plain = timings["clone"].median
        result.notes.append(
            f"{app.name}: a pooled clone costs the test {_against(plain, timings['pooled clone'].median)} a plain "
            f"clone when the test outlasts a clone, {_against(plain, timings['pooled, back to back'].median)} it "
            "when tests come back to back"
        )


def _against(plain: float, pooled: float) -> str:
    """How a pooled clone compares with a plain one, as a factor above 1 either way."""
    return f"{plain / pooled:.1f}× less than" if pooled <= plain else f"{pooled / plain:.1f}× more than"


def _pooled(ctx: BenchContext, template: str, name: str, repeat: int) -> dict[str, Stats]:
    """What a test waits for with the plugin's pool: taking a ready clone and handing it back.

    "pooled clone" lets the pool refill between takes (untimed), as a test body longer
    than a clone does; "back to back" gives it no time, as a run of tiny tests does.
    """
    numbers = itertools.count()
    clones = ClonePool(ctx.server, template, lambda: f"{name}_pooled_{next(numbers)}")

    def take_and_give_back() -> None:
        clones.give_back(clones.take())

    try:
        return {
            "pooled clone": measure(take_and_give_back, repeat=repeat, setup=clones.wait_until_full),
            "pooled, back to back": measure(take_and_give_back, repeat=repeat, setup=None),
        }
    finally:
        clones.close()
