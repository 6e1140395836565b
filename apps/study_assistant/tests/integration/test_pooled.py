"""The session dependency through PgBouncer in transaction mode, with a `?pgbouncer=true` URL.

The kNN settings are set per transaction (`set_config(..., true)`, i.e. SET
LOCAL): every transaction first checks that no earlier one, on whichever
server connection the pooler gave it, left `hnsw.ef_search` behind.
"""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.clients import run_clients_at
from strata.testing.pgbouncer import PgBouncer
from study_assistant import database
from study_assistant.app import APP
from study_assistant.database import get_session
from study_assistant.retrieval import DEFAULT_EF_SEARCH, nearest_chunks


class LeakedSettingError(AssertionError):
    pass


async def _work(session: AsyncSession) -> None:
    left_behind = await session.scalar(text("SELECT current_setting('hnsw.ef_search', true)"))
    if left_behind == str(DEFAULT_EF_SEARCH):
        raise LeakedSettingError(f"hnsw.ef_search={left_behind} leaked from another transaction")
    await nearest_chunks(session, uuid.uuid4(), [0.5] * 768)


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
