"""The session dependency (asyncpg) through PgBouncer in transaction mode, with a `?pgbouncer=true` URL."""

import uuid

import pytest
from codestory.app import APP
from codestory.models import User
from codestory.models.database import close_db, get_session
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.clients import run_clients_at
from strata.testing.pgbouncer import PgBouncer


async def _work(session: AsyncSession) -> None:
    await session.scalar(select(User).where(User.id == uuid.uuid4()))
    await session.scalar(select(func.count()).select_from(User))


async def test_8_clients_x_30_transactions_through_pgbouncer(
    strata_pgbouncer: PgBouncer, strata_fresh_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = await run_clients_at(
        APP,
        strata_pgbouncer.url(str(strata_fresh_url.database)),
        setenv=monkeypatch.setenv,
        reset=close_db,
        dependency=get_session,
        work=_work,
    )
    assert failures == []
