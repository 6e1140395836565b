"""What `strata up`, `reset` and `status` say about each app's history.

Two copies of tinyapp ("tiny" and "tiny2") stand in for a workspace's apps, each
with a database of its own on the test server. strata runs in this process, at
80 columns as a CI log prints; alembic runs as a real process.
"""

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy.engine import URL
from strata.catalog.contents import revision, row_count
from strata.cli.status import app_status
from strata.connection.connect import connect
from strata.connection.urls import libpq
from strata.server.admin import drop_database, ensure_database
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env, unique_name
from tiny_models import APP
from tiny_support import TINY, in_process_strata

UNKNOWN = "deadbeef0000"
Strata = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def databases(strata_server: URL) -> Iterator[dict[str, URL]]:
    """An empty database for each of the two apps, dropped afterwards."""
    urls = {name: strata_server.set(database=unique_name(name, "h")) for name in ("tiny", "tiny2")}
    for url in urls.values():
        ensure_database(url)
    yield urls
    for url in urls.values():
        drop_database(url)


@pytest.fixture
def strata(databases: dict[str, URL], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Strata:
    """`strata *args` with exactly the two apps installed, each on its database, run from the tests folder."""
    run = in_process_strata(monkeypatch, capsys, {"tiny": APP, "tiny2": replace(APP, name="tiny2")}, columns=80)
    monkeypatch.chdir(TINY.parent)
    urls = {"TINY_DATABASE_URL": libpq(databases["tiny"]), "TINY2_DATABASE_URL": libpq(databases["tiny2"])}

    def strata(*args: str) -> "subprocess.CompletedProcess[str]":
        code, out, err = run(*args, **urls)
        return subprocess.CompletedProcess(["strata", *args], code, out, err)

    return strata


def _record(url: URL, recorded: str) -> None:
    """Stamp `url` with `recorded`, as a database whose revision file was deleted would be."""
    with connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32) PRIMARY KEY)")
        conn.execute("DELETE FROM alembic_version")
        conn.execute("INSERT INTO alembic_version VALUES (%s)", (recorded,))
        conn.commit()


def _revision(url: URL) -> str | None:
    with connect(url) as conn:
        return revision(conn)


def _unknown_line(app: str) -> str:
    return (
        f"error: {app}: the database records revision {UNKNOWN}, which no file in tinyapp/migrations/versions "
        "defines; restore that revision file, or record the revision the schema is really at: "
        "alembic -c tinyapp/alembic.ini stamp --purge <revision>"
    )


def test_up_names_an_unknown_revision_in_one_line_and_still_migrates_the_other_apps(
    databases: dict[str, URL], strata: Strata
) -> None:
    _record(databases["tiny"], UNKNOWN)
    done = strata("up")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        _unknown_line("tiny"),
        "not migrated: tiny; the other apps are at head",
    ]
    assert _revision(databases["tiny2"]) == "0001"
    assert _revision(databases["tiny"]) == UNKNOWN


def test_up_prints_each_url_whole_on_a_line_of_its_own_at_80_columns(databases: dict[str, URL], strata: Strata) -> None:
    done = strata("up")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ("tiny", "tiny2"):
        url = databases[name]
        assert f"  database: postgresql+psycopg://postgres@/{url.database}?host={url.query['host']}" in lines
        assert any(line.startswith(f"{name}: 0001 (head), 2 tables, extensions: vector 0.8") for line in lines)


def test_reset_names_an_unknown_revision_says_what_it_wipes_and_resets_the_other_apps(
    databases: dict[str, URL], strata: Strata
) -> None:
    assert strata("up").returncode == 0
    with connect(databases["tiny2"]) as conn:
        conn.execute("INSERT INTO notes (id, body, mood) VALUES (uuidv7(), 'one', 'calm'), (uuidv7(), 'two', 'busy')")
        conn.commit()
    _record(databases["tiny"], UNKNOWN)
    done = strata("reset", "--yes")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert _unknown_line("tiny") in lines
    assert "tiny2: wiping 2 row(s) in 2 table(s) (rows: notes 2)" in lines
    assert lines[-2:] == ["tiny2: reset to 0001", "not reset: tiny; the other apps were reset"]
    with connect(databases["tiny2"]) as conn:
        assert row_count(conn, "notes") == 0


def test_alembic_past_base_exits_1_in_one_line_like_strata(databases: dict[str, URL], strata: Strata) -> None:
    assert strata("up").returncode == 0
    env = subprocess_env(TINY_DATABASE_URL=libpq(databases["tiny"]))
    done = run_python("-m", "alembic", "downgrade", "-5", cwd=TINY, env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "error: tiny: Relative revision -5 didn't produce 5 migrations; the database stays at 0001 "
        "(`alembic history` lists the revisions)"
    )
    assert _revision(databases["tiny"]) == "0001"


def test_status_shows_current_head_pending_and_flags_an_unknown_revision(
    databases: dict[str, URL], strata: Strata
) -> None:
    _record(databases["tiny"], UNKNOWN)
    at_base = strata("status")
    assert at_base.returncode == 0, at_base.stderr
    lines = at_base.stdout.splitlines()
    assert "tiny: records unknown revision deadbeef0000 (no revision file defines it); head 0001" in lines
    assert "tiny2: base → 0001, 1 pending" in lines
    report = {entry["app"]: entry for entry in json.loads(strata("status", "--json").stdout)["apps"]}
    assert {name: (e["current"], e["head"], e["pending"], e["unknown"]) for name, e in report.items()} == {
        "tiny": (UNKNOWN, "0001", 0, [UNKNOWN]),
        "tiny2": (None, "0001", 1, []),
    }
    assert strata("up", "--app", "tiny2").returncode == 0
    report = {entry["app"]: entry for entry in json.loads(strata("status", "--json").stdout)["apps"]}
    assert (report["tiny2"]["current"], report["tiny2"]["state"], report["tiny2"]["pending"]) == ("0001", "at head", 0)


class _TestServer:
    """The test session's server, seen through the `Server` protocol, as the embedded one would be."""

    def __init__(self, maintenance: URL):
        self.maintenance = maintenance

    def ensure_running(self) -> None: ...
    def is_running(self) -> bool:
        return True

    def stop(self) -> bool:
        return False

    def url(self, database: str) -> URL:
        return self.maintenance.set(database=database)

    def describe(self) -> dict[str, str]:
        return {}

    def discard(self) -> None: ...


def test_status_of_an_embedded_app_whose_database_is_not_created_yet(
    strata_server: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in os.environ if n.endswith("DATABASE_URL")]:
        monkeypatch.delenv(name)
    app = replace(APP, name=unique_name("never", "h"))
    entry = app_status(app, _TestServer(strata_server))
    assert (entry["state"], entry["summary"], entry["current"]) == (
        "not created",
        "no database yet; `strata up` creates it and migrates it to head",
        None,
    )
