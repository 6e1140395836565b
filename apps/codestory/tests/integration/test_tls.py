"""Code Story (asyncpg) over TLS: `sslmode=require` URLs through a TLS-only PgBouncer."""

import asyncio

import pytest
from codestory.app import APP
from codestory.models import User
from codestory.models.database import close_db, get_session
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata import alembic_api
from strata.introspect import summary
from strata.testing.clients import run_clients
from strata.testing.commands import run_alembic
from strata.testing.pgbouncer import PgBouncer


async def _count(session: AsyncSession) -> None:
    await session.scalar(select(func.count()).select_from(User))


async def test_migrations_and_sessions_work_with_sslmode_require(
    strata_pgbouncer_tls: PgBouncer, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = str(strata_empty_url.database)
    # The runner starts its own event loop for async migrations, so it runs beside this test's loop.
    await asyncio.to_thread(alembic_api.upgrade, APP, strata_pgbouncer_tls.url(name, marked=False, sslmode="require"))
    assert summary(strata_empty_url).revision == ",".join(alembic_api.heads(APP))
    url = strata_pgbouncer_tls.url(name, sslmode="require")
    monkeypatch.setenv("CODESTORY_DATABASE_URL", url.render_as_string(hide_password=False))
    await close_db()
    try:
        assert await run_clients(get_session, _count, clients=2, transactions=3) == []
    finally:
        await close_db()


def test_sslmode_disable_against_the_tls_only_server_is_one_line_and_exit_1(
    strata_pgbouncer_tls: PgBouncer, strata_empty_url: URL
) -> None:
    url = strata_pgbouncer_tls.url(str(strata_empty_url.database), marked=False, sslmode="disable")
    done = run_alembic(APP, "upgrade", "head", CODESTORY_DATABASE_URL=url.render_as_string(hide_password=False))
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: 127.0.0.1:{strata_pgbouncer_tls.port} accepts only TLS connections (")
    assert line.endswith("use sslmode=require, or verify-full with sslrootcert=<CA file>, instead of sslmode=disable")
    assert strata_pgbouncer_tls.password not in line
