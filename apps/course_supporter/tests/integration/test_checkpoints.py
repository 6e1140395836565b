"""Seed S1-005's checkpoints, each run against a real, migrated PostgreSQL."""

from course_supporter.app import APP
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from strata.migrations import alembic_api
from strata.server.admin import drop_database, ensure_database
from strata.testing.server import unique_name

SEED_TABLES = {
    "courses",
    "source_materials",
    "slide_video_mappings",
    "modules",
    "lessons",
    "concepts",
    "exercises",
    "llm_calls",
}
SEED_ENUMS = {"source_type_enum", "processing_status_enum"}


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        return {row[0] for row in rows}


def _enum_types(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'"))}


def test_upgrade_head_on_an_empty_database_succeeds(strata_server: URL) -> None:
    url = strata_server.set(database=unique_name("empty", "cs"))
    ensure_database(url)
    try:
        alembic_api.upgrade(APP, url)
        from strata.catalog.contents import summary

        assert summary(url).revision == alembic_api.heads(APP)[0]
    finally:
        drop_database(url)


def test_database_has_the_eight_tables_and_alembic_version(strata_engine: Engine) -> None:
    assert _tables(strata_engine) == SEED_TABLES | {"alembic_version"}


def test_concepts_embedding_is_vector_1536(strata_engine: Engine) -> None:
    with strata_engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'concepts'::regclass AND attname = 'embedding'"
            )
        ).scalar_one()
    assert found == "vector(1536)"


def test_vector_extension_is_active(strata_engine: Engine) -> None:
    with strata_engine.connect() as conn:
        found = conn.execute(text("SELECT extname FROM pg_extension WHERE extname = 'vector'")).scalar()
    assert found == "vector"


def test_downgrade_base_leaves_nothing_and_upgrade_head_works_again(
    strata_engine: Engine, strata_fresh_url: URL
) -> None:
    alembic_api.downgrade(APP, strata_fresh_url, "base")
    assert _tables(strata_engine) == {"alembic_version"}
    assert not (_enum_types(strata_engine) & SEED_ENUMS)

    alembic_api.upgrade(APP, strata_fresh_url)
    assert _tables(strata_engine) == SEED_TABLES | {"alembic_version"}
    assert _enum_types(strata_engine) >= SEED_ENUMS


def test_llm_calls_has_no_foreign_key_in_the_database(strata_engine: Engine) -> None:
    with strata_engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM pg_constraint WHERE conrelid = 'llm_calls'::regclass AND contype = 'f'")
        ).scalar_one()
    assert count == 0


def test_every_foreign_key_column_is_indexed(strata_engine: Engine) -> None:
    with strata_engine.connect() as conn:
        unindexed = conn.execute(
            text(
                "SELECT c.conrelid::regclass::text FROM pg_constraint c WHERE c.contype = 'f' "
                "AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid "
                "AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)"
            )
        ).all()
    assert unindexed == []
