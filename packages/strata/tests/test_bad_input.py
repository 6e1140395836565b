"""The bad-input catalogue: each case gives one line naming the problem and the fix, a non-zero
exit code, no traceback, no password, and writes nothing.

The CLI runs in process here (fast); `test_bad_database_url.py` runs the same paths as real
subprocesses through both `strata` and `alembic`.
"""

import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Insert, cast, func, insert, literal, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from strata import App, apps
from strata.connection.connect import connect
from strata.connection.urls import libpq, mask
from strata.connection.write_errors import explain_write_error
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.server import EmbeddedServer
from tiny_models import Note, Tag
from tiny_support import CANARY_PASSWORD, Run, in_process_strata

INSTALLED = dict(apps.discover())


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def strata(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path) -> Run:
    """Run the strata CLI in process; returns (exit code, stdout, last line of stderr)."""
    monkeypatch.setenv("STRATA_HOME", str(home))
    strata_in_process = in_process_strata(monkeypatch, capsys)

    def run(*args: str, **env: str) -> tuple[int, str, str]:
        code, out, err = strata_in_process(*args, **env)
        for secret in (CANARY_PASSWORD, "s3cret-pw"):
            assert secret not in out + err
        lines = err.splitlines()
        return code, out, lines[-1] if lines else ""

    return run


def _tables(url: URL) -> int:
    with connect(url) as conn:
        found = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    return int(str(found[0])) if found else -1


URL_CASES = {
    "malformed URL": (
        "postgresql://u:s3cret-pw@@host:notaport/db",
        "error: TINY_DATABASE_URL is not a valid database URL (postgresql://u:***@host:notaport/db); "
        "expected postgresql://user:password@host:5432/dbname",
    ),
    "unknown driver": (
        "postgresql+pg8000://u:s3cret-pw@host/db",
        "error: TINY_DATABASE_URL asks for driver 'pg8000', which strata does not support; "
        "use postgresql:// or postgresql+psycopg/+asyncpg://",
    ),
    "not PostgreSQL": (
        "mysql://u:s3cret-pw@host/db",
        "error: TINY_DATABASE_URL points at 'mysql' (mysql://u:***@host/db), but strata needs PostgreSQL; "
        "use postgresql://user:password@host:5432/dbname",
    ),
    "no database name": (
        "postgresql://u:s3cret-pw@host",
        "error: TINY_DATABASE_URL names no database (postgresql://u:***@host); "
        "expected postgresql://user:password@host:5432/dbname",
    ),
    "unknown parameter": (
        "postgresql://u:s3cret-pw@host/db?bogusparam=1",
        "error: TINY_DATABASE_URL has a parameter strata does not know: bogusparam "
        "(postgresql://u:***@host/db?bogusparam=1); remove it, or use one of host, port, sslmode, "
        "sslrootcert, sslcert, sslkey, pgbouncer, application_name, connect_timeout, options, target_session_attrs",
    ),
    "a password with @ and a space in an invalid URL": (
        "postgresql://u:s3cret-pw@ x@host:notaport/db",
        "error: TINY_DATABASE_URL is not a valid database URL (postgresql://u:***@host:notaport/db); "
        "expected postgresql://user:password@host:5432/dbname",
    ),
    "unreachable host": (
        "postgresql://u:s3cret-pw@127.0.0.1:1/db",
        "error: cannot reach PostgreSQL at 127.0.0.1:1 (postgresql+psycopg://u:***@127.0.0.1:1/db): "
        "Connection refused; check that the server runs and the URL's host and port are right",
    ),
}


@pytest.mark.parametrize("case", list(URL_CASES))
def test_bad_urls(case: str, strata: Run, home: Path) -> None:
    url, expected = URL_CASES[case]
    code, _out, last = strata("up", "--app", "tiny", TINY_DATABASE_URL=url)
    assert (code, last) == (1, expected)
    assert not home.exists()


def test_a_host_that_does_not_resolve(strata: Run) -> None:
    code, _out, last = strata("up", "--app", "tiny", TINY_DATABASE_URL="postgresql://u:s3cret-pw@nowhere.invalid/db")
    assert code == 1
    assert last.startswith(
        "error: cannot reach PostgreSQL at nowhere.invalid:5432 (postgresql+psycopg://u:***@nowhere.invalid/db): "
    )
    assert last.endswith("; check that the server runs and the URL's host and port are right")


def test_a_wrong_password(strata: Run, password_server: URL) -> None:
    url = libpq(password_server.set(password="s3cret-pw"))
    code, _out, last = strata("up", "--app", "tiny", TINY_DATABASE_URL=url)
    port = password_server.port
    assert (code, last) == (
        1,
        f"error: wrong password for user 'postgres' at 127.0.0.1:{port} "
        f"(postgresql+psycopg://postgres:***@127.0.0.1:{port}/postgres); fix the password in the database URL",
    )


def test_an_unknown_user(strata: Run, strata_empty_url: URL) -> None:
    url = strata_empty_url.set(username="ghost")
    code, _out, last = strata("up", "--app", "tiny", TINY_DATABASE_URL=libpq(url))
    assert (code, last) == (
        1,
        f"error: user 'ghost' does not exist at socket {url.query['host']} ({mask(url)}); "
        "fix the user in the database URL",
    )


def test_a_database_that_does_not_exist(strata: Run, strata_server: URL) -> None:
    url = strata_server.set(database="no_such_database")
    code, _out, last = strata("up", "--app", "tiny", TINY_DATABASE_URL=libpq(url))
    assert (code, last) == (
        1,
        f"error: database 'no_such_database' does not exist at socket {url.query['host']} ({mask(url)}); "
        "create it, or fix the name in the URL",
    )


def test_a_server_where_the_vector_extension_may_not_be_created(strata: Run, password_server: URL) -> None:
    role = f"plain_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq(password_server), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 's3cret-pw'")
        admin.execute(f"CREATE DATABASE {role} OWNER {role}")
    url = password_server.set(username=role, password="s3cret-pw", database=role)
    code, _out, last = strata("up", "--app", "tiny", TINY_DATABASE_URL=libpq(url))
    assert (code, last) == (
        1,
        "error: revision 0001 failed and was rolled back; the database stays at base: permission denied to create "
        f"extension \"vector\"; ask an administrator to run CREATE EXTENSION vector in database '{role}' "
        "(the owner role needs no superuser once it exists)",
    )
    with psycopg.connect(libpq(url)) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        ).fetchone() == (0,)


@pytest.mark.parametrize(
    "command",
    [
        ("up", "--app", "nope"),
        ("check", "--app", "nope"),
        ("psql", "nope"),
        ("reset", "--app", "nope"),
        ("lint", "--app", "nope"),
    ],
)
def test_an_unknown_app(strata: Run, home: Path, command: tuple[str, ...]) -> None:
    code, _out, last = strata(*command)
    names = ", ".join(sorted({*INSTALLED, "tiny"}))
    assert (code, last) == (1, f"error: unknown app 'nope'; installed apps: {names}")
    assert not home.exists()


def test_a_corrupt_strata_directory(strata: Run, home: Path) -> None:
    server = EmbeddedServer(home)
    server.data_dir.mkdir(parents=True)
    (server.data_dir / "half-copied").write_text("junk")
    try:
        code, _out, last = strata("up", "--app", "tiny")
        assert (code, last) == (
            1,
            f"error: {server.data_dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); "
            "move it aside, or set STRATA_HOME to another directory",
        )
        assert sorted(p.name for p in server.data_dir.iterdir()) == ["half-copied"]
    finally:
        server.discard()


def test_an_unwritable_strata_home(strata: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, _out, last = strata("up", "--app", "tiny", STRATA_HOME=str(blocker / "home"))
    assert (code, last) == (
        1,
        f"error: cannot write to the strata home {blocker / 'home'} (Not a directory); "
        "set STRATA_HOME to a writable directory",
    )


TOO_LONG = "at most 24 days (PostgreSQL's limit is 2147483647ms); use a duration such as 5s or 10min"


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("STRATA_MIGRATION_LOCK_WAIT", "soon", "Input should be a valid number, unable to parse string as a number"),
        ("STRATA_MIGRATION_LOCK_WAIT", "-5", "Input should be greater than 0"),
        ("STRATA_LOCK_TIMEOUT", "5 seconds", "use a duration such as 500ms, 5s or 1min"),
        ("STRATA_STATEMENT_TIMEOUT", "1;DROP TABLE notes", "use a duration such as 500ms, 5s or 1min"),
        ("STRATA_LOCK_TIMEOUT", "99999999999999999999s", TOO_LONG),
        ("STRATA_STATEMENT_TIMEOUT", "25d", TOO_LONG),
        ("STRATA_MIGRATION_LOCK_WAIT", "1e400", "Input should be a finite number"),
        ("STRATA_MIGRATION_LOCK_WAIT", "99999999999", "Input should be less than or equal to 2147483"),
    ],
)
def test_invalid_strata_settings(strata: Run, strata_empty_url: URL, variable: str, value: str, reason: str) -> None:
    code, _out, last = strata("up", "--app", "tiny", TINY_DATABASE_URL=libpq(strata_empty_url), **{variable: value})
    assert (code, last) == (1, f"error: {variable}={value!r} is invalid: {reason}")
    assert _tables(strata_empty_url) == 0


def test_two_apps_resolving_to_one_database(strata: Run, strata_empty_url: URL) -> None:
    code, _out, last = strata("up", DATABASE_URL=libpq(strata_empty_url))
    first, second = sorted({*INSTALLED, "tiny"})[:2]
    assert (code, last) == (
        1,
        f"error: apps {first} and {second} resolve to the same database ({mask(strata_empty_url)}); "
        f"give each its own with {second.upper()}_DATABASE_URL",
    )
    assert _tables(strata_empty_url) == 0


def test_check_with_a_malformed_database_url(strata: Run) -> None:
    code, _out, last = strata("check", "--app", "tiny", "--database-url", "postgres://u:s3cret-pw@@x:y/z")
    assert (code, last) == (
        1,
        "error: --database-url is not a valid database URL (postgres://u:***@x:y/z); "
        "expected postgresql://user:password@host:5432/dbname",
    )


def test_docs_into_an_unwritable_directory(strata: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import strata.cli.docs as docs_command

    monkeypatch.setattr(docs_command, "pages", lambda *_args: {"tiny.md": "x"})
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, _out, last = strata("docs", "--output", str(blocker / "docs"))
    assert (code, last) == (
        1,
        f"error: cannot write the schema docs to {blocker / 'docs'} (Not a directory); choose --output",
    )


def test_a_migration_blocked_by_a_lock_fails_fast_with_a_retry_hint(
    strata_empty_url: URL, tiny_copy: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    alembic_api.upgrade(tiny_copy, strata_empty_url)
    (tiny_copy.migrations_dir / "versions" / "0002_alter.py").write_text(
        'from alembic import op\nrevision = "0002"\ndown_revision = "0001"\n\n\n'
        'def upgrade() -> None:\n    op.execute("ALTER TABLE notes ADD COLUMN extra int")\n\n\n'
        "def downgrade() -> None:\n    pass\n"
    )
    monkeypatch.setenv("STRATA_LOCK_TIMEOUT", "200ms")
    monkeypatch.setenv("STRATA_LOCK_RETRY_BACKOFF", "10ms")
    with connect(strata_empty_url) as holder:
        holder.execute("LOCK TABLE notes IN ACCESS SHARE MODE")  # a long report, say
        with pytest.raises(StrataError) as caught:
            alembic_api.upgrade(tiny_copy, strata_empty_url)
    assert str(caught.value) == (
        "revision 0002 failed and was rolled back; the database stays at 0001: canceling statement due to lock "
        "timeout; another session holds a lock the migration needs: retry when it is idle, or raise "
        "STRATA_LOCK_TIMEOUT or STRATA_LOCK_RETRIES"
    )


# Writes the database rejects, explained in one line, on both drivers; nothing is written.

WRITES: dict[str, tuple[Callable[[uuid.UUID], Insert], str]] = {
    "a vector of the wrong dimension": (
        lambda _note: insert(Note).values(body="b", mood="calm", embedding=[1.0, 2.0]),
        "expected 3 dimensions, not 2: the vector column has a fixed dimension; "
        "embed with the model the column was made for",
    ),
    "a value outside the enum": (
        lambda _note: insert(Note).values(body="b", mood=cast(literal("angry"), Note.__table__.c.mood.type)),
        'invalid input value for enum mood: "angry"; use one of the enum\'s values',
    ),
    "a value the CHECK rejects": (
        lambda _note: insert(Note).values(body="", mood="calm"),
        "notes does not allow this row: it fails ck_notes_body_not_empty; use a value the constraint allows",
    ),
    "NULL in a required column": (
        lambda _note: insert(Note).values(body=None, mood="calm"),
        "notes.body is required (NOT NULL); give it a value",
    ),
    "a duplicate unique key": (
        lambda note: insert(Note).values(id=note, body="b", mood="calm"),
        "notes already has this value (Key (id)=({note}) already exists): pk_notes is unique; "
        "use another value or update that row",
    ),
    "an orphan foreign key": (
        lambda _note: insert(Tag).values(note_id=uuid.UUID(int=7), label="t"),
        "tags refers to a row that does not exist (Key (note_id)=(00000000-0000-0000-0000-000000000007) is not "
        'present in table "notes"): fk_tags_note_id_notes; create that row first',
    ),
}


@pytest.mark.parametrize("case", list(WRITES))
async def test_rejected_writes_are_explained(case: str, strata_async_session: AsyncSession) -> None:
    statement, expected = WRITES[case]
    note = Note(body="existing", mood="busy")
    strata_async_session.add(note)
    await strata_async_session.flush()
    with pytest.raises(DBAPIError) as caught:
        async with strata_async_session.begin_nested():
            await strata_async_session.execute(statement(note.id))
    assert explain_write_error(caught.value) == expected.format(note=note.id)
    counts = [await strata_async_session.scalar(select(func.count()).select_from(m)) for m in (Note, Tag)]
    assert counts == [1, 0]
