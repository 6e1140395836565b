"""What each check says about a database broken by hand: the first finding, how many more, the evidence.

test_check.py breaks one thing per app and runs every check; here tinyapp's
migrated database gets several faults at once, and one check runs in-process.
"""

from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, pool
from sqlalchemy.engine import URL
from strata.checks import Status, runner
from strata.checks.cascades import cascades
from strata.checks.context import Context
from strata.checks.history import no_trace
from strata.checks.indexes import fk_indexes, vector_indexes
from strata.checks.models import matches_models
from strata.connection.connect import connect
from strata.connection.factory import sync_engine
from strata.errors import StrataError
from tiny_models import APP

NOT_USED = "ix_notes_embedding_hnsw is not used for ORDER BY embedding <=>: "


def _execute(url: URL, *statements: str) -> None:
    with connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def test_vector_columns_without_an_ann_index_warn_naming_the_first_and_sparse_indexes_are_planned(
    strata_fresh_url: URL,
) -> None:
    _execute(
        strata_fresh_url,
        "CREATE TABLE clips (id int PRIMARY KEY, embedding vector(2), frame vector(4))",
        "CREATE TABLE terms (id int PRIMARY KEY, weights sparsevec(5))",
        "CREATE INDEX ix_terms_weights ON terms USING hnsw (weights sparsevec_l2_ops)",
    )

    outcome = vector_indexes(Context(APP, strata_fresh_url))

    assert outcome.status == Status.WARN, outcome
    assert outcome.summary == "clips.embedding (vector(2)) has no ANN index: kNN queries scan every row (+1 more)"
    assert outcome.details[:2] == [
        "clips.embedding (vector(2)) has no ANN index: kNN queries scan every row",
        "clips.frame (vector(4)) has no ANN index: kNN queries scan every row",
    ]
    assert outcome.details[3].startswith("terms.weights <->: ->  Index Scan using ix_terms_weights on terms"), outcome


def test_an_unused_ann_index_is_named_first_with_the_plan_the_query_got(strata_fresh_url: URL) -> None:
    _execute(
        strata_fresh_url,
        "DROP INDEX ix_notes_embedding_hnsw",
        "CREATE INDEX ix_notes_embedding_hnsw ON notes USING hnsw (embedding vector_cosine_ops) "
        "WHERE embedding IS NOT NULL",
    )
    app = replace(APP, vector_queries={"notes.embedding": "l2"})

    outcome = vector_indexes(Context(app, strata_fresh_url))

    assert outcome.status == Status.FAIL
    assert outcome.summary.startswith(NOT_USED + "Limit  (cost="), outcome.summary
    assert outcome.details[1].startswith("notes.embedding is queried with l2 (<->)"), outcome.details


def test_several_foreign_keys_without_an_index_name_the_first(strata_fresh_url: URL) -> None:
    _execute(
        strata_fresh_url,
        "DROP INDEX ix_tags_note_id",
        "CREATE TABLE pins (id int PRIMARY KEY, note_id uuid NOT NULL REFERENCES notes ON DELETE CASCADE)",
    )

    outcome = fk_indexes(Context(APP, strata_fresh_url))

    assert outcome.summary == (
        "2 foreign key(s) without an index: pins(note_id) → notes (pins_note_id_fkey): add index=True"
    )


def test_one_cascade_problem_is_named_alone_and_several_name_the_first(strata_fresh_url: URL) -> None:
    """tags' CASCADE becomes SET NULL; then a table the models don't know cascades from notes too."""
    _execute(
        strata_fresh_url,
        "ALTER TABLE tags DROP CONSTRAINT fk_tags_note_id_notes, ALTER COLUMN note_id DROP NOT NULL",
        "ALTER TABLE tags ADD CONSTRAINT fk_tags_note_id_notes FOREIGN KEY (note_id) REFERENCES notes "
        "ON DELETE SET NULL",
    )
    left = "deleting a notes row left a tags row the models cascade to"
    assert cascades(Context(APP, strata_fresh_url)).summary == left

    _execute(
        strata_fresh_url,
        "CREATE TABLE pins (id int PRIMARY KEY, note_id uuid NOT NULL REFERENCES notes ON DELETE CASCADE)",
    )
    outcome = cascades(Context(APP, strata_fresh_url))

    assert outcome.status == Status.FAIL
    assert outcome.summary == f"{left} (+1 more)"
    assert outcome.details == [
        left,
        "deleting a notes row removed a pins row the models do not cascade to",
        "pins.note_id → notes (pins_note_id_fkey) has no ON DELETE action",
    ]


def test_a_delete_restricted_by_a_foreign_key_without_an_action_is_evidence_not_a_problem(
    strata_fresh_url: URL,
) -> None:
    _execute(strata_fresh_url, "CREATE TABLE pins (id int PRIMARY KEY, note_id uuid NOT NULL REFERENCES notes)")

    outcome = cascades(Context(APP, strata_fresh_url))

    assert outcome.status == Status.PASS, outcome
    assert "notes: the delete is restricted by pins_note_id_fkey, which declares no ON DELETE action" in outcome.details


def test_a_self_referencing_set_null_and_a_cascade_below_it_behave_as_declared(strata_empty_url: URL) -> None:
    """Deleting the first folder nulls its subfolder's parent; the first folder's files go with it."""
    metadata = MetaData()
    Table(
        "folders",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", Integer, ForeignKey("folders.id", ondelete="SET NULL", name="fk_folders_parent")),
    )
    Table(
        "files",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("folder_id", Integer, ForeignKey("folders.id", ondelete="CASCADE", name="fk_files_folder")),
    )
    engine = sync_engine(strata_empty_url, poolclass=pool.NullPool)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    ctx = Context(APP, strata_empty_url)
    vars(ctx)["metadata"] = metadata  # the models this database was made from

    outcome = cascades(ctx)

    assert outcome.status == Status.PASS, outcome
    assert outcome.details == ["folders: a delete removes 2 row(s) in 2 table(s) and nulls 1"]


def test_no_trace_names_the_extensions_a_downgrade_keeps(strata_fresh_url: URL) -> None:
    outcome = no_trace(Context(APP, strata_fresh_url))

    assert outcome.status == Status.PASS, outcome
    assert "; extensions kept: vector " in outcome.summary  # with its version


def test_one_difference_from_the_models_is_named_alone(strata_fresh_url: URL) -> None:
    _execute(strata_fresh_url, "ALTER TABLE tags DROP COLUMN label")

    outcome = matches_models(Context(APP, strata_fresh_url))

    assert outcome.status == Status.FAIL
    assert outcome.summary == "1 difference(s): add_column tags.label"


def test_several_differences_from_the_models_name_the_first_and_say_there_are_more(strata_fresh_url: URL) -> None:
    _execute(
        strata_fresh_url,
        "ALTER TABLE tags ALTER COLUMN label TYPE varchar(80)",
        "ALTER INDEX ix_notes_embedding_hnsw SET (m = 8)",
    )

    outcome = matches_models(Context(APP, strata_fresh_url))

    assert outcome.summary == "2 difference(s): modify_type tags.label: database VARCHAR(80), models VARCHAR(50) …"
    assert outcome.details[1] == (
        "index ix_notes_embedding_hnsw: WITH {'ef_construction': '64', 'm': '8'}, "
        "models {'m': '16', 'ef_construction': '64'}"
    )


def _models(*, partial: bool) -> MetaData:
    metadata = MetaData()
    docs = Table("docs", metadata, Column("id", Integer, primary_key=True), Column("kind", String(10)))
    live = docs.c.kind == "live"  # PostgreSQL shows it as ((kind)::text = 'live'::text)
    Index("ix_docs_live", docs.c.id, postgresql_where=live if partial else None)
    return metadata


def test_a_partial_index_is_compared_by_its_predicate_and_missing_tables_by_name(strata_empty_url: URL) -> None:
    engine = sync_engine(strata_empty_url, poolclass=pool.NullPool)
    try:
        _models(partial=True).create_all(engine)
    finally:
        engine.dispose()
    ctx = Context(APP, strata_empty_url)
    vars(ctx)["metadata"] = _models(partial=True)  # the models this database was made from
    assert matches_models(ctx).details == []

    _execute(strata_empty_url, "CREATE INDEX ix_docs_kind ON docs (kind)")
    without = _models(partial=False)
    Table("extra", without, Column("id", Integer, primary_key=True))
    ctx = Context(APP, strata_empty_url)
    vars(ctx)["metadata"] = without
    assert matches_models(ctx).details == [
        "add_table extra",
        "remove_index docs.ix_docs_kind",
        "index ix_docs_live: predicate ((kind)::text = 'live'::text), models None",
    ]


def test_a_check_that_crashes_fails_with_the_first_line_of_its_error(strata_fresh_url: URL) -> None:
    _execute(strata_fresh_url, "CREATE TABLE odd (id int PRIMARY KEY, n int NOT NULL CHECK (n < 0 AND n > 0))")

    outcome = runner._run_one(cascades, Context(APP, strata_fresh_url))

    assert outcome.status == Status.FAIL
    assert outcome.summary.startswith("IntegrityError: (psycopg.errors.CheckViolation) "), outcome.summary
    assert outcome.summary.endswith('violates check constraint "odd_n_check"'), outcome.summary


def test_each_check_is_timed_in_milliseconds(monkeypatch: pytest.MonkeyPatch, strata_server: URL) -> None:
    """A clock that moves a quarter second per reading: every check took 250 ms."""
    readings = iter(range(1000))
    monkeypatch.setattr(runner, "time", SimpleNamespace(perf_counter=lambda: next(readings) / 4))

    report = runner.check_app(APP, strata_server.set(database="strata_no_such_database"))

    assert [result.duration_ms for result in report.results] == [250.0] * len(runner.NAMES)


def test_a_database_that_is_not_empty_is_refused_naming_an_object(strata_empty_url: URL) -> None:
    _execute(strata_empty_url, "CREATE TABLE beta (n int)", "CREATE TABLE alpha (n int)")

    refused = r"\(2 object\(s\), e\.g\. table alpha\); give an empty database"
    with pytest.raises(StrataError, match=refused), runner.database_to_check(APP, strata_empty_url):
        pass
