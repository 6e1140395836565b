"""Study Assistant (psycopg) over TLS: `sslmode=require` URLs through a TLS-only PgBouncer."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.pgbouncer import PgBouncer
from strata.testing.tls import (
    assert_migrations_and_sessions_work_over_tls,
    assert_sslmode_disable_is_refused_in_one_line,
)
from study_assistant import database
from study_assistant.app import APP
from study_assistant.database import get_session
from study_assistant.models import Profile


async def _count(session: AsyncSession) -> None:
    await session.scalar(select(func.count()).select_from(Profile))


async def test_migrations_and_sessions_work_with_sslmode_require(
    strata_pgbouncer_tls: PgBouncer, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    await assert_migrations_and_sessions_work_over_tls(
        APP,
        strata_pgbouncer_tls,
        strata_empty_url,
        monkeypatch,
        reset=database.database.dispose,
        dependency=get_session,
        work=_count,
    )


def test_sslmode_disable_against_the_tls_only_server_is_one_line_and_exit_1(
    strata_pgbouncer_tls: PgBouncer, strata_empty_url: URL
) -> None:
    assert_sslmode_disable_is_refused_in_one_line(APP, strata_pgbouncer_tls, strata_empty_url)
