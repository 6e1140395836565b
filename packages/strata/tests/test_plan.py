"""`strata up --plan` and the data checks `strata up` runs before any lock, on real rows."""

import json
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.connection.urls import libpq
from strata.drift.snapshot import reading, snapshot
from strata.migrations import alembic_api
from strata.migrations.lock import lock_key
from strata.plan.datachecks import added_checks, violations
from tiny_support import NOTE, Run, execute, fingerprint, in_process_strata, next_revision

# A second revision a real app might add: each constraint fails on the rows inserted below.
REVISION_0002 = (
    next_revision(doc="labels are unique, bodies short, embeddings required")
    + """
def upgrade() -> None:
    op.create_unique_constraint(op.f("uq_tags_label"), "tags", ["label"])
    op.create_check_constraint(op.f("ck_notes_body_short"), "notes", "char_length(body) < 100")
    op.alter_column("notes", "embedding", nullable=False)


def downgrade() -> None:
    op.alter_column("notes", "embedding", nullable=True)
    op.drop_constraint(op.f("ck_notes_body_short"), "notes", type_="check")
    op.drop_constraint(op.f("uq_tags_label"), "tags", type_="unique")
"""
)


@pytest.fixture
def app_with_0002(tiny_copy: App) -> App:
    (tiny_copy.migrations_dir / "versions" / "0002_constraints.py").write_text(REVISION_0002)
    return tiny_copy


@pytest.fixture
def live(app_with_0002: App, strata_empty_url: URL) -> URL:
    """A database at 0001 whose rows break every constraint 0002 adds."""
    alembic_api.upgrade(app_with_0002, strata_empty_url, "0001")
    execute(
        strata_empty_url,
        f"INSERT INTO notes (id, body, mood) VALUES ('{NOTE}', repeat('a', 150), 'calm')",
        f"INSERT INTO tags (id, note_id, label) SELECT gen_random_uuid(), '{NOTE}', 'x' FROM generate_series(1, 3)",
        f"INSERT INTO tags (id, note_id, label) VALUES (gen_random_uuid(), '{NOTE}', 'y')",
    )
    return strata_empty_url


@pytest.fixture
def strata(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_with_0002: App) -> Run:
    return in_process_strata(monkeypatch, capsys, installed={"tiny": app_with_0002})


@pytest.fixture
def migration_lock_held(live: URL) -> Iterator[None]:
    """Another migration holding tiny's lock: whoever asks for it now waits."""
    with psycopg.connect(libpq(live)) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("tiny"),))
        yield


def test_plan_shows_sql_locks_squawk_and_the_rows_each_new_constraint_would_reject(strata: Run, live: URL) -> None:
    before = fingerprint(live)
    code, out, err = strata("up", "--app", "tiny", "--plan", TINY_DATABASE_URL=str(live))
    assert code == 0, err
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "tiny 0002"
    assert "ALTER TABLE tags ADD CONSTRAINT uq_tags_label UNIQUE (label);" in lines
    assert any(line.startswith("ACCESS EXCLUSIVE (blocks reads and writes) on tags (4 row(s), ") for line in lines)
    assert any(line.startswith("ACCESS EXCLUSIVE (blocks reads and writes) on notes (1 row(s), ") for line in lines)
    assert any("disallowed-unique-constraint" in line for line in lines)
    assert "✗ UNIQUE uq_tags_label on tags (label): 2 live row(s) violate it, e.g. (label)=(x)" in lines
    assert (
        f"✗ CHECK ck_notes_body_short on notes: CHECK (char_length(body::text) < 100): 1 live row(s) violate it,"
        f" e.g. (id)=({NOTE})" in lines
    )
    assert f"✗ NOT NULL notes.embedding: 1 live row(s) violate it, e.g. (id)=({NOTE})" in lines
    assert fingerprint(live) == before


def test_plan_json_shape(strata: Run, live: URL) -> None:
    code, out, err = strata("up", "--app", "tiny", "--plan", "--json", TINY_DATABASE_URL=str(live))
    assert code == 0, err
    [app] = json.loads(out)["apps"]
    [revision] = app["pending"]
    assert (app["app"], revision["revision"]) == ("tiny", "0002")
    assert "ALTER TABLE notes ALTER COLUMN embedding SET NOT NULL;" in revision["sql"]
    assert {
        "statement": "ALTER TABLE notes ALTER COLUMN embedding SET NOT NULL",
        "lock": "ACCESS EXCLUSIVE (blocks reads and writes)",
        "tables": ["notes"],
    } in revision["locks"]
    assert revision["tables"]["tags"]["rows"] == 4
    assert any(finding.startswith("adding-not-nullable-field: ") for finding in revision["squawk"])
    assert {"constraint": "UNIQUE uq_tags_label on tags (label)", "count": 2, "sample": "(label)=(x)"} in revision[
        "violations"
    ]
    assert strata("up", "--app", "tiny", "--json")[0::2] == (
        1,
        "error: --json goes with --plan: strata up --plan --json",
    )


def test_up_refuses_the_revision_before_taking_the_migration_lock_and_changes_nothing(
    strata: Run, live: URL, migration_lock_held: None
) -> None:
    before = fingerprint(live)
    # Were the lock asked for first, this run would give up waiting for it instead of naming the rows.
    code, _out, err = strata("up", "--app", "tiny", "--lock-timeout", "0.5", TINY_DATABASE_URL=str(live))
    assert code == 1
    assert err == (
        "error: tiny: revision 0002 would fail on the live rows, so nothing was migrated: UNIQUE uq_tags_label on "
        "tags (label): 2 live row(s) violate it, e.g. (label)=(x) (and 2 more: see strata up --plan); "
        "fix those rows or the revision"
    )
    assert fingerprint(live) == before


def test_up_migrates_once_the_rows_are_fixed(strata: Run, live: URL) -> None:
    execute(
        live,
        "DELETE FROM tags WHERE label = 'x'",
        "UPDATE notes SET body = 'short', embedding = '[1,0,0]'",
    )
    code, _out, err = strata("up", "--app", "tiny", TINY_DATABASE_URL=str(live))
    assert code == 0, err
    with psycopg.connect(libpq(live)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]


def test_a_new_foreign_key_counts_orphan_rows(strata_fresh_url: URL) -> None:
    """The FK check alone: the catalog without the FK before, with it after, on rows that would break it."""
    with reading(strata_fresh_url) as conn:
        with_fk = snapshot(conn)
    execute(
        strata_fresh_url,
        "ALTER TABLE tags DROP CONSTRAINT fk_tags_note_id_notes",
        f"INSERT INTO tags (id, note_id, label) VALUES ('{NOTE}', gen_random_uuid(), 'orphan')",
        f"INSERT INTO tags (id, note_id, label) SELECT gen_random_uuid(), '{NOTE}', 'o' FROM generate_series(1, 2)",
    )
    with reading(strata_fresh_url) as conn:
        without_fk = snapshot(conn)
        found = violations(conn, added_checks(without_fk, with_fk, {"notes", "tags"}))
    assert [str(v) for v in found] == [
        f"FOREIGN KEY fk_tags_note_id_notes on tags (note_id) → notes: 3 live row(s) violate it, e.g. (id)=({NOTE})"
    ]


def test_a_foreign_key_on_a_column_the_revision_adds_is_not_queried_on_live_rows(strata_fresh_url: URL) -> None:
    """Live rows have no value in a column the revision adds yet: checking its FK must not query that column."""
    with reading(strata_fresh_url) as conn:
        with_column = snapshot(conn)
    execute(strata_fresh_url, "ALTER TABLE tags DROP COLUMN note_id")  # its FK and index go with it
    with reading(strata_fresh_url) as conn:
        without_column = snapshot(conn)
        checks = added_checks(without_column, with_column, {"notes", "tags"})
        assert violations(conn, checks) == []
    assert [check.constraint for check in checks] == ["NOT NULL tags.note_id (a new column without a default)"]
