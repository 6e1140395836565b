"""Constants shared by strata's tests (importable, unlike conftest.py)."""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from sqlalchemy.engine import URL

if TYPE_CHECKING:
    from strata import App

TINY = Path(__file__).resolve().parent
CANARY_PASSWORD = "canary-Zq7!pw"

# Runs the strata CLI with tinyapp registered as an app, as its entry point would.
STRATA_WITH_TINY = f"""
import sys
sys.path.insert(0, {str(TINY)!r})
from strata import apps
from tiny_models import APP
_found = {{**apps.discover(), "tiny": APP}}
apps.discover = lambda: _found
sys.argv = ["strata", *sys.argv[1:]]
from strata.cli import main
main()
"""

# (exit code, stdout, stderr) of one in-process `strata` run.
Run = Callable[..., tuple[int, str, str]]


def in_process_strata(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    installed: "dict[str, App] | None" = None,
    columns: int | None = None,
) -> Run:
    """Run the strata CLI in this process with tinyapp registered and no *_DATABASE_URL but those passed.

    `installed` replaces the installed apps instead; `columns` is the width reports are printed at,
    as COLUMNS gives a process. Fast (no interpreter start-up); every run must end in one exit code
    and no traceback.
    """
    from strata import apps, cli
    from strata.cli import main
    from tiny_models import APP

    found = installed if installed is not None else {**apps.discover(), "tiny": APP}
    monkeypatch.setattr(apps, "discover", lambda: found)
    if columns is not None:
        monkeypatch.setattr(cli.console, "width", columns)
        monkeypatch.setattr(cli.errors, "width", columns)
    for name in [n for n in os.environ if n.endswith("DATABASE_URL")]:
        monkeypatch.delenv(name)

    def run(*args: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", ["strata", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return int(exited.value.code or 0), out, err.strip()

    return run


# Every catalog row of the schema with the transaction that last wrote it: any write, even one
# that changes nothing visible (a REINDEX, an UPDATE to the same value), moves an xmin.
_FINGERPRINT = """
SELECT 'class', c.relname, c.xmin::text || ' ' || c.relfilenode FROM pg_class c
 WHERE c.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'attribute', c.relname || '.' || a.attname, a.xmin::text FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'index', x.indexrelid::regclass::text, x.xmin::text || ' ' || x.indisvalid FROM pg_index x
  JOIN pg_class c ON c.oid = x.indrelid WHERE c.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'constraint', conname, xmin::text FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
UNION ALL
SELECT 'comment', c.relname || '.' || d.objsubid, d.xmin::text || ' ' || d.description FROM pg_description d
  JOIN pg_class c ON c.oid = d.objoid WHERE c.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'enum', enumlabel, xmin::text FROM pg_enum
UNION ALL
SELECT 'extension', extname, xmin::text || ' ' || extversion FROM pg_extension
UNION ALL
SELECT 'revision', version_num, xmin::text FROM alembic_version
ORDER BY 1, 2, 3
"""


def fingerprint(url: URL) -> list[tuple[object, ...]]:
    """What proves a command wrote nothing to a database's schema: compare it before and after."""
    from strata.connection.connect import connect

    with connect(url) as conn:
        return conn.execute(_FINGERPRINT).fetchall()


def execute(url: URL, *statements: str) -> None:
    """Run statements one by one, each committed, as a person at a psql prompt would."""
    from strata.connection.urls import libpq

    with psycopg.connect(libpq(url), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


# The one note the live-database fixtures insert, so tags can point at it.
NOTE = "00000000-0000-7000-8000-000000000001"

_NEXT_REVISION = '''"""{doc}

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from strata.migrations import online

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

'''


def next_revision(doc: str) -> str:
    """The top of a revision 0002 after tinyapp's 0001, with the online helpers imported: add its functions."""
    return _NEXT_REVISION.format(doc=doc)


class StderrWatcher:
    """sys.stderr for the migration: when `line` is written, `then` runs, before the migration goes on."""

    def __init__(self, line: str, then: Callable[[], object]) -> None:
        self.line, self.then, self.written = line, then, ""

    def write(self, text: str) -> int:
        self.written += text
        if self.line in text:
            self.then()
        return len(text)

    def flush(self) -> None:
        pass
