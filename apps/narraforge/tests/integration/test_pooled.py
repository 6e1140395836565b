"""The `get_db` dependency through PgBouncer in transaction mode, with a `?pgbouncer=true` URL."""

import uuid

import pytest
from narraforge.app import APP
from narraforge.models import database
from narraforge.models.database import get_db
from narraforge.models.schema import Job
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.clients import run_clients_at
from strata.testing.pgbouncer import PgBouncer


async def _work(session: AsyncSession) -> None:
    await session.scalar(select(Job).where(Job.id == uuid.uuid4()))
    await session.scalar(select(func.count()).select_from(Job))


async def test_8_clients_x_30_transactions_through_pgbouncer(
    strata_pgbouncer: PgBouncer, strata_fresh_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = await run_clients_at(
        APP,
        strata_pgbouncer.url(str(strata_fresh_url.database)),
        setenv=monkeypatch.setenv,
        reset=database.database.dispose,
        dependency=get_db,
        work=_work,
    )
    assert failures == []
