"""The migration lock's wait, in process: a waiter goes on when the lock is freed, and says it waits once."""

import sys

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.catalog.contents import summary
from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.migrations.lock import lock_key
from tiny_support import StderrWatcher


def _hold(url: URL) -> psycopg.Connection[tuple[object, ...]]:
    """Another session holding tiny's migration lock, as a migration on another replica would."""
    holder = psycopg.connect(libpq(url), autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("tiny"),))
    return holder


def test_a_migration_waiting_for_the_lock_goes_on_as_soon_as_it_is_free(
    tiny_copy: App, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock is freed at once after the first refusal: well inside the 0.9 s the waiter may wait."""
    with _hold(strata_empty_url) as holder:
        stderr = StderrWatcher("waiting up to", then=lambda: holder.execute("SELECT pg_advisory_unlock_all()"))
        monkeypatch.setattr(sys, "stderr", stderr)
        alembic_api.upgrade(tiny_copy, strata_empty_url, lock_wait=0.9)
    assert stderr.written.startswith(
        f"strata: waiting up to 1 s for the migration lock on '{strata_empty_url.database}', held by pid "
    )
    assert stderr.written.count("\n") == 1
    assert summary(strata_empty_url).revision == "0001"


def test_a_migration_that_waits_in_vain_says_so_once_and_migrates_nothing(
    tiny_copy: App, strata_empty_url: URL, capsys: pytest.CaptureFixture[str]
) -> None:
    with _hold(strata_empty_url), pytest.raises(StrataError, match=r"^gave up after 1 s waiting"):
        alembic_api.upgrade(tiny_copy, strata_empty_url, lock_wait=0.7)
    assert capsys.readouterr().err.count("waiting up to 1 s for the migration lock") == 1
    assert summary(strata_empty_url).revision is None


def test_the_lock_key_of_an_app_is_the_same_in_every_strata_version() -> None:
    """Replicas of two releases migrating at once during a rolling deploy must take one and the same lock."""
    assert lock_key("tiny") == 6968056431670393746
    assert lock_key("course_supporter") == -5112228789276414612
