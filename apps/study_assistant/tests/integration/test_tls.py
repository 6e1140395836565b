"""Study Assistant (psycopg) over TLS: `sslmode=require` URLs through a TLS-only PgBouncer."""

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.catalog.contents import summary
from strata.migrations import alembic_api
from strata.testing.clients import run_clients_at
from strata.testing.commands import run_alembic
from strata.testing.pgbouncer import PgBouncer, tls_refusal
from study_assistant import database
from study_assistant.app import APP
from study_assistant.database import get_session
from study_assistant.models import Profile


async def _count(session: AsyncSession) -> None:
    await session.scalar(select(func.count()).select_from(Profile))


async def test_migrations_and_sessions_work_with_sslmode_require(
    strata_pgbouncer_tls: PgBouncer, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = str(strata_empty_url.database)
    through_tls = strata_pgbouncer_tls.url(name, marked=False, sslmode="require")
    # The runner starts its own event loop for async migrations, so it runs beside this test's loop.
    await asyncio.to_thread(alembic_api.upgrade, APP, through_tls)
    assert summary(strata_empty_url).revision == ",".join(alembic_api.heads(APP))
    failures = await run_clients_at(
        strata_pgbouncer_tls.url(name, sslmode="require"),
        variable="STUDY_ASSISTANT_DATABASE_URL",
        setenv=monkeypatch.setenv,
        reset=database.database.dispose,
        dependency=get_session,
        work=_count,
        clients=2,
        transactions=3,
    )
    assert failures == []


def test_sslmode_disable_against_the_tls_only_server_is_one_line_and_exit_1(
    strata_pgbouncer_tls: PgBouncer, strata_empty_url: URL
) -> None:
    url = strata_pgbouncer_tls.url(str(strata_empty_url.database), marked=False, sslmode="disable")
    done = run_alembic(APP, "upgrade", "head", STUDY_ASSISTANT_DATABASE_URL=url.render_as_string(hide_password=False))
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    starts, ends = tls_refusal(strata_pgbouncer_tls)
    assert line.startswith(starts)
    assert line.endswith(ends)
    assert strata_pgbouncer_tls.password not in line
