"""Course Supporter's benchmark for `strata bench`: deleting a large course, with and without FK indexes.

The seed's migration indexed no foreign key. PostgreSQL then runs each
cascade as a scan of the child table per deleted parent row.
"""

from typing import Any

from sqlalchemy.engine import URL
from strata import copy
from strata.bench import BenchContext, Result, measure
from strata.connect import connect
from strata.engines import sync_engine
from strata.orm import uuid7

from course_supporter.app import APP

PER_LESSON = 5  # concepts, and exercises, per lesson
SEED_TIMEOUT = "300s"


def _load(url: URL, lessons: int) -> Any:
    """One course with `lessons` lessons, each with PER_LESSON concepts and exercises; returns the course id."""
    course = uuid7()
    modules = [uuid7() for _ in range(max(1, lessons // 50))]
    lesson_ids = [uuid7() for _ in range(lessons)]
    tables: dict[str, tuple[tuple[str, ...], Any]] = {
        "courses": (("id", "title"), [(copy.uuid_(course), copy.text("bench"))]),
        "modules": (
            ("id", "course_id", "title", "order"),
            [(copy.uuid_(m), copy.uuid_(course), copy.text("m"), copy.int4(n)) for n, m in enumerate(modules)],
        ),
        "lessons": (
            ("id", "module_id", "title", "order"),
            [
                (copy.uuid_(lesson), copy.uuid_(modules[n % len(modules)]), copy.text("l"), copy.int4(n))
                for n, lesson in enumerate(lesson_ids)
            ],
        ),
        "concepts": (
            ("id", "lesson_id", "title", "definition"),
            [
                (copy.uuid_(uuid7()), copy.uuid_(lesson), copy.text("c"), copy.text("d"))
                for lesson in lesson_ids
                for _ in range(PER_LESSON)
            ],
        ),
        "exercises": (
            ("id", "lesson_id", "description"),
            [
                (copy.uuid_(uuid7()), copy.uuid_(lesson), copy.text("e"))
                for lesson in lesson_ids
                for _ in range(PER_LESSON)
            ],
        ),
    }
    engine = sync_engine(url)
    with engine.begin() as connection:
        for table, (columns, rows) in tables.items():
            copy.copy_binary(connection, table, columns, copy.payload(rows))
    engine.dispose()
    with connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return course


def cascade(ctx: BenchContext) -> Result:
    """Delete one course with its lessons, concepts and exercises: this project's schema against the seed's."""
    lessons = ctx.size(500, 10_000)
    result = Result(
        "cascade",
        "Deleting a course: FK-indexed schema against the seed's (no FK indexes)",
        {"lessons": lessons, "concepts": lessons * PER_LESSON, "exercises": lessons * PER_LESSON, "repeat": 3},
    )
    timings = {}
    for variant in ("this project (FK indexes)", "seed 001 (no FK indexes)"):
        url = ctx.migrated(APP, "cascade")
        if variant.startswith("seed"):
            with connect(url, autocommit=True) as conn:
                indexes = conn.execute(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix\\_%'"
                )
                for (name,) in indexes.fetchall():
                    conn.execute(f'DROP INDEX "{name}"')
        state: dict[str, Any] = {}

        def setup(url: URL = url, state: dict[str, Any] = state) -> None:
            with connect(url, autocommit=True) as conn:
                conn.execute("TRUNCATE courses CASCADE")
            state["course"] = _load(url, lessons)

        def run(url: URL = url, state: dict[str, Any] = state) -> None:
            with connect(url, autocommit=True) as conn:
                conn.execute(f"SET statement_timeout = '{SEED_TIMEOUT}'")
                conn.execute("DELETE FROM courses WHERE id = %s", (state["course"],))

        timings[variant] = measure(run, repeat=3, setup=setup)
    fast = timings["this project (FK indexes)"].median
    for variant, stats in timings.items():
        result.rows.append(
            {
                "variant": variant,
                "median s": round(stats.median, 3),
                "spread": f"±{stats.spread / 2:.0%}",
                "vs this project": f"{stats.median / fast:.0f}× slower" if stats.median > fast * 1.5 else "1×",
            }
        )
    return result
