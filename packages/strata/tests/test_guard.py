"""Destructive commands ask before touching a database that is not the embedded one."""

import os
import pty
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import URL
from strata.connection.connect import connect
from strata.connection.urls import mask
from strata.migrations import alembic_api
from strata.server import dev_server
from strata.server.admin import drop_database, ensure_database
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env, unique_name
from tiny_models import APP
from tiny_support import STRATA_WITH_TINY, TINY


@pytest.fixture
def precious(strata_server: URL) -> Iterator[URL]:
    """A migrated database with three notes in it, reached through TINY_DATABASE_URL."""
    url = strata_server.set(database=unique_name("precious", "g"))
    ensure_database(url)
    alembic_api.upgrade(APP, url)
    with connect(url) as conn:
        for body in ("a", "b", "c"):
            conn.execute("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), %s, 'calm')", (body,))
        conn.commit()
    yield url
    drop_database(url)


def _notes(url: URL) -> int:
    with connect(url) as conn:
        found = conn.execute("SELECT count(*) FROM notes").fetchone()
    return int(str(found[0])) if found else -1


def _strata(url: URL | None, *args: str, answer: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(COLUMNS="250")  # one line per message, however long the URL
    if url is not None:
        env["TINY_DATABASE_URL"] = url.render_as_string(hide_password=False)
    if answer is None:  # no terminal: stdin is /dev/null
        return run_python("-c", STRATA_WITH_TINY, *args, cwd=TINY, env=env, timeout=60)
    command = [sys.executable, "-c", STRATA_WITH_TINY, *args]
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer)
        return subprocess.run(
            command, env=env, cwd=TINY, capture_output=True, text=True, timeout=60, check=False, stdin=follower
        )
    finally:
        os.close(leader)
        os.close(follower)


def test_reset_without_a_terminal_refuses_and_lists_what_would_be_lost(precious: URL) -> None:
    done = _strata(precious, "reset", "--app", "tiny")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert f"reset (downgrade base, upgrade head) on {mask(precious)} (from TINY_DATABASE_URL) loses:" in lines
    assert "    notes: 3 row(s)" in lines
    assert "    tags: 0 row(s)" in lines
    assert lines[-1] == (
        f"error: refusing to run without confirmation: {mask(precious)} is not the embedded database; reset (downgrade "
        "base, upgrade head) would lose 3 row(s) in 2 table(s); rerun with --yes (CONFIRM=1 for make)"
    )
    assert _notes(precious) == 3


def test_reset_with_yes_resets(precious: URL) -> None:
    done = _strata(precious, "reset", "--app", "tiny", "--yes")
    assert done.returncode == 0, done.stderr
    assert "tiny: reset to 0001" in done.stderr
    assert _notes(precious) == 0


def test_answering_no_on_a_terminal_changes_nothing(precious: URL) -> None:
    done = _strata(precious, "reset", "--app", "tiny", answer=b"n\n")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "error: aborted; nothing was changed"
    assert _notes(precious) == 3


def test_pressing_enter_on_a_terminal_changes_nothing(precious: URL) -> None:
    done = _strata(precious, "reset", "--app", "tiny", answer=b"\n")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "error: aborted; nothing was changed"
    assert _notes(precious) == 3


def test_answering_yes_on_a_terminal_resets(precious: URL) -> None:
    done = _strata(precious, "reset", "--app", "tiny", answer=b"y\n")
    assert done.returncode == 0, done.stderr
    assert _notes(precious) == 0


def test_guard_refuses_for_a_downgrade_without_a_terminal(precious: URL) -> None:
    done = _strata(precious, "guard", "--app", "tiny", "--action", "downgrade -1")
    assert done.returncode == 1
    assert "downgrade -1 would lose 3 row(s)" in done.stderr
    assert _notes(precious) == 3


def test_the_embedded_database_resets_without_asking_and_says_what_it_wipes() -> None:
    assert _strata(None, "up", "--app", "tiny").returncode == 0
    embedded = dev_server().url("tiny")
    with connect(embedded) as conn:
        for body in ("x", "y"):
            conn.execute("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), %s, 'calm')", (body,))
        conn.commit()
    done = _strata(None, "reset", "--app", "tiny")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines() == [
        "tiny: wiping 2 row(s) in 2 table(s) (rows: notes 2)",
        "tiny: reset to 0001",
    ]
    assert _notes(embedded) == 0
