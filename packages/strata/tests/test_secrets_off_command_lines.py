"""No password on a command line: `ps` shows every process's arguments to every local user.

psql runs for real against a password-authenticated server while every
/proc/*/cmdline is read; `strata url` prints a URL without the secret.
"""

import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import apps
from strata.cli import main
from strata.connection.urls import libpq
from strata.testing.server import subprocess_env
from tiny_models import APP
from tiny_support import CANARY_PASSWORD, STRATA_WITH_TINY

INSTALLED = dict(apps.discover())


def _command_lines(root: int) -> dict[int, str]:
    """The command line of `root` and of every process below it.

    Only strata's own processes count: tests running beside this one may pass the same
    canary password on their command lines on purpose (a `--database-url` the user chose).
    """
    found: dict[int, str] = {}
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(errors="replace")
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue  # the process ended while we looked
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state
    return {pid: line for pid, line in found.items() if _descends_from(pid, root, parents)}


def _descends_from(pid: int, root: int, parents: dict[int, int]) -> bool:
    while pid not in (root, 0, 1):
        pid = parents.get(pid, 0)
    return pid == root


def _psql_sessions(admin: psycopg.Connection[tuple[object, ...]]) -> int:
    row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'psql'").fetchone()
    return int(str(row[0])) if row else 0


def _strata(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", STRATA_WITH_TINY, *args],
        env=subprocess_env(**env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_strata_psql_keeps_the_password_off_every_command_line(password_server: URL) -> None:
    with psycopg.connect(libpq(password_server), autocommit=True) as admin:
        before = _psql_sessions(admin)
        psql = _strata("psql", "tiny", TINY_DATABASE_URL=libpq(password_server))
        try:
            seen: dict[int, str] = {}
            deadline = time.monotonic() + 60
            while _psql_sessions(admin) == before:  # every look at /proc while psql connects and runs
                assert psql.poll() is None, psql.communicate()
                assert time.monotonic() < deadline, "psql never connected"
                seen |= _command_lines(psql.pid)
            seen |= _command_lines(psql.pid)
            out, err = psql.communicate("SELECT 'in as ' || current_user;\n", timeout=30)
        finally:
            psql.kill()
    assert "in as postgres" in out, err
    assert "psql" in seen[psql.pid]  # strata exec'd psql: the very process was among those read
    spellings = {CANARY_PASSWORD, quote(CANARY_PASSWORD, safe=""), quote_plus(CANARY_PASSWORD)}  # as URLs carry it
    assert [line for line in seen.values() if any(form in line for form in spellings)] == []


def _strata_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    monkeypatch.setattr(apps, "discover", lambda: {**INSTALLED, "tiny": APP})
    monkeypatch.setattr(sys, "argv", ["strata", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    assert exited.value.code in (0, None), err
    return out + err


def test_strata_url_prints_no_secret_but_says_where_it_is(
    password_server: URL, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TINY_DATABASE_URL", libpq(password_server))
    out = _strata_in_process(monkeypatch, capsys, "url", "tiny", "--json")
    report = json.loads(out)
    assert report["url"] == f"postgresql://postgres@127.0.0.1:{password_server.port}/postgres"
    assert report["secret"] == "the password is in TINY_DATABASE_URL (environment or .env)"


def test_strata_url_for_the_embedded_server_names_who_may_connect(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TINY_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    report = json.loads(_strata_in_process(monkeypatch, capsys, "url", "tiny", "--json"))
    assert report["url"].startswith("postgresql://postgres@/tiny?host=")
    assert report["secret"].startswith("none: the embedded server lets in only the OS users ")
    with psycopg.connect(report["url"]) as conn:  # the printed URL is enough for the owner
        assert conn.execute("SELECT current_user").fetchone() == ("postgres",)


def test_check_takes_the_password_from_pgpassword(password_server: URL) -> None:
    with psycopg.connect(libpq(password_server), autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS check_from_env")
        admin.execute("CREATE DATABASE check_from_env")
    without_password = f"postgresql://postgres@127.0.0.1:{password_server.port}/check_from_env"
    done = _strata("check", "--app", "tiny", "--json", "--database-url", without_password, PGPASSWORD=CANARY_PASSWORD)
    out, err = done.communicate(timeout=180)
    assert done.returncode == 0, err
    assert json.loads(out)["ok"] is True
