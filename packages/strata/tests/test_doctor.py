"""A damaged data directory: the start error quotes the log's cause, and `strata doctor` finds the damage.

An emptied `pg_wal/` used to end in "Examine the log output."; a deleted table
file passed `strata up` and surfaced only when a query failed. Both are made
here on throw-away servers, never the user's.
"""

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from strata import apps
from strata.cli import main
from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.server import EmbeddedServer
from strata.server.admin import ensure_database
from tiny_models import APP


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddedServer]:
    """A throw-away embedded server that `strata` commands in this process take for the user's, with tiny migrated."""
    home = tmp_path / "home"
    monkeypatch.setenv("STRATA_HOME", str(home))
    monkeypatch.setattr(apps, "discover", lambda: {"tiny": APP})
    for name in ("TINY_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    made = EmbeddedServer(home, durable=False)
    made.ensure_running()
    try:
        ensure_database(made.url("tiny"))
        alembic_api.upgrade(APP, made.url("tiny"), "heads")
        yield made
    finally:
        made.discard()


def _doctor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    monkeypatch.setattr(sys, "argv", ["strata", "doctor", "--json"])
    try:
        main()
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    return code, json.loads(capsys.readouterr().out)


def _extensions(server: EmbeddedServer) -> set[str]:
    with psycopg.connect(libpq(server.url("tiny"))) as connection:
        return {str(row[0]) for row in connection.execute("SELECT extname FROM pg_extension")}


def test_an_emptied_pg_wal_names_its_cause_and_doctor_names_the_missing_segment(
    server: EmbeddedServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server.stop()
    for segment in (server.data_dir / "pg_wal").iterdir():
        if segment.is_file():
            segment.unlink()

    with pytest.raises(StrataError) as failed:
        server.ensure_running()
    message = str(failed.value)
    assert "PANIC: could not locate a valid checkpoint record" in message
    assert "strata doctor" in message
    assert "Examine the log output" not in message
    assert "\n" not in message

    code, report = _doctor(monkeypatch, capsys)
    assert code == 1
    (finding,) = report["findings"]
    assert "holds the last checkpoint, is missing" in finding["problem"]
    assert "make up" in finding["fix"]


def test_doctor_finds_a_deleted_table_file_and_nothing_on_a_healthy_database(
    server: EmbeddedServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _doctor(monkeypatch, capsys)
    assert (code, report["findings"], report["checked"]) == (0, [], ["tiny"])
    assert not {"amcheck", "pg_prewarm"} & _extensions(server)  # doctor leaves no extension behind

    with psycopg.connect(libpq(server.url("tiny"))) as connection:
        row = connection.execute("SELECT pg_relation_filepath('tags')").fetchone()
    assert row is not None
    server.stop()
    (server.data_dir / str(row[0])).unlink()

    code, report = _doctor(monkeypatch, capsys)
    assert code == 1
    found = {finding["where"]: finding for finding in report["findings"]}
    assert "could not open file" in found["tiny: table public.tags"]["problem"]
    assert "strata reset --app tiny" in found["tiny: table public.tags"]["fix"]
    assert not server.is_running()  # as doctor found it
    server.ensure_running()
    assert not {"amcheck", "pg_prewarm"} & _extensions(server)
