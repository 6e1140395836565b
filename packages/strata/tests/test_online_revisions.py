"""Online revisions: `strata.migrations.online` on a real server, and what the runner guarantees around them."""

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.migrations.lint import revision_sql
from strata.migrations.lock import lock_key
from tiny_support import NOTE, StderrWatcher, execute, in_process_strata, next_revision

# Every helper, and a record of who holds tiny's migration lock while the online part runs.
ONLINE_REVISION = (
    next_revision(doc="labels unique, built concurrently; a tired mood; short labels")
    + f"""
def upgrade() -> None:
    online.create_index("uq_tags_label", "tags", ["label"], unique=True)
    with online.outside_transaction():
        op.execute(
            "CREATE TABLE lock_seen AS SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = {lock_key("tiny")}"
        )
    online.add_enum_value("mood", "tired", after="busy")
    op.create_check_constraint(
        op.f("ck_tags_label_short"), "tags", "char_length(label) < 40", postgresql_not_valid=True
    )
    online.validate_constraint("ck_tags_label_short", "tags")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_tags_label_short"), "tags", type_="check")
    op.drop_table("lock_seen")
    online.drop_index("uq_tags_label", "tags")
"""
)


@pytest.fixture
def online_app(tiny_copy: App) -> App:
    (tiny_copy.migrations_dir / "versions" / "0002_online.py").write_text(ONLINE_REVISION)
    return tiny_copy


@pytest.fixture
def at_0001(online_app: App, strata_empty_url: URL) -> URL:
    """A live database at 0001 whose tags repeat a label, so a unique index over them cannot be built."""
    alembic_api.upgrade(online_app, strata_empty_url, "0001")
    execute(
        strata_empty_url,
        f"INSERT INTO notes (id, body, mood) VALUES ('{NOTE}', 'hello', 'calm')",
        f"INSERT INTO tags (id, note_id, label) SELECT gen_random_uuid(), '{NOTE}', 'x' FROM generate_series(1, 2)",
    )
    return strata_empty_url


def _one(url: URL, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(libpq(url)) as conn:
        return conn.execute(query).fetchall()


def test_a_failed_concurrent_build_leaves_no_invalid_index_and_the_previous_revision(
    online_app: App, at_0001: URL
) -> None:
    with pytest.raises(StrataError) as failed:
        alembic_api.upgrade(online_app, at_0001, "head")
    assert str(failed.value).startswith("revision 0002 failed and was rolled back; the database stays at 0001: ")
    assert "could not create unique index" in str(failed.value)
    assert _one(at_0001, "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid") == []
    assert _one(at_0001, "SELECT to_regclass('uq_tags_label')") == [(None,)]
    assert _one(at_0001, "SELECT version_num FROM alembic_version") == [("0001",)]

    execute(at_0001, "DELETE FROM tags WHERE ctid <> (SELECT min(ctid) FROM tags)")
    alembic_api.upgrade(online_app, at_0001, "head")
    assert _one(at_0001, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert _one(
        at_0001, "SELECT indisunique, indisvalid FROM pg_index WHERE indexrelid = 'uq_tags_label'::regclass"
    ) == [(True, True)]
    assert _one(at_0001, "SELECT convalidated FROM pg_constraint WHERE conname = 'ck_tags_label_short'") == [(True,)]
    assert _one(at_0001, "SELECT enum_range(NULL::mood)::text") == [("{calm,busy,tired}",)]


def test_a_build_that_fails_because_the_index_exists_keeps_the_valid_index(online_app: App, at_0001: URL) -> None:
    """The cleanup of a failed build drops only an INVALID index, never a good one someone already has."""
    execute(at_0001, "DELETE FROM tags", "CREATE INDEX uq_tags_label ON tags (label)")
    with pytest.raises(StrataError, match="already exists"):
        alembic_api.upgrade(online_app, at_0001, "head")
    assert _one(at_0001, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'uq_tags_label'::regclass") == [(True,)]
    assert _one(at_0001, "SELECT version_num FROM alembic_version") == [("0001",)]


def test_the_migration_lock_is_held_while_the_online_part_runs(online_app: App, strata_empty_url: URL) -> None:
    alembic_api.upgrade(online_app, strata_empty_url, "head")
    [(holder,)] = _one(strata_empty_url, "SELECT pid FROM lock_seen")
    [(own,)] = _one(strata_empty_url, "SELECT pg_backend_pid()")
    assert holder != own
    alembic_api.downgrade(online_app, strata_empty_url, "0001")
    assert _one(strata_empty_url, "SELECT to_regclass('uq_tags_label'), to_regclass('lock_seen')") == [(None, None)]


def test_offline_sql_commits_before_each_online_statement_and_begins_after(online_app: App) -> None:
    sql = revision_sql(online_app, "0002", "0001")
    statements = [line.strip() for line in sql.splitlines() if line.strip() and not line.startswith("--")]
    build = statements.index("CREATE UNIQUE INDEX CONCURRENTLY uq_tags_label ON tags (label);")
    assert statements[build - 2 : build + 3] == [
        "COMMIT;",
        "SET statement_timeout = '0s';",
        "CREATE UNIQUE INDEX CONCURRENTLY uq_tags_label ON tags (label);",
        "SET statement_timeout = '10min';",
        "BEGIN;",
    ]
    enum = statements.index("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'tired' AFTER 'busy';")
    assert (statements[enum - 1], statements[enum + 1]) == ("COMMIT;", "BEGIN;")
    validate = statements.index("ALTER TABLE tags VALIDATE CONSTRAINT ck_tags_label_short;")
    assert statements[validate - 3 : validate] == [
        "ALTER TABLE tags ADD CONSTRAINT ck_tags_label_short CHECK (char_length(label) < 40) NOT VALID;",
        "COMMIT;",
        "SET statement_timeout = '0s';",
    ]


# A transactional revision that counts its attempts in a sequence (sequences ignore rollbacks) and its runs in a table.
COUNTED_REVISION = (
    next_revision(doc="tags get a weight")
    + """
def upgrade() -> None:
    op.execute("SELECT nextval('attempts')")
    op.execute("INSERT INTO runs VALUES ('0002')")
    op.add_column("tags", sa.Column("weight", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("tags", "weight")
"""
)

# The same change as strata's data checks can build it on a scratch database, without the counters.
UNCOUNTED_REVISION = "\n".join(
    line for line in COUNTED_REVISION.splitlines() if "attempts" not in line and "runs" not in line
)

# A column on notes, committed before a concurrent index on tags starts to build.
PARTLY_ONLINE_REVISION = (
    next_revision(doc="notes get a weight; tags an index on their label")
    + """
def upgrade() -> None:
    op.execute("SELECT nextval('attempts')")
    op.execute("INSERT INTO runs VALUES ('0002')")
    op.add_column("notes", sa.Column("weight", sa.Integer(), nullable=True))
    online.create_index("ix_tags_label", "tags", ["label"])


def downgrade() -> None:
    online.drop_index("ix_tags_label", "tags")
    op.drop_column("notes", "weight")
"""
)


@dataclass
class Contention:
    """tiny at 0001 on a live database, short lock timeouts and backoff, and another session that can block it."""

    app: App
    url: URL
    blocker: psycopg.Connection[tuple[object, ...]]
    monkeypatch: pytest.MonkeyPatch

    def next_revision(self, revision: str) -> App:
        (self.app.migrations_dir / "versions" / "0002_next.py").write_text(revision)
        return self.app

    def hold(self) -> None:
        """Lock `tags` as every ALTER TABLE and CREATE INDEX CONCURRENTLY on it must wait for."""
        self.blocker.execute("LOCK TABLE tags IN SHARE UPDATE EXCLUSIVE MODE")

    def watch(self, line: str, then: Callable[[], object] = lambda: None) -> StderrWatcher:
        watcher = StderrWatcher(line, then)
        self.monkeypatch.setattr(sys, "stderr", watcher)
        return watcher


@pytest.fixture
def contention(tiny_copy: App, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch) -> Iterator[Contention]:
    monkeypatch.setenv("STRATA_LOCK_TIMEOUT", "100ms")
    monkeypatch.setenv("STRATA_LOCK_RETRY_BACKOFF", "10ms")
    alembic_api.upgrade(tiny_copy, strata_empty_url, "0001")
    execute(strata_empty_url, "CREATE SEQUENCE attempts", "CREATE TABLE runs (revision text)")
    with psycopg.connect(libpq(strata_empty_url)) as blocker:
        yield Contention(tiny_copy, strata_empty_url, blocker, monkeypatch)


def test_a_revision_that_hit_lock_timeout_is_rolled_back_and_retried_once_the_lock_is_free(
    contention: Contention,
) -> None:
    app, url = contention.next_revision(COUNTED_REVISION), contention.url
    contention.hold()
    watcher = contention.watch("retry 1 of 3", then=contention.blocker.rollback)
    alembic_api.upgrade(app, url, "head")
    assert watcher.written == "strata: revision 0002 hit lock_timeout and was rolled back; retry 1 of 3 in 0.01 s\n"
    assert _one(url, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert _one(url, "SELECT last_value FROM attempts") == [(2,)]
    assert _one(url, "SELECT revision FROM runs") == [("0002",)]


def test_a_lock_never_released_gives_up_after_the_retries_in_one_line(
    contention: Contention, capsys: pytest.CaptureFixture[str]
) -> None:
    app, url = contention.next_revision(UNCOUNTED_REVISION), contention.url
    contention.hold()
    strata = in_process_strata(contention.monkeypatch, capsys, installed={"tiny": app})
    code, _out, err = strata("up", "--app", "tiny", TINY_DATABASE_URL=str(url), STRATA_LOCK_RETRIES="2")
    assert code == 1
    assert err.splitlines() == [
        "strata: revision 0002 hit lock_timeout and was rolled back; retry 1 of 2 in 0.01 s",
        "strata: revision 0002 hit lock_timeout and was rolled back; retry 2 of 2 in 0.02 s",
        "error: revision 0002 failed and was rolled back; the database stays at 0001: canceling statement due"
        " to lock timeout; another session holds a lock the migration needs: retry when it is idle, or raise"
        " STRATA_LOCK_TIMEOUT or STRATA_LOCK_RETRIES",
    ]
    assert _one(url, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert _one(url, "SELECT count(*) FROM pg_attribute WHERE attname = 'weight'") == [(0,)]


def test_a_concurrent_build_that_hit_lock_timeout_first_thing_is_retried(contention: Contention) -> None:
    app, url = contention.next_revision(ONLINE_REVISION), contention.url
    contention.hold()
    watcher = contention.watch("retry 1 of 3", then=contention.blocker.rollback)
    alembic_api.upgrade(app, url, "head")
    assert watcher.written.count("hit lock_timeout") == 1
    assert _one(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'uq_tags_label'::regclass") == [(True,)]
    assert _one(url, "SELECT version_num FROM alembic_version") == [("0002",)]


def test_a_revision_that_committed_a_part_is_not_retried(contention: Contention) -> None:
    app, url = contention.next_revision(PARTLY_ONLINE_REVISION), contention.url
    contention.hold()
    watcher = contention.watch("hit lock_timeout")
    with pytest.raises(StrataError) as failed:
        alembic_api.upgrade(app, url, "head")
    assert watcher.written == ""
    assert str(failed.value) == (
        "revision 0002 failed; the database stays recorded at 0001, but what it committed before failing stays"
        " applied (its statements before index ix_tags_label): canceling statement due to lock timeout; another"
        " session holds a lock the migration needs: run it again when that session is idle (it was not retried,"
        " since that would repeat what it committed), or raise STRATA_LOCK_TIMEOUT"
    )
    assert _one(url, "SELECT last_value FROM attempts") == [(1,)]
    assert _one(url, "SELECT count(*) FROM runs") == [(1,)]
    assert _one(url, "SELECT to_regclass('ix_tags_label')") == [(None,)]
    assert _one(url, "SELECT version_num FROM alembic_version") == [("0001",)]


# A block of two statements: the first commits on its own before the second waits for a lock.
TWO_STATEMENT_BLOCK = (
    next_revision(doc="a table made in a block, then a column on tags")
    + """
def upgrade() -> None:
    with online.outside_transaction():
        op.execute("CREATE TABLE made_in_block ()")
        op.add_column("tags", sa.Column("blocked", sa.Integer(), nullable=True))


def downgrade() -> None:
    pass
"""
)


def test_a_block_that_failed_after_a_statement_is_not_retried(contention: Contention) -> None:
    app, url = contention.next_revision(TWO_STATEMENT_BLOCK), contention.url
    contention.hold()
    watcher = contention.watch("hit lock_timeout")
    with pytest.raises(StrataError) as failed:
        alembic_api.upgrade(app, url, "head")
    assert watcher.written == ""
    assert "what it committed before failing stays applied (part of an outside_transaction() block)" in str(
        failed.value
    )
    assert _one(url, "SELECT to_regclass('made_in_block') IS NOT NULL") == [(True,)]


# Validating this CHECK takes 0.3 s a row: longer than the statement_timeout the tests below give blocking statements.
SLOW_VALIDATION = (
    next_revision(doc="a check that is slow to validate")
    + """
def upgrade() -> None:
    op.create_check_constraint(
        op.f("ck_notes_slow"), "notes", "pg_sleep(0.3)::text = ''", postgresql_not_valid=True
    )
    online.validate_constraint("ck_notes_slow", "notes")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_notes_slow"), "notes", type_="check")
"""
)


@pytest.fixture
def slow_app(tiny_copy: App, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch) -> App:
    (tiny_copy.migrations_dir / "versions" / "0002_slow.py").write_text(SLOW_VALIDATION)
    alembic_api.upgrade(tiny_copy, strata_empty_url, "0001")
    execute(strata_empty_url, f"INSERT INTO notes (id, body, mood) VALUES ('{NOTE}', 'hello', 'calm')")
    monkeypatch.setenv("STRATA_STATEMENT_TIMEOUT", "100ms")
    return tiny_copy


def test_an_online_statement_runs_under_the_online_statement_timeout(slow_app: App, strata_empty_url: URL) -> None:
    alembic_api.upgrade(slow_app, strata_empty_url, "head")
    assert _one(strata_empty_url, "SELECT convalidated FROM pg_constraint WHERE conname = 'ck_notes_slow'") == [(True,)]


def test_the_online_statement_timeout_is_configurable_and_a_committed_part_is_named(
    slow_app: App, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATA_ONLINE_STATEMENT_TIMEOUT", "100ms")
    with pytest.raises(StrataError) as failed:
        alembic_api.upgrade(slow_app, strata_empty_url, "head")
    assert str(failed.value) == (
        "revision 0002 failed; the database stays recorded at 0001, but what it committed before failing stays"
        " applied (its statements before the validation of ck_notes_slow): canceling statement due to statement"
        " timeout"
    )
    assert _one(strata_empty_url, "SELECT convalidated FROM pg_constraint WHERE conname = 'ck_notes_slow'") == [
        (False,)
    ]
    assert _one(strata_empty_url, "SELECT version_num FROM alembic_version") == [("0001",)]


def test_the_helpers_run_on_an_async_migration_environment(online_app: App, strata_empty_url: URL) -> None:
    asyncpg_app = replace(online_app, driver="asyncpg", async_migrations=True)
    alembic_api.upgrade(asyncpg_app, strata_empty_url, "head")
    assert _one(strata_empty_url, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert _one(strata_empty_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'uq_tags_label'::regclass") == [
        (True,)
    ]


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("STRATA_LOCK_RETRIES", "-1", "Input should be greater than or equal to 0"),
        ("STRATA_LOCK_RETRIES", "1000", "Input should be less than or equal to 100"),
        ("STRATA_LOCK_RETRY_BACKOFF", "0", "Input should be greater than 0"),
        ("STRATA_LOCK_RETRY_BACKOFF", "1h", "Input should be less than or equal to 600"),
        ("STRATA_ONLINE_STATEMENT_TIMEOUT", "soon", "use a duration such as 500ms, 5s or 1min"),
    ],
)
def test_absurd_retry_and_timeout_settings_are_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str, reason: str
) -> None:
    """Once, before any app is looked at: not once per installed app."""
    strata = in_process_strata(monkeypatch, capsys)
    code, out, err = strata("up", **{variable: value})
    assert (code, out, err) == (1, "", f"error: {variable}={value!r} is invalid: {reason}")
