"""`strata lint` passes initial revisions and fails later ones that take blocking locks."""

import pytest
from strata import App
from strata.migrations.lint import lint_app

LATER = '''"""later change"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    {body}


def downgrade() -> None:
    pass
'''

BLOCKING = {
    "a non-concurrent index on an existing table": (
        'op.create_index("ix_notes_body", "notes", ["body"])',
        "require-concurrent-index-creation",
    ),
    "a NOT NULL column without a default": (
        'op.add_column("notes", sa.Column("rank", sa.Integer(), nullable=False))',
        "adding-required-field",
    ),
    "a column type change": (
        'op.alter_column("tags", "label", type_=sa.String(length=80), existing_type=sa.String(length=50))',
        "changing-column-type",
    ),
}


def _add_revision(app: App, body: str) -> None:
    (app.migrations_dir / "versions" / "0002_later.py").write_text(LATER.format(body=body))


def test_the_initial_revision_is_exempt_and_a_harmless_later_one_passes(tiny_copy: App) -> None:
    _add_revision(tiny_copy, "op.execute(\"COMMENT ON TABLE notes IS 'notes'\")")
    results = lint_app(tiny_copy)
    assert [(r.revision, r.exempt, r.findings) for r in results] == [("0001", True, []), ("0002", False, [])]


@pytest.mark.parametrize("case", list(BLOCKING))
def test_a_blocking_later_revision_fails(tiny_copy: App, case: str) -> None:
    body, rule = BLOCKING[case]
    _add_revision(tiny_copy, body)
    later = lint_app(tiny_copy)[-1]
    assert not later.ok
    assert any(finding.startswith(f"{rule}:") for finding in later.findings), later.findings


def test_the_rendered_sql_sets_the_migration_timeouts(tiny_copy: App) -> None:
    from strata.migrations.lint import revision_sql

    _add_revision(tiny_copy, 'op.execute("SELECT 1")')
    sql = revision_sql(tiny_copy, "0002", "0001")
    assert sql.index("SET lock_timeout = '5s';") < sql.index("BEGIN;")
    assert "SET statement_timeout = '10min';" in sql
