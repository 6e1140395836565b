"""A canary password, used for a real password-authenticated TCP server, never leaks:
not in CLI output, not in --json reports, not in logs, not in error messages."""

import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import alembic_api
from strata.testing.server import subprocess_env
from strata.urls import libpq
from tiny_models import APP
from tiny_support import CANARY_PASSWORD, STRATA_WITH_TINY, TINY


@pytest.fixture
def canary_db(password_server: URL) -> Iterator[URL]:
    """An empty database on the password server, reached with the canary password."""
    name = f"canary_{os.getpid()}_{id(object())}"
    with psycopg.connect(libpq(password_server), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield password_server.set(database=name)
    with psycopg.connect(libpq(password_server), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _strata(url: URL, *args: str) -> subprocess.CompletedProcess[str]:
    env = subprocess_env()
    env |= {"TINY_DATABASE_URL": libpq(url), "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-c", STRATA_WITH_TINY, *args],
        env=env,
        cwd=TINY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_json_on_a_password_server_never_shows_the_password(canary_db: URL) -> None:
    done = _strata(canary_db, "check", "--app", "tiny", "--json", "--database-url", libpq(canary_db))
    assert '"ok": true' in done.stdout, done.stdout + done.stderr
    assert "postgres:***@127.0.0.1" in done.stdout
    assert CANARY_PASSWORD not in done.stdout + done.stderr


def test_status_and_up_mask_the_password(canary_db: URL) -> None:
    for args in (("up", "--app", "tiny"), ("status",)):
        done = _strata(canary_db, *args)
        assert done.returncode == 0, done.stderr
        assert "postgres:***@127.0.0.1" in done.stdout
        assert CANARY_PASSWORD not in done.stdout + done.stderr


def test_debug_logs_of_a_migration_never_show_the_password(canary_db: URL, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        alembic_api.upgrade(APP, canary_db)
        alembic_api.downgrade(APP, canary_db)
    assert "Running upgrade" in caplog.text or "CREATE TABLE" in caplog.text
    assert CANARY_PASSWORD not in caplog.text
