"""Which URL each purpose uses, the pooled marker, and libpq parameters on both drivers."""

import pytest
from sqlalchemy import pool, text
from sqlalchemy.engine import URL
from strata.connection.connect import connect
from strata.connection.factory import async_engine, migration_engine
from strata.connection.params import is_pooled, mark_pooled
from strata.connection.resolve import migration_url
from strata.connection.settings import resolve_url
from strata.connection.urls import Driver
from strata.errors import StrataError
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env
from tiny_models import APP
from tiny_support import STRATA_WITH_TINY, TINY

RUNTIME = "postgresql://u:pw@pooler.example.com:6543/app"
DIRECT = "postgresql://u:pw@db.example.com:5432/app"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "DIRECT_DATABASE_URL", "DATABASE_POOLER"):
        for prefix in ("", "TINY_"):
            monkeypatch.delenv(prefix + name, raising=False)


def test_the_pooler_variable_marks_the_runtime_url_pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_DATABASE_URL", RUNTIME)
    assert not is_pooled(resolve_url(APP))
    monkeypatch.setenv("TINY_DATABASE_POOLER", "transaction")
    assert is_pooled(resolve_url(APP))


def test_a_bad_pooler_value_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_DATABASE_URL", RUNTIME)
    monkeypatch.setenv("TINY_DATABASE_POOLER", "session")
    with pytest.raises(StrataError, match=r"^TINY_DATABASE_POOLER='session' is invalid: use 'transaction'"):
        resolve_url(APP)


@pytest.mark.parametrize("variable", ["TINY_DIRECT_DATABASE_URL", "DIRECT_DATABASE_URL"])
def test_migrations_use_the_direct_url(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv("TINY_DATABASE_URL", RUNTIME + "?pgbouncer=true")
    monkeypatch.setenv(variable, DIRECT)
    assert migration_url(APP).host == "db.example.com"


def test_the_apps_direct_url_wins_over_the_generic_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECT_DATABASE_URL", "postgresql://u@generic/app")
    monkeypatch.setenv("TINY_DIRECT_DATABASE_URL", DIRECT)
    assert migration_url(APP).host == "db.example.com"


def test_without_a_direct_url_migrations_use_an_unmarked_runtime_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_DATABASE_URL", RUNTIME)
    assert migration_url(APP).host == "pooler.example.com"


@pytest.mark.parametrize(
    "env",
    [
        {"TINY_DATABASE_URL": RUNTIME + "?pgbouncer=true"},
        {"TINY_DATABASE_URL": RUNTIME, "DATABASE_POOLER": "transaction"},
    ],
    ids=["marker", "variable"],
)
def test_a_pooled_url_alone_is_refused_for_migrations(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(StrataError, match=r"^tiny: migrations need a direct connection.*set TINY_DIRECT_DATABASE_URL"):
        migration_engine(APP, migration_url(APP))


def test_a_direct_url_marked_pooled_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_DIRECT_DATABASE_URL", DIRECT + "?pgbouncer=true")
    with pytest.raises(StrataError, match=r"^TINY_DIRECT_DATABASE_URL is marked pooled"):
        migration_url(APP)


def test_strata_up_with_a_pooled_url_alone_refuses_in_one_line() -> None:
    env = subprocess_env(TINY_DATABASE_URL=RUNTIME + "?pgbouncer=true")
    done = run_python("-c", STRATA_WITH_TINY, "up", "--app", "tiny", cwd=TINY, env=env)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: tiny: migrations need a direct connection")
    assert "TINY_DIRECT_DATABASE_URL" in line


def test_the_marker_is_stripped_before_libpq_sees_it(strata_empty_url: URL) -> None:
    with connect(mark_pooled(strata_empty_url)) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (strata_empty_url.database,)


async def test_libpq_parameters_work_on_both_drivers(strata_empty_url: URL, strata_driver: Driver) -> None:
    url = mark_pooled(strata_empty_url).update_query_dict(
        {"application_name": "strata-probe", "options": "-cstatement_timeout=1234"}
    )
    engine = async_engine(url, driver=strata_driver, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            found = (
                await conn.execute(
                    text("SELECT current_setting('application_name'), current_setting('statement_timeout')")
                )
            ).one()
    finally:
        await engine.dispose()
    assert tuple(found) == ("strata-probe", "1234ms")


def test_strata_check_refuses_a_pooled_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from strata import apps
    from strata.cli.check import check

    monkeypatch.setattr(apps, "discover", lambda: {"tiny": APP})  # register tinyapp, as its entry point would
    with pytest.raises(StrataError, match=r"^tiny: migrations need a direct connection.*TINY_DIRECT_DATABASE_URL"):
        check(app_name="tiny", database_url=RUNTIME + "?pgbouncer=true")
