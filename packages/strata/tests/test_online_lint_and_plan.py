"""What `strata lint` and `strata up --plan` say about a change written plainly and with the online helpers."""

import json

import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.connection.connect import connect
from strata.migrations import alembic_api
from strata.migrations.lint import lint_app, revision_sql
from strata.plan.locks import StatementLock, lock_of, on_tables, statements
from tiny_support import NOTE, Run, execute, in_process_strata, next_revision

HEADER = (
    next_revision(doc="tags get a parent note, an index on it, and unique labels")
    + """
def downgrade() -> None:
    pass
"""
)

PLAIN = (
    HEADER
    + """
def upgrade() -> None:
    op.add_column("tags", sa.Column("parent_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(op.f("fk_tags_parent_id_notes"), "tags", "notes", ["parent_id"], ["id"])
    op.create_index(op.f("ix_tags_parent_id"), "tags", ["parent_id"])
    op.create_unique_constraint(op.f("uq_tags_label"), "tags", ["label"])
    op.execute("ALTER TYPE mood ADD VALUE 'tired'")
"""
)

ONLINE = (
    HEADER
    + """
def upgrade() -> None:
    op.add_column("tags", sa.Column("parent_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_tags_parent_id_notes"), "tags", "notes", ["parent_id"], ["id"], postgresql_not_valid=True
    )
    online.validate_constraint("fk_tags_parent_id_notes", "tags")
    online.create_index(op.f("ix_tags_parent_id"), "tags", ["parent_id"])
    online.create_index(op.f("uq_tags_label"), "tags", ["label"], unique=True)
    op.execute("ALTER TABLE tags ADD CONSTRAINT uq_tags_label UNIQUE USING INDEX uq_tags_label")
    online.add_enum_value("mood", "tired", after="busy")
"""
)


def _with(app: App, revision: str) -> App:
    (app.migrations_dir / "versions" / "0002_parent.py").write_text(revision)
    return app


@pytest.fixture
def strata(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_copy: App) -> Run:
    return in_process_strata(monkeypatch, capsys, installed={"tiny": tiny_copy})


def test_each_finding_comes_with_its_safe_alternative(tiny_copy: App, strata: Run) -> None:
    _with(tiny_copy, PLAIN)
    code, out, _err = strata("lint", "--app", "tiny")
    assert code == 1
    lines = [line.strip() for line in out.splitlines()]
    fk = next(i for i, line in enumerate(lines) if line.startswith("adding-foreign-key-constraint: "))
    assert lines[fk + 1] == (
        "instead: op.create_foreign_key(..., postgresql_not_valid=True) (ADD CONSTRAINT … NOT VALID), "
        "then online.validate_constraint(...)"
    )
    index = next(i for i, line in enumerate(lines) if line.startswith("require-concurrent-index-creation: "))
    assert lines[index + 1] == "instead: online.create_index(...): CREATE INDEX CONCURRENTLY, outside the transaction"
    unique = next(i for i, line in enumerate(lines) if line.startswith("disallowed-unique-constraint: "))
    assert "UNIQUE USING INDEX" in lines[unique + 1]
    assert sum(line.startswith("instead: ") for line in lines) == sum(": " in line and "— `" in line for line in lines)

    code, out, _err = strata("lint", "--app", "tiny", "--json")
    later = json.loads(out)["apps"]["tiny"][-1]
    assert later["alternatives"]["adding-foreign-key-constraint"].endswith("then online.validate_constraint(...)")
    assert set(later["alternatives"]) == {finding.split(":")[0] for finding in later["findings"]}


def test_the_same_change_written_with_the_helpers_is_clean(tiny_copy: App) -> None:
    later = lint_app(_with(tiny_copy, ONLINE))[-1]
    assert (later.ok, later.findings) == (True, [])


def test_validating_in_the_transaction_that_added_the_constraint_is_still_a_finding(tiny_copy: App) -> None:
    """squawk reads the COMMIT the helper renders: without it, validation keeps the NOT VALID step's lock."""
    same_transaction = ONLINE.replace(
        'online.validate_constraint("fk_tags_parent_id_notes", "tags")',
        'op.execute("ALTER TABLE tags VALIDATE CONSTRAINT fk_tags_parent_id_notes")',
    )
    later = lint_app(_with(tiny_copy, same_transaction))[-1]
    assert [finding.split(":")[0] for finding in later.findings] == ["constraint-missing-not-valid"]


def _locks(app: App) -> dict[str, StatementLock]:
    return {lock.statement: lock for lock in map(lock_of, statements(revision_sql(app, "0002", "0001")))}


def _what(lock: StatementLock) -> tuple[str, tuple[str, ...]]:
    return lock.lock, lock.tables


def test_plan_names_the_lock_each_online_statement_really_takes(tiny_copy: App) -> None:
    locks = _locks(_with(tiny_copy, ONLINE))
    online_lock = "SHARE UPDATE EXCLUSIVE (reads and writes go on)"
    assert _what(locks["CREATE INDEX CONCURRENTLY ix_tags_parent_id ON tags (parent_id)"]) == (online_lock, ("tags",))
    assert locks["CREATE UNIQUE INDEX CONCURRENTLY uq_tags_label ON tags (label)"].lock == online_lock
    assert _what(locks["ALTER TABLE tags VALIDATE CONSTRAINT fk_tags_parent_id_notes"]) == (online_lock, ("tags",))
    not_valid = locks[
        "ALTER TABLE tags ADD CONSTRAINT fk_tags_parent_id_notes FOREIGN KEY(parent_id) REFERENCES notes (id) NOT VALID"
    ]
    assert (not_valid.lock, not_valid.tables) == (
        "SHARE ROW EXCLUSIVE (blocks writes, briefly: NOT VALID skips the scan of existing rows)",
        ("tags", "notes"),
    )
    assert locks["ALTER TYPE mood ADD VALUE IF NOT EXISTS 'tired' AFTER 'busy'"].lock == "none"
    assert {locks["COMMIT"].lock, locks["BEGIN"].lock} == {"none"}

    plain = _locks(_with(tiny_copy, PLAIN))
    validated = plain[
        "ALTER TABLE tags ADD CONSTRAINT fk_tags_parent_id_notes FOREIGN KEY(parent_id) REFERENCES notes (id)"
    ]
    assert validated.lock == "SHARE ROW EXCLUSIVE (blocks writes)"
    assert plain["CREATE INDEX ix_tags_parent_id ON tags (parent_id)"].lock == "SHARE (blocks writes)"


def test_a_check_added_not_valid_holds_access_exclusive_only_briefly() -> None:
    lock = lock_of("ALTER TABLE notes ADD CONSTRAINT ck_notes_short CHECK (char_length(body) < 100) NOT VALID")
    assert (lock.lock, lock.tables) == (
        "ACCESS EXCLUSIVE (blocks reads and writes, briefly: NOT VALID skips the scan of existing rows)",
        ("notes",),
    )


def test_drop_index_locks_the_table_the_catalog_says_the_index_is_on(strata_fresh_url: URL) -> None:
    concurrent = lock_of("DROP INDEX CONCURRENTLY IF EXISTS ix_tags_note_id")
    plain = lock_of("DROP INDEX ix_notes_embedding_hnsw")
    with connect(strata_fresh_url) as conn:
        assert _what(on_tables(conn, concurrent)) == ("SHARE UPDATE EXCLUSIVE (reads and writes go on)", ("tags",))
        assert _what(on_tables(conn, plain)) == ("ACCESS EXCLUSIVE (blocks reads and writes)", ("notes",))
        assert on_tables(conn, lock_of("DROP INDEX CONCURRENTLY ix_not_there")).tables == ()


def test_up_plan_shows_the_online_locks_and_each_findings_alternative(
    tiny_copy: App, strata: Run, strata_empty_url: URL
) -> None:
    alembic_api.upgrade(_with(tiny_copy, ONLINE), strata_empty_url, "0001")
    code, out, err = strata("up", "--app", "tiny", "--plan", "--json", TINY_DATABASE_URL=str(strata_empty_url))
    assert code == 0, err
    [revision] = json.loads(out)["apps"][0]["pending"]
    assert {
        "statement": "CREATE INDEX CONCURRENTLY ix_tags_parent_id ON tags (parent_id)",
        "lock": "SHARE UPDATE EXCLUSIVE (reads and writes go on)",
        "tables": ["tags"],
    } in revision["locks"]
    assert (revision["squawk"], revision["alternatives"]) == ([], {})

    _with(tiny_copy, PLAIN)
    code, out, err = strata("up", "--app", "tiny", "--plan", TINY_DATABASE_URL=str(strata_empty_url))
    lines = [line.strip() for line in out.splitlines()]
    fk = next(i for i, line in enumerate(lines) if line.startswith("adding-foreign-key-constraint: "))
    assert lines[fk + 1].startswith("instead: op.create_foreign_key(..., postgresql_not_valid=True)")


def test_up_checks_live_rows_for_what_the_online_revision_adds_over_existing_columns_only(
    tiny_copy: App, strata: Run, strata_empty_url: URL
) -> None:
    """The new parent_id has no live value: its FOREIGN KEY is not counted; the unique label index over rows is."""
    url = str(strata_empty_url)
    alembic_api.upgrade(_with(tiny_copy, ONLINE), strata_empty_url, "0001")
    execute(
        strata_empty_url,
        f"INSERT INTO notes (id, body, mood) VALUES ('{NOTE}', 'hello', 'calm')",
        f"INSERT INTO tags (id, note_id, label) SELECT gen_random_uuid(), '{NOTE}', 'x' FROM generate_series(1, 2)",
    )
    code, _out, err = strata("up", "--app", "tiny", TINY_DATABASE_URL=url)
    assert (code, err) == (
        1,
        "error: tiny: revision 0002 would fail on the live rows, so nothing was migrated: UNIQUE uq_tags_label on "
        "tags (label): 1 live row(s) violate it, e.g. (label)=(x); fix those rows or the revision",
    )
    execute(strata_empty_url, "UPDATE tags SET label = id::text")
    code, _out, err = strata("up", "--app", "tiny", TINY_DATABASE_URL=url)
    assert code == 0, err
    with connect(strata_empty_url) as conn:
        assert conn.execute(
            "SELECT convalidated FROM pg_constraint WHERE conname = 'fk_tags_parent_id_notes'"
        ).fetchall() == [(True,)]
