"""A canary password, used for a real password-authenticated TCP server, never leaks:
not in CLI output, not in --json reports, not in logs, not in error messages."""

import logging
import os
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.migrations import alembic_api
from tiny_models import APP
from tiny_support import CANARY_PASSWORD, TINY, in_process_strata

WRONG_PASSWORD = "wrong-Kx3!pw"
Strata = Callable[..., tuple[int, str, str]]


@pytest.fixture
def canary_db(password_server: URL) -> Iterator[URL]:
    """An empty database on the password server, reached with the canary password."""
    name = f"canary_{os.getpid()}_{id(object())}"
    with psycopg.connect(libpq(password_server), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield password_server.set(database=name)
    with psycopg.connect(libpq(password_server), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def strata(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Strata:
    """`strata *args` in this process, tinyapp's URL taken from TINY_DATABASE_URL; wide, so nothing wraps."""
    run = in_process_strata(monkeypatch, capsys, columns=250)
    monkeypatch.chdir(TINY)

    def strata(url: URL, *args: str) -> tuple[int, str, str]:
        return run(*args, TINY_DATABASE_URL=libpq(url))

    return strata


def test_check_json_on_a_password_server_never_shows_the_password(canary_db: URL, strata: Strata) -> None:
    _code, out, err = strata(canary_db, "check", "--app", "tiny", "--json", "--database-url", libpq(canary_db))
    assert '"ok": true' in out, out + err
    assert "postgres:***@127.0.0.1" in out
    assert CANARY_PASSWORD not in out + err


def test_status_and_up_mask_the_password(canary_db: URL, strata: Strata) -> None:
    for args in (("up", "--app", "tiny"), ("status",)):
        code, out, err = strata(canary_db, *args)
        assert code == 0, err
        assert "postgres:***@127.0.0.1" in out
        assert CANARY_PASSWORD not in out + err


def _shown(url: URL) -> str:
    """How strata must print `url`: the password replaced, never dropped."""
    return f"postgresql+psycopg://postgres:***@127.0.0.1:{url.port}/{url.database}"


def _legacy_source_revision(url: URL) -> str:
    """A data migration that fails on a URL with the canary password: PostgreSQL echoes the bad value."""
    source = libpq(url.set(database="legacy"))
    return (
        '"""legacy source"""\nfrom alembic import op\n\nrevision = "0002"\ndown_revision = "0001"\n\n\n'
        f"def upgrade() -> None:\n    op.execute(\"SELECT '{source}'::integer\")\n\n\n"
        "def downgrade() -> None:\n    pass\n"
    )


def _errors(url: URL, tiny_copy: App) -> dict[str, tuple[App, URL, str]]:
    wrong = url.set(password=WRONG_PASSWORD)
    missing = url.set(database="no_such_db")
    return {
        "database does not exist": (
            APP,
            missing,
            f"database 'no_such_db' does not exist at 127.0.0.1:{url.port} ({_shown(missing)}); "
            "create it, or fix the name in the URL",
        ),
        "wrong password": (
            APP,
            wrong,
            f"wrong password for user 'postgres' at 127.0.0.1:{url.port} ({_shown(url)}); "
            "fix the password in the database URL",
        ),
        "failing revision": (
            tiny_copy,
            url,
            "revision 0002 failed and was rolled back; the database stays at 0001: "
            f'invalid input syntax for type integer: "postgresql://postgres:***@127.0.0.1:{url.port}/legacy"',
        ),
    }


@pytest.mark.parametrize("case", ["database does not exist", "wrong password", "failing revision"])
def test_errors_that_carry_the_url_mask_it_in_the_message_and_the_debug_log(
    case: str, canary_db: URL, tiny_copy: App, caplog: pytest.LogCaptureFixture
) -> None:
    (tiny_copy.migrations_dir / "versions" / "0002_legacy.py").write_text(_legacy_source_revision(canary_db))
    app, url, expected = _errors(canary_db, tiny_copy)[case]
    with caplog.at_level(logging.DEBUG), pytest.raises(StrataError) as caught:
        alembic_api.upgrade(app, url)
    assert str(caught.value) == expected
    assert f"migrating tiny on {_shown(url)}" in caplog.messages
    if case == "failing revision":
        assert "Running upgrade 0001 -> 0002, legacy source" in caplog.messages
    for secret in (CANARY_PASSWORD, WRONG_PASSWORD):
        assert secret not in str(caught.value)
        assert secret not in caplog.text


def test_debug_logs_of_a_migration_show_the_url_only_masked(canary_db: URL, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        alembic_api.upgrade(APP, canary_db)
        alembic_api.downgrade(APP, canary_db)
    assert caplog.messages.count(f"migrating tiny on {_shown(canary_db)}") == 2
    assert "Running upgrade  -> 0001, notes and tags" in caplog.messages
    assert "Running downgrade 0001 -> , notes and tags" in caplog.messages
    assert CANARY_PASSWORD not in caplog.text
