"""Course Supporter's benchmark for `strata bench`: deleting a large course, with and without FK indexes.

The seed's migration indexed no foreign key. PostgreSQL then runs each
cascade as a scan of the child table per deleted parent row.
"""

from typing import Any

from sqlalchemy import pool
from sqlalchemy.engine import URL
from strata.bench import BenchContext, Result, measure
from strata.connection.connect import connect
from strata.connection.factory import sync_engine
from strata.seed import Generated, Generator, reflect, write

from course_supporter.app import APP

PER_LESSON = 5  # concepts, and exercises, per lesson
SEED_TIMEOUT = "300s"


def _course(url: URL, lessons: int) -> list[Generated]:
    """One course with `lessons` lessons, each with PER_LESSON concepts and exercises, from the seed generator.

    Embeddings stay NULL: the benchmark measures the cascade, not TOAST.
    """
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            tables = reflect(connection).tables
    finally:
        engine.dispose()
    generator = Generator(tables.values(), seed=11)
    counts = {
        "courses": 1,
        "modules": max(1, lessons // 50),
        "lessons": lessons,
        "concepts": lessons * PER_LESSON,
        "exercises": lessons * PER_LESSON,
    }
    return [
        generator.generate(tables[name], count, fixed={"embedding": None} if name == "concepts" else None)
        for name, count in counts.items()
    ]


def _load(url: URL, course: list[Generated]) -> None:
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            for generated in course:
                write(connection, generated)
    finally:
        engine.dispose()
    with connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


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
        course = _course(url, lessons)

        def setup(url: URL = url, course: list[Generated] = course) -> None:
            with connect(url, autocommit=True) as conn:
                conn.execute("TRUNCATE courses CASCADE")
            _load(url, course)

        def run(url: URL = url, course_id: Any = course[0].columns["id"][0]) -> None:
            with connect(url, autocommit=True) as conn:
                conn.execute(f"SET statement_timeout = '{SEED_TIMEOUT}'")
                conn.execute("DELETE FROM courses WHERE id = %s", (course_id,))

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
