"""The online helpers' edges: what a helper that fails leaves behind, and what its drops let through."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from textwrap import indent

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
from strata import App
from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.migrations import alembic_api, online
from tiny_support import NOTE, execute, next_revision

# Two tags with the same label: a unique index over them cannot be built.
DUPLICATES = f"INSERT INTO tags (id, note_id, label) SELECT gen_random_uuid(), '{NOTE}', 'x' FROM generate_series(1, 2)"


def _revision(upgrade: str, downgrade: str = "pass") -> str:
    return (
        next_revision(doc="online helpers at their edges")
        + f"\ndef upgrade() -> None:\n{indent(upgrade.strip(), '    ')}\n"
        + f"\n\ndef downgrade() -> None:\n{indent(downgrade.strip(), '    ')}\n"
    )


@dataclass
class Live:
    """tiny at 0001 on a live database with one note, and a revision 0002 a test writes."""

    app: App
    url: URL
    monkeypatch: pytest.MonkeyPatch

    def next(self, upgrade: str, downgrade: str = "pass") -> App:
        (self.app.migrations_dir / "versions" / "0002_edge.py").write_text(_revision(upgrade, downgrade))
        return self.app

    def one(self, query: str) -> list[tuple[object, ...]]:
        with psycopg.connect(libpq(self.url)) as conn:
            return conn.execute(query).fetchall()

    def reader(self) -> psycopg.Connection[tuple[object, ...]]:
        """A session inside a transaction that has read tags, as a long report would: a drop must wait for it."""
        conn = psycopg.connect(libpq(self.url))
        conn.execute("SELECT count(*) FROM tags")
        return conn


@pytest.fixture
def live(tiny_copy: App, strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch) -> Live:
    alembic_api.upgrade(tiny_copy, strata_empty_url, "0001")
    execute(strata_empty_url, f"INSERT INTO notes (id, body, mood) VALUES ('{NOTE}', 'hello', 'calm')")
    return Live(tiny_copy, strata_empty_url, monkeypatch)


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        ('online.create_index("ix_tags_missing", "tags", ["missing"])', 'column "missing" does not exist'),
        ('online.drop_index("ix_never_built", "tags", if_exists=False)', 'index "ix_never_built" does not exist'),
        (
            'online.validate_constraint("ck_never_added", "tags")',
            'constraint "ck_never_added" of relation "tags" does not exist',
        ),
        ('online.add_enum_value("mood", "tired", after="sleepy")', '"sleepy" is not an existing enum label'),
    ],
    ids=["create_index", "drop_index", "validate_constraint", "add_enum_value"],
)
def test_a_helper_whose_statement_fails_first_thing_leaves_nothing_and_the_revision_rolls_back(
    live: Live, call: str, reason: str
) -> None:
    """Its one statement failed whole, so the message must not claim a committed part (that stops retries)."""
    with pytest.raises(StrataError) as failed:
        alembic_api.upgrade(live.next(call), live.url, "head")
    assert str(failed.value) == f"revision 0002 failed and was rolled back; the database stays at 0001: {reason}"


def test_a_revision_written_as_autogenerate_spells_op_calls_runs_with_the_helpers_in_their_place(
    live: Live,
) -> None:
    """Names as keywords, as `op`'s own; dropping an index that is already gone is no error by default."""
    app = live.next(
        """
online.drop_index(op.f("ix_tags_never_built"), table_name="tags")
online.create_index(index_name=op.f("ix_tags_label"), table_name="tags", columns=["label"], unique=False)
online.validate_constraint(constraint_name="fk_tags_note_id_notes", table_name="tags")
online.add_enum_value(type_name="mood", value="sleepy", before="calm")
"""
    )
    alembic_api.upgrade(app, live.url, "head")
    assert live.one("SELECT version_num FROM alembic_version") == [("0002",)]
    assert live.one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_tags_label'::regclass") == [(True,)]
    assert live.one("SELECT enum_range(NULL::mood)::text") == [("{sleepy,calm,busy}",)]


def test_an_enum_value_placed_both_before_and_after_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^add_enum_value takes before= or after=, not both$"):
        online.add_enum_value("mood", "tired", before="calm", after="busy")


BUILD_UNIQUE = 'online.create_index("uq_tags_label", "tags", ["label"], unique=True)'


def test_a_leftover_the_cleanup_could_not_drop_is_named_as_committed_and_not_retried(
    live: Live, capsys: pytest.CaptureFixture[str]
) -> None:
    """The drop of the INVALID index waits for a reader and hits lock_timeout: that index stays, and says so."""
    execute(live.url, DUPLICATES)
    live.monkeypatch.setenv("STRATA_LOCK_TIMEOUT", "100ms")
    live.monkeypatch.setenv("STRATA_LOCK_RETRY_BACKOFF", "10ms")
    with live.reader(), pytest.raises(StrataError) as failed:
        alembic_api.upgrade(live.next(BUILD_UNIQUE), live.url, "head")
    assert str(failed.value) == (
        "revision 0002 failed; the database stays recorded at 0001, but what it committed before failing stays"
        " applied (the INVALID index uq_tags_label): canceling statement due to lock timeout; another session"
        " holds a lock the migration needs: run it again when that session is idle (it was not retried, since"
        " that would repeat what it committed), or raise STRATA_LOCK_TIMEOUT"
    )
    assert "hit lock_timeout" not in capsys.readouterr().err
    assert live.one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'uq_tags_label'::regclass") == [(False,)]


def _wait_until_the_drop_waits(live: Live, migration: threading.Thread) -> None:
    """Until the migration's DROP INDEX waits for a lock, as the server reports it (or the migration ended)."""
    with psycopg.connect(libpq(live.url), autocommit=True) as watcher:
        while migration.is_alive():
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND ltrim(query, E' \\n') LIKE 'DROP INDEX%' AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting == (1,):
                return
            time.sleep(0.01)  # the poll's interval; the condition is the server's own view of the wait
    pytest.fail("the migration ended without its DROP INDEX waiting for the reader")


def _reads_and_writes_while_a_drop_waits(live: Live, migrate: Callable[[], None]) -> BaseException | None:
    """Run `migrate` while a reader holds tags; once its drop waits, another session reads and writes tags.

    Returns what `migrate` raised, if anything. A plain DROP INDEX queues an ACCESS EXCLUSIVE lock
    behind the reader and every later query on the table behind it: the other session then hits its
    lock_timeout and the test fails. DROP INDEX CONCURRENTLY waits for the reader without queueing anyone.
    """
    live.monkeypatch.setenv("STRATA_LOCK_TIMEOUT", "20s")  # the drop's wait for the reader: ended by the test
    live.monkeypatch.setenv("STRATA_LOCK_RETRIES", "0")
    raised: list[BaseException | None] = []

    def run() -> None:
        try:
            migrate()
            raised.append(None)
        except BaseException as error:  # handed to the test's thread, which asserts on it
            raised.append(error)

    with live.reader() as reader:
        migration = threading.Thread(target=run)
        migration.start()
        try:
            _wait_until_the_drop_waits(live, migration)
            with psycopg.connect(libpq(live.url), autocommit=True) as other:
                other.execute("SET lock_timeout = '500ms'")
                other.execute("SELECT count(*) FROM tags")
                other.execute(f"INSERT INTO tags (id, note_id, label) VALUES (gen_random_uuid(), '{NOTE}', 'y')")
        finally:
            reader.rollback()
            migration.join()
    return raised[0]


UNIQUE_LABELS = {"upgrade": BUILD_UNIQUE, "downgrade": 'online.drop_index("uq_tags_label", "tags")'}


def test_reads_and_writes_go_on_while_the_leftover_of_a_failed_build_is_dropped(live: Live) -> None:
    execute(live.url, DUPLICATES)
    app = live.next(**UNIQUE_LABELS)
    raised = _reads_and_writes_while_a_drop_waits(live, lambda: alembic_api.upgrade(app, live.url, "head"))
    assert isinstance(raised, StrataError)
    assert "could not create unique index" in str(raised)
    assert live.one("SELECT to_regclass('uq_tags_label')") == [(None,)]


def test_reads_and_writes_go_on_while_online_drop_index_waits(live: Live) -> None:
    app = live.next(**UNIQUE_LABELS)
    alembic_api.upgrade(app, live.url, "head")
    raised = _reads_and_writes_while_a_drop_waits(live, lambda: alembic_api.downgrade(app, live.url, "0001"))
    assert raised is None
    assert live.one("SELECT to_regclass('uq_tags_label')") == [(None,)]


def test_a_revision_failing_after_a_helper_succeeded_names_what_the_helper_committed(live: Live) -> None:
    """The index was built and committed before the failure: the message must not say "rolled back"."""
    app = live.next('online.create_index("ix_tags_label", "tags", ["label"])\nop.drop_table("never_made")')
    with pytest.raises(StrataError) as failed:
        alembic_api.upgrade(app, live.url, "head")
    assert str(failed.value) == (
        "revision 0002 failed; the database stays recorded at 0001, but what it committed before failing stays"
        ' applied (index ix_tags_label): table "never_made" does not exist'
    )
    assert live.one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_tags_label'::regclass") == [(True,)]


def test_a_leftover_another_session_dropped_first_is_no_error_of_the_cleanup(live: Live) -> None:
    """Between finding the INVALID index and dropping it, someone else drops it: the build's error is the one told.

    The race is placed by a listener that drops the index from another session as soon as the
    cleanup's query has found it; the cleanup's `IF EXISTS` then finds nothing to drop.
    """
    execute(live.url, DUPLICATES)

    def drop_it_first(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "NOT i.indisvalid" in statement:
            execute(live.url, "DROP INDEX uq_tags_label")

    event.listen(Engine, "after_cursor_execute", drop_it_first)
    try:
        with pytest.raises(StrataError) as failed:
            alembic_api.upgrade(live.next(BUILD_UNIQUE), live.url, "head")
    finally:
        event.remove(Engine, "after_cursor_execute", drop_it_first)
    assert str(failed.value) == (
        "revision 0002 failed and was rolled back; the database stays at 0001:"
        ' could not create unique index "uq_tags_label"'
    )
    assert live.one("SELECT to_regclass('uq_tags_label')") == [(None,)]
