"""`online`: revision 0003 applied by `strata up` while clients use the app, beside the same change done plainly.

One data set, migrated to the revision before 0003 and filled by the app's
seed (`strata.seed`), is cloned as a template for each variant, so both run
on the same rows in one process. For each, 8 clients use the app (see
`workload`) while the revision is applied; each request is timed and given to
the phase it started in: before the migration, during it (from starting the
command to its exit), after it.
"""

import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import pool
from sqlalchemy.engine import URL
from strata.bench import BenchContext, Result
from strata.connection.connect import connect
from strata.connection.factory import sync_engine
from strata.migrations import alembic_api
from strata.seed import write
from strata.seed.run import generate_table, plan
from strata.testing import templates

from course_supporter.app import APP
from course_supporter.online_bench import naive
from course_supporter.online_bench.workload import PhaseStats, Targets, Workload
from course_supporter.storage import database

PREVIOUS = "109d57cb5266"
SOURCE_FK = "fk_concepts_source_material_id_source_materials"
WARMUP_SECONDS = 1.0
# The clients' own limit, long enough to measure a stall rather than cut it short.
CLIENT_STATEMENT_TIMEOUT = "120s"
GOAL_STALL_SECONDS = 1.0


@dataclass(frozen=True)
class Migration:
    seconds: float
    exit_code: int
    last_line: str


Apply = Callable[[], Awaitable[Migration]]


def online(ctx: BenchContext) -> Result:
    """Revision 0003 under load: 0 errors and a stall under 1 s online; the plain body's stall beside it."""
    scale = ctx.size(5, 100)
    load_seconds = ctx.size(2, 15)
    data = _filled(ctx, scale)
    with connect(data) as conn:
        concepts = conn.execute("SELECT count(*) FROM concepts").fetchone()
    result = Result(
        "online",
        "Revision 0003 applied under load: online helpers (strata up) against the plain revision",
        {
            "concepts (1536-d)": concepts[0] if concepts else 0,
            "seed scale": scale,
            "clients": 8,
            "load before/after s": load_seconds,
        },
    )
    with tempfile.TemporaryDirectory(prefix="course-supporter-plain-") as directory:
        plain = naive.plain_project(Path(directory))
        variants: dict[str, Apply] = {
            "online (strata up)": lambda: _command(sys.executable, "-m", "strata", "up", "--app", APP.name),
            "plain (same runner)": lambda: _command(
                sys.executable, "-m", "course_supporter.online_bench.naive", str(plain)
            ),
        }
        for variant, apply in variants.items():
            url = templates.clone(ctx.server, str(data.database), f"bench_online_{len(ctx.created)}")
            ctx.created.append(url)
            _report(result, variant, _under_load(url, apply, load_seconds))
    return result


def _filled(ctx: BenchContext, scale: int) -> URL:
    """A database at the revision before 0003, filled by the app's seed at `scale`, vacuumed and analysed.

    `seed_app` fills only a database at head, so the generator's own steps run
    here on the tables as they are at the previous revision.
    """
    url = ctx.database("online_data")
    alembic_api.upgrade(APP, url, PREVIOUS)
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            seed_plan = plan(APP, connection, scale=scale, seed=3)
            for table in seed_plan.tables:
                write(connection, generate_table(seed_plan, table))
    finally:
        engine.dispose()
    with connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


@dataclass(frozen=True)
class Run:
    phases: dict[str, PhaseStats]
    migration: Migration
    errors: list[str]
    catalog: str


def _under_load(url: URL, apply: Apply, load_seconds: float) -> Run:
    """Point the app at `url`, start the clients, apply the revision in between `load_seconds` of plain load."""
    with connect(url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{url.database}\" SET statement_timeout = '{CLIENT_STATEMENT_TIMEOUT}'")
    targets = _targets(url)
    with _app_at(url):
        run = asyncio.run(_phases(targets, apply, load_seconds))
    return Run(run[0], run[1], run[2], _catalog(url))


@contextmanager
def _app_at(url: URL) -> Iterator[None]:
    """The app's sessions and `strata up` (its direct URL first) both use `url` while the block runs."""
    variables = [f"{APP.env_prefix}DATABASE_URL", f"{APP.env_prefix}DIRECT_DATABASE_URL"]
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(dict.fromkeys(variables, url.render_as_string(hide_password=False)))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def _phases(
    targets: Targets, apply: Apply, load_seconds: float
) -> tuple[dict[str, PhaseStats], Migration, list[str]]:
    await database.database.dispose()  # the engine is rebuilt from the URL just set
    database.database.engine.echo = False  # in development the app logs each statement: time queries, not logging
    workload = Workload(targets)
    clients = asyncio.create_task(workload.run())
    try:
        await asyncio.sleep(WARMUP_SECONDS)  # pacing the phases of a benchmark; the clients measure themselves
        before = time.perf_counter()
        await asyncio.sleep(load_seconds)
        during = time.perf_counter()
        migration = await apply()
        after = time.perf_counter()
        await asyncio.sleep(load_seconds)
        end = time.perf_counter()
    finally:
        workload.stop()
        await clients
        await database.database.dispose()
    bounds = {"before": (before, during), "during": (during, after), "after": (after, end)}
    phases = {name: PhaseStats.of(workload.between(*span)) for name, span in bounds.items()}
    return phases, migration, workload.errors()


async def _command(*argv: str) -> Migration:
    """Run a migration command to its end; its own output is kept only for the report's last line."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    lines = [line for line in output.decode(errors="replace").splitlines() if line.strip()]
    failure = next((line for line in lines if line.startswith("error")), lines[-1] if lines else "")
    return Migration(time.perf_counter() - started, process.returncode or 0, failure.strip())


def _targets(url: URL) -> Targets:
    """Lessons and concepts to request, and real embeddings to search with, picked at random from the data."""
    with connect(url) as conn:
        lessons = [
            uuid.UUID(str(row[0])) for row in conn.execute("SELECT id FROM lessons ORDER BY random() LIMIT 2000")
        ]
        concepts = [
            uuid.UUID(str(row[0])) for row in conn.execute("SELECT id FROM concepts ORDER BY random() LIMIT 2000")
        ]
        vectors = conn.execute(
            "SELECT embedding::text FROM concepts WHERE embedding IS NOT NULL ORDER BY random() LIMIT 200"
        ).fetchall()
    return Targets(lessons, concepts, [json.loads(str(row[0])) for row in vectors])


def _catalog(url: URL) -> str:
    """What the revision left: the revision recorded, the HNSW index's validity, the foreign key's validation."""
    with connect(url) as conn:
        found = conn.execute(
            "SELECT (SELECT string_agg(version_num, ',') FROM alembic_version),"
            " (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('ix_concepts_embedding_hnsw')),"
            " (SELECT convalidated FROM pg_constraint WHERE conname = %s)",
            (SOURCE_FK,),
        ).fetchone()
    revision, index_valid, fk_valid = found if found else (None, None, None)
    return f"at {revision}; HNSW index valid: {index_valid}; foreign key validated: {fk_valid}"


def _report(result: Result, variant: str, run: Run) -> None:
    for phase, stats in run.phases.items():
        result.rows.append(
            {
                "variant": variant,
                "phase": phase,
                "requests": stats.requests,
                "errors": stats.errors,
                "p50 ms": round(stats.p50 * 1000, 1),
                "p99 ms": round(stats.p99 * 1000, 1),
                "max ms": round(stats.max * 1000, 1),
                "slowest": stats.slowest,
                "max ms by key": round(stats.max_by_key * 1000, 1),
            }
        )
    migration = run.migration
    outcome = "exit 0" if migration.exit_code == 0 else f"exit {migration.exit_code}: {migration.last_line}"
    result.notes.append(f"{variant}: migration took {migration.seconds:.1f} s ({outcome}); {run.catalog}")
    if run.errors:
        result.notes.append(f"{variant}: {len(run.errors)} failed request(s), first: {run.errors[0]}")
    during = run.phases["during"]
    if variant.startswith("online"):
        met = during.errors == 0 and during.max_by_key < GOAL_STALL_SECONDS and migration.exit_code == 0
        result.notes.append(
            f"goal (online): 0 errors and a stall < {GOAL_STALL_SECONDS:.0f} s while migrating (the longest lesson "
            f"page or write): {during.errors} errors, {during.max_by_key * 1000:.0f} ms: {'met' if met else 'NOT met'}"
        )
    result.notes.append(
        f"{variant}: the longest request while migrating took {during.max * 1000:.0f} ms ({during.slowest}), "
        f"against {run.phases['before'].max * 1000:.0f} ms before"
    )
