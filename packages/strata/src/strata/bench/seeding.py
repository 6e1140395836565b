"""`seed`: how fast `strata seed` fills each app's database, against binary COPY of the same rows.

The limit is the COPY alone: the same rows, generated and encoded before the
clock starts, written in one transaction (rolled back), vector indexes
dropped as the seed drops them. What `strata seed` adds on top is
generating and encoding the rows in Python, and building the vector indexes.
"""

import time

from sqlalchemy import pool
from sqlalchemy.engine import URL

from strata import apps
from strata.bench.harness import BenchContext, Result
from strata.connection import copy
from strata.connection.factory import sync_engine
from strata.seed import seed_app
from strata.seed.run import drop_vector_indexes, generate_table, plan
from strata.seed.writer import payloads

SEED = 0


def _copy_limit(app: apps.App, url: URL, scale: float) -> tuple[float, int]:
    """Seconds to COPY the pre-encoded rows of one seed, and how many rows that is."""
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            seed_plan = plan(app, connection, scale=scale, seed=SEED)
            drop_vector_indexes(connection)  # as the seed loads; the seed then builds them, the limit does not
            encoded = [
                (table.name, names, data)
                for table in seed_plan.tables
                for names, data, _rows in payloads(generate_table(seed_plan, table))
            ]
            started = time.perf_counter()
            for table, names, data in encoded:
                copy.copy_binary(connection, table, names, data)
            seconds = time.perf_counter() - started
            connection.rollback()
    finally:
        engine.dispose()
    return seconds, sum(seed_plan.counts.values())


def seed(ctx: BenchContext) -> Result:
    """`strata seed` at one scale for every app: seconds and rows/s, beside binary COPY of the same rows."""
    scale = ctx.size(2, 100)
    result = Result(
        "seed", f"strata seed --scale {scale}: generate + encode + COPY, against COPY alone", {"scale": scale}
    )
    for app in apps.discover().values():
        url = ctx.migrated(app, f"seed_{app.name}")
        limit_s, rows = _copy_limit(app, url, scale)
        report = seed_app(app, url, scale=scale, seed=SEED)
        limit_rate = rows / limit_s
        for variant, seconds, count in (
            ("strata seed", report.seconds, report.total),
            ("limit: binary COPY of the same rows", limit_s, rows),
        ):
            result.rows.append(
                {
                    "app": app.name,
                    "variant": variant,
                    "rows": count,
                    "s": round(seconds, 2),
                    "rows/s": round(count / seconds),
                    "of limit": f"{count / seconds / limit_rate:.0%}",
                }
            )
    return result
