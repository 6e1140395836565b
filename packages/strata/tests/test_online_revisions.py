"""Online revisions: `strata.migrations.online` on a real server, and what the runner guarantees around them."""

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.migrations.lint import revision_sql
from strata.migrations.lock import lock_key
from tiny_support import execute

HEADER = '''"""{doc}

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from strata.migrations import online

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

'''

# Every helper, and a record of who holds tiny's migration lock while the online part runs.
ONLINE_REVISION = (
    HEADER.format(doc="labels unique, built concurrently; a tired mood; short labels")
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

NOTE = "00000000-0000-7000-8000-000000000001"


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
