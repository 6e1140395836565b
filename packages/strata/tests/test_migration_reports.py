"""What the runner reports when a run cannot go on: the revision named, the database's state, one line."""

import sys

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.catalog.contents import summary
from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.migrations import alembic_api
from tiny_support import execute, next_revision

FAILING_FIRST = (
    '"""the first revision, failing"""\nfrom alembic import op\n\nrevision = "0001"\ndown_revision = None\n\n\n'
    "def upgrade() -> None:\n"
    '    op.execute("CREATE TABLE half_done (n int)")\n'
    '    op.execute("SELECT no_such_function()")\n\n\n'
    "def downgrade() -> None:\n    pass\n"
)

FAILING_DOWNGRADE = (
    '"""a revision that cannot be reverted"""\nfrom alembic import op\n\n'
    'revision = "0002"\ndown_revision = "0001"\n\n\n'
    "def upgrade() -> None:\n"
    '    op.execute("CREATE TABLE kept (n int)")\n\n\n'
    "def downgrade() -> None:\n"
    '    op.execute("DROP TABLE kept")\n'
    '    op.execute("SELECT no_such_function()")\n'
)

# tinyapp's env.py, for an app whose migrations run on asyncpg (env.py names the app, so the copy's own must say so).
ASYNC_ENV = (
    "from dataclasses import replace\n\n"
    "from strata.migrations import run_migrations\nfrom tiny_models import APP, Base\n\n"
    'run_migrations(replace(APP, driver="asyncpg", async_migrations=True), Base.metadata)\n'
)

WEIGHT_REVISION = (
    next_revision(doc="tags get a weight")
    + """
def upgrade() -> None:
    op.add_column("tags", sa.Column("weight", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("tags", "weight")
"""
)


def test_a_failing_first_revision_is_named_and_the_database_stays_empty(tiny_copy: App, strata_empty_url: URL) -> None:
    versions = tiny_copy.migrations_dir / "versions"
    (versions / "0001_notes.py").unlink()
    (versions / "0001_broken.py").write_text(FAILING_FIRST)
    with pytest.raises(StrataError) as caught:
        alembic_api.upgrade(tiny_copy, strata_empty_url)
    assert str(caught.value).startswith(
        "revision 0001 failed and was rolled back; the database stays at base: function no_such_function() does not"
    )
    found = summary(strata_empty_url)
    assert (found.revision, "half_done" in found.tables) == (None, False)


def test_a_failing_downgrade_names_the_revision_it_was_reverting(tiny_copy: App, strata_empty_url: URL) -> None:
    (tiny_copy.migrations_dir / "versions" / "0002_kept.py").write_text(FAILING_DOWNGRADE)
    alembic_api.upgrade(tiny_copy, strata_empty_url)
    with pytest.raises(StrataError) as caught:
        alembic_api.downgrade(tiny_copy, strata_empty_url, "0001")
    assert str(caught.value).startswith(
        "revision 0002 failed and was rolled back; the database stays at 0002: function no_such_function() does not"
    )
    found = summary(strata_empty_url)
    assert (found.revision, "kept" in found.tables) == ("0002", True)


def test_a_recorded_revision_no_file_defines_is_one_line_and_nothing_runs(
    tiny_copy: App, strata_empty_url: URL
) -> None:
    execute(strata_empty_url, "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
    execute(strata_empty_url, "INSERT INTO alembic_version VALUES ('feedface')")
    with pytest.raises(StrataError) as caught:
        alembic_api.upgrade(tiny_copy, strata_empty_url)
    assert str(caught.value).startswith("tiny: the database records revision feedface, which no file in ")
    found = summary(strata_empty_url)
    assert (found.revision, found.tables) == ("feedface", [])


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"database": "no_such_db"}, "database 'no_such_db' does not exist at "),
        ({"host": "127.0.0.1", "port": 1, "query": {}}, "cannot reach PostgreSQL at 127.0.0.1:1 ("),
    ],
    ids=["database does not exist", "nothing listening"],
)
def test_an_async_migration_that_cannot_connect_is_one_line(
    tiny_copy: App, strata_empty_url: URL, where: dict[str, object], expected: str
) -> None:
    """asyncpg reports a refused login as a DBAPIError and a refused connection as an OSError: both are one line."""
    (tiny_copy.migrations_dir / "env.py").write_text(ASYNC_ENV)
    with pytest.raises(StrataError) as caught:
        alembic_api.upgrade(tiny_copy, strata_empty_url.set(**where))  # type: ignore[arg-type]
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


class _AtMost:
    """sys.stderr that fails the run at the line after the `limit`-th: a retry loop that never ends fails at once."""

    def __init__(self, limit: int) -> None:
        self.limit, self.written = limit, ""

    def write(self, text: str) -> int:
        self.written += text
        assert self.written.count("\n") <= self.limit, self.written
        return len(text)

    def flush(self) -> None:
        pass


def test_a_revision_blocked_on_every_attempt_is_retried_as_often_as_set_with_doubling_waits(
    tiny_copy: App, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {"LOCK_TIMEOUT": "100ms", "LOCK_RETRY_BACKOFF": "10ms", "LOCK_RETRIES": "3"}.items():
        monkeypatch.setenv(f"STRATA_{name}", value)
    alembic_api.upgrade(tiny_copy, strata_empty_url, "0001")
    (tiny_copy.migrations_dir / "versions" / "0002_weight.py").write_text(WEIGHT_REVISION)
    stderr = _AtMost(3)
    with psycopg.connect(libpq(strata_empty_url)) as blocker:
        # Without lock_timeout the migration would wait for ever: the server ends the blocker after 20 s instead.
        blocker.execute("SET idle_in_transaction_session_timeout = '20s'")
        blocker.execute("LOCK TABLE tags IN SHARE UPDATE EXCLUSIVE MODE")
        monkeypatch.setattr(sys, "stderr", stderr)
        with pytest.raises(StrataError, match=r"^revision 0002 failed and was rolled back; the database stays at 0001"):
            alembic_api.upgrade(tiny_copy, strata_empty_url)
    assert stderr.written.splitlines() == [
        f"strata: revision 0002 hit lock_timeout and was rolled back; retry {n} of 3 in {wait} s"
        for n, wait in ((1, "0.01"), (2, "0.02"), (3, "0.04"))
    ]
