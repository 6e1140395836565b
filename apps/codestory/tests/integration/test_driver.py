"""Code Story runs on asyncpg, and so do its migrations when strata drives them.

`strata up`, `strata check` and the test templates all hand a URL to the
migration runner; the driver comes from the app, not from that URL.
"""

import pytest
from codestory.app import APP
from sqlalchemy.engine import URL
from strata.checks import check_app
from strata.cli.server import up
from strata.connection.urls import with_driver
from strata.migrations import alembic_api
from strata.testing.drivers import drivers_used


def test_migrations_driven_by_strata_run_on_asyncpg_even_from_a_psycopg_url(strata_fresh_url: URL) -> None:
    psycopg_url = with_driver(strata_fresh_url, "psycopg")
    with drivers_used() as drivers:
        alembic_api.downgrade(APP, psycopg_url, "base")
        alembic_api.upgrade(APP, psycopg_url)
    assert drivers == ["asyncpg", "asyncpg"]


def test_strata_up_migrates_codestory_on_asyncpg(strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODESTORY_DATABASE_URL", strata_empty_url.render_as_string(hide_password=False))
    with drivers_used() as drivers:
        up(app_name="codestory")
    assert drivers == ["asyncpg"]


def test_strata_check_migrates_codestory_on_asyncpg(strata_empty_url: URL) -> None:
    with drivers_used() as drivers:
        report = check_app(APP, strata_empty_url)
    assert report.ok, report
    # The checks inspect the schema over psycopg; every migration step connects with asyncpg.
    assert "asyncpg" in drivers
    assert "psycopg async" not in drivers
