"""The session dependency through PgBouncer in transaction mode, with a `?pgbouncer=true` URL."""

import uuid

import pytest
from course_supporter.app import APP
from course_supporter.storage import database
from course_supporter.storage.database import get_session
from course_supporter.storage.orm import Course
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.clients import run_clients_at
from strata.testing.pgbouncer import PgBouncer


async def _work(session: AsyncSession) -> None:
    session.add(Course(title="pooled"))
    await session.flush()
    await session.scalar(select(Course).where(Course.id == uuid.uuid4()))
    await session.scalar(select(func.count()).select_from(Course))


async def test_8_clients_x_30_transactions_through_pgbouncer(
    strata_pgbouncer: PgBouncer, strata_fresh_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = await run_clients_at(
        APP,
        strata_pgbouncer.url(str(strata_fresh_url.database)),
        setenv=monkeypatch.setenv,
        reset=database.database.dispose,
        dependency=get_session,
        work=_work,
    )
    assert failures == []
