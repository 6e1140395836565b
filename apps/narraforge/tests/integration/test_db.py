"""The seed's tests/integration/test_db.py, on a real PostgreSQL instead of "manual verification"."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# The seed's expected `\dt` output, exactly.
EXPECTED_DT = [
    "alembic_version",
    "artifacts",
    "characters",
    "cost_snapshots",
    "jobs",
    "qa_reports",
    "timelines",
    "worlds",
]


async def test_database_connection(strata_async_engine: AsyncEngine) -> None:
    async with strata_async_engine.connect() as conn:
        assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1


async def test_tables_exist(strata_async_engine: AsyncEngine) -> None:
    async with strata_async_engine.connect() as conn:
        rows = await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        tables = {row[0] for row in rows}
    assert {"jobs", "artifacts", "worlds"} <= tables


async def test_alembic_version(strata_async_engine: AsyncEngine) -> None:
    async with strata_async_engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    assert version == "af4b3ea397a4"


async def test_dt_lists_exactly_the_seeds_tables(strata_async_engine: AsyncEngine) -> None:
    async with strata_async_engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
        assert [row[0] for row in rows] == EXPECTED_DT
