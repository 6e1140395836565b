"""Seed 002's acceptance criteria, each checked against the migrated database."""

from pathlib import Path

import study_assistant.models
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from study_assistant.models import Base

MODEL_FILES = {"profile", "session", "document", "topic", "chat", "message", "chunk"}
ENUMS = {
    "session_status": ["UPLOADING", "GENERATING_PLAN", "EDITING_PLAN", "CHUNKING", "ACTIVE", "COMPLETED"],
    "processing_status": ["PENDING", "PROCESSING", "COMPLETED", "FAILED"],
    "chat_type": ["GENERAL", "TOPIC"],
    "chunk_type": ["SECTION", "PARAGRAPH"],
}


def _scalar_rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_one_model_file_per_table_all_exported() -> None:
    package = Path(study_assistant.models.__file__).parent
    assert {p.stem for p in package.glob("*.py")} >= MODEL_FILES
    assert {"Profile", "StudySession", "Document", "Topic", "Chat", "Message", "DocumentChunk"} <= set(
        study_assistant.models.__all__
    )


def test_the_migration_matches_the_models(strata_engine: Engine) -> None:
    with strata_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_enums_are_postgresql_enums_with_their_values(strata_engine: Engine) -> None:
    rows = _scalar_rows(
        strata_engine,
        "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_type t "
        "JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname",
    )
    assert dict(rows) == ENUMS  # type: ignore[arg-type]


def test_chunk_embedding_is_vector_768(strata_engine: Engine) -> None:
    rows = _scalar_rows(
        strata_engine,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'document_chunks'::regclass AND attname = 'embedding'",
    )
    assert rows == [("vector(768)",)]


def test_hnsw_and_gin_indexes_exist_with_their_parameters(strata_engine: Engine) -> None:
    rows = _scalar_rows(
        strata_engine,
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'document_chunks' "
        "AND (indexdef LIKE '%USING hnsw%' OR indexdef LIKE '%USING gin%') ORDER BY 1",
    )
    assert rows == [
        (
            "ix_document_chunks_embedding_hnsw",
            "CREATE INDEX ix_document_chunks_embedding_hnsw ON public.document_chunks "
            "USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64')",
        ),
        (
            "ix_document_chunks_related_topic_ids_gin",
            "CREATE INDEX ix_document_chunks_related_topic_ids_gin ON public.document_chunks "
            "USING gin (related_topic_ids)",
        ),
    ]


def test_unique_email_and_unique_chat_per_topic(strata_engine: Engine) -> None:
    rows = _scalar_rows(
        strata_engine,
        "SELECT conname FROM pg_constraint WHERE contype = 'u' AND connamespace = 'public'::regnamespace ORDER BY 1",
    )
    assert rows == [("uq_chats_topic_id",), ("uq_profiles_email",)]


def test_no_plaintext_password_column_anywhere(strata_engine: Engine) -> None:
    rows = _scalar_rows(
        strata_engine,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name LIKE '%password%'",
    )
    assert rows == [("profiles", "password_hash")]


def test_every_foreign_key_cascades_and_is_indexed(strata_engine: Engine) -> None:
    rows = _scalar_rows(
        strata_engine,
        "SELECT c.conname, c.confdeltype, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid "
        "AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey) FROM pg_constraint c "
        "WHERE c.contype = 'f' ORDER BY 1",
    )
    assert len(rows) == 9
    assert all(deltype == "c" and indexed for _name, deltype, indexed in rows), rows


def test_alembic_runs_through_an_async_engine(strata_fresh_url: URL) -> None:
    from strata.migrations import alembic_api
    from strata.testing.drivers import drivers_used
    from study_assistant.app import APP

    with drivers_used() as drivers:
        alembic_api.downgrade(APP, strata_fresh_url, "base")
        alembic_api.upgrade(APP, strata_fresh_url)
    assert drivers == ["psycopg async", "psycopg async"]
