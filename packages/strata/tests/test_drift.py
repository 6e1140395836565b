"""`strata drift` on a real migrated database: what it names, what it leaves alone, and its refusals."""

import json
from dataclasses import replace

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import apps
from strata.connection.urls import mask
from strata.drift.compare import compare
from strata.drift.snapshot import reading, snapshot
from strata.errors import StrataError
from tiny_support import Run, execute, fingerprint, in_process_strata

INSTALLED = dict(apps.discover())


@pytest.fixture
def strata(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`strata` in process; the scratch databases go on the session's embedded server (its STRATA_HOME)."""
    return in_process_strata(monkeypatch, capsys)


def test_an_untouched_database_matches_its_migrations(strata: Run, strata_fresh_url: URL) -> None:
    code, out, _err = strata("drift", "--app", "tiny", "--database-url", str(strata_fresh_url))
    assert code == 0, out
    assert out.startswith("tiny: matches its migrations at 0001")
    assert f"  database: {mask(strata_fresh_url)}" in out.splitlines()  # whole, on a line of its own


def test_drift_names_each_hand_made_change_and_writes_nothing(strata: Run, strata_fresh_url: URL) -> None:
    execute(
        strata_fresh_url,
        "DROP INDEX ix_tags_note_id",
        "ALTER TABLE notes ADD COLUMN mood_note text",
        "DROP INDEX ix_notes_embedding_hnsw",
        "CREATE INDEX ix_notes_embedding_hnsw ON notes USING hnsw (embedding vector_cosine_ops)"
        " WITH (m = 8, ef_construction = 64)",
        "INSERT INTO notes (id, body, mood) VALUES ('00000000-0000-7000-8000-000000000001', 'a', 'calm')",
        "INSERT INTO tags (id, note_id, label) SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'x'"
        " FROM generate_series(1, 2)",
        "INSERT INTO alembic_version VALUES ('ffffffffffff')",
    )
    with pytest.raises(psycopg.errors.UniqueViolation):  # the failed build leaves the index behind, INVALID
        execute(strata_fresh_url, "CREATE UNIQUE INDEX CONCURRENTLY uq_tags_label ON tags (label)")
    before = fingerprint(strata_fresh_url)

    code, out, _err = strata("drift", "--app", "tiny", "--database-url", str(strata_fresh_url))

    assert code == 1
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0].startswith("tiny: 5 difference(s) from its migrations at 0001, ffffffffffff")
    assert "unknown revision ffffffffffff: the database records it, and no migration file has it" in lines
    assert "extra column notes.mood_note: text NULL" in lines
    assert "missing index ix_tags_note_id: CREATE INDEX ix_tags_note_id ON tags USING btree (note_id)" in lines
    assert any(
        line.startswith("changed index ix_notes_embedding_hnsw: options m=16, ef_construction=64 → m=8, ")
        for line in lines
    )
    assert any(
        line.startswith("invalid index uq_tags_label: INVALID: a failed CREATE INDEX CONCURRENTLY") for line in lines
    )
    assert fingerprint(strata_fresh_url) == before


def test_drift_reports_tables_columns_constraints_and_enum_values(strata: Run, strata_fresh_url: URL) -> None:
    execute(
        strata_fresh_url,
        "CREATE TABLE audit (id int)",
        "ALTER TABLE tags ALTER COLUMN label TYPE varchar(80)",
        "ALTER TABLE notes ALTER COLUMN embedding SET NOT NULL",
        "ALTER TABLE notes ALTER COLUMN created_at DROP DEFAULT",
        "ALTER TABLE notes DROP CONSTRAINT ck_notes_body_not_empty",
        "ALTER TABLE notes ADD CONSTRAINT ck_notes_body_not_empty CHECK (char_length(body) > 1)",
        "ALTER TABLE tags DROP CONSTRAINT fk_tags_note_id_notes",
        "ALTER TYPE mood ADD VALUE 'angry'",
        "CREATE EXTENSION hstore VERSION '1.4'",
    )
    code, out, _err = strata("drift", "--app", "tiny", "--database-url", str(strata_fresh_url), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    [entry] = report["apps"]
    assert (entry["app"], entry["database"], entry["revisions"], entry["clean"]) == (
        "tiny",
        mask(strata_fresh_url),
        ["0001"],
        False,
    )
    found = {(d["change"], d["kind"], d["name"]): d["detail"] for d in entry["differences"]}
    assert found == {
        ("extra", "table", "audit"): "1 column(s)",
        ("changed", "column", "tags.label"): "character varying(50) NOT NULL → character varying(80) NOT NULL",
        ("changed", "column", "notes.embedding"): "vector(3) NULL → vector(3) NOT NULL",
        ("changed", "column", "notes.created_at"): "timestamp with time zone NOT NULL DEFAULT now() → "
        "timestamp with time zone NOT NULL",
        ("changed", "constraint", "notes.ck_notes_body_not_empty"): "check CHECK (char_length(body::text) > 0) → "
        "check CHECK (char_length(body::text) > 1)",
        ("missing", "constraint", "tags.fk_tags_note_id_notes"): "foreign key FOREIGN KEY (note_id) "
        "REFERENCES notes(id) ON DELETE CASCADE",
        ("changed", "enum", "mood"): "values calm, busy → calm, busy, angry",
        ("extra", "extension", "hstore"): "version 1.4",
    }


def test_an_extension_at_another_version_is_one_change(strata_fresh_url: URL) -> None:
    with reading(strata_fresh_url) as conn:
        built = snapshot(conn)
    version = dict(e.split(" ") for e in built.schema.extensions)["vector"]
    older = replace(built, schema=replace(built.schema, extensions=["vector 0.7.0"]))
    assert [str(d) for d in compare(built, older)] == [f"changed extension vector: version {version} → 0.7.0"]
    assert compare(built, built) == []


def test_drift_reads_the_direct_url_when_one_is_set(strata: Run, strata_fresh_url: URL) -> None:
    pooled = "postgresql://app@pooler.invalid:6432/tiny?pgbouncer=true"
    direct = str(strata_fresh_url)
    code, out, _err = strata(
        "drift", "--app", "tiny", "--json", TINY_DATABASE_URL=pooled, TINY_DIRECT_DATABASE_URL=direct
    )
    assert code == 0, out
    assert json.loads(out)["apps"][0]["database"] == mask(strata_fresh_url)


def test_the_live_side_is_one_read_only_transaction_holding_access_share_locks_only(strata_fresh_url: URL) -> None:
    with reading(strata_fresh_url) as conn:
        read = snapshot(conn)
        locks = conn.execute(
            "SELECT relation::regclass::text, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'"
        ).fetchall()
        read_only = conn.execute("SHOW transaction_read_only").fetchone()
    assert read.revisions == ["0001"]
    assert ("alembic_version", "AccessShareLock") in locks  # the observation sees the locks the read took
    assert {mode for _relation, mode in locks} == {"AccessShareLock"}
    assert read_only == ("on",)
    with pytest.raises(StrataError, match="read-only transaction"), reading(strata_fresh_url) as conn:
        conn.execute("CREATE TABLE written_by_drift (id int)")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("drift", "--app", "nope"),
            f"error: unknown app 'nope'; installed apps: {', '.join(sorted({*INSTALLED, 'tiny'}))}",
        ),
        (
            ("drift", "--database-url", "postgresql://u:s3cret-pw@/db?host=/tmp"),
            "error: --database-url needs --app: name the app whose migrations the database should match",
        ),
    ],
)
def test_bad_input_is_one_line(strata: Run, args: tuple[str, ...], expected: str) -> None:
    assert strata(*args)[0::2] == (1, expected)


def test_a_bad_url_is_one_masked_line(strata: Run) -> None:
    code, _out, err = strata("drift", "--app", "tiny", "--database-url", "postgresql://u:s3cret-pw@/db?host=/nowhere")
    assert code == 1
    assert len(err.splitlines()) == 1
    assert err.startswith("error: ")
    assert "s3cret-pw" not in err
