"""The TLS proofs every app runs through a TLS-only PgBouncer, written once.

Each app differs only in its driver, its session dependency and what a
transaction reads; the checks themselves (migrations and sessions work with
`sslmode=require`, `sslmode=disable` is one masked line and exit 1) are the same.
"""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.engine import URL

from strata.apps import App
from strata.catalog.contents import summary
from strata.migrations import alembic_api
from strata.testing.clients import SessionDependency, Work, run_clients_at
from strata.testing.commands import run_alembic
from strata.testing.pgbouncer import PgBouncer, tls_refusal


async def assert_migrations_and_sessions_work_over_tls(
    app: App,
    pgbouncer: PgBouncer,
    empty_url: URL,
    monkeypatch: pytest.MonkeyPatch,
    *,
    reset: Callable[[], Awaitable[None]],
    dependency: SessionDependency,
    work: Work,
) -> None:
    """`app` migrates an empty database through `sslmode=require`, then its sessions run over TLS."""
    name = str(empty_url.database)
    through_tls = pgbouncer.url(name, marked=False, sslmode="require")
    # The runner starts its own event loop for async migrations, so it runs beside the test's loop.
    await asyncio.to_thread(alembic_api.upgrade, app, through_tls)
    assert summary(empty_url).revision == ",".join(alembic_api.heads(app))
    failures = await run_clients_at(
        app,
        pgbouncer.url(name, sslmode="require"),
        setenv=monkeypatch.setenv,
        reset=reset,
        dependency=dependency,
        work=work,
        clients=2,
        transactions=3,
    )
    assert failures == []


def assert_sslmode_disable_is_refused_in_one_line(app: App, pgbouncer: PgBouncer, empty_url: URL) -> None:
    """`alembic` with `sslmode=disable` against the TLS-only PgBouncer: one masked line, exit 1."""
    url = pgbouncer.url(str(empty_url.database), marked=False, sslmode="disable")
    done = run_alembic(
        app, "upgrade", "head", **{f"{app.env_prefix}DATABASE_URL": url.render_as_string(hide_password=False)}
    )
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    starts, ends = tls_refusal(pgbouncer)
    assert line.startswith(starts)
    assert line.endswith(ends)
    assert pgbouncer.password not in line
