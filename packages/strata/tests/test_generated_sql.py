"""What strata adds to the SQL Alembic writes: offline scripts that run as an online run would, and
autogenerate that notices type changes, imports pgvector and drops each enum type once."""

import sqlalchemy as sa
from alembic import command
from alembic.operations import ops
from pgvector.sqlalchemy import VECTOR
from sqlalchemy.engine import URL
from strata import App
from strata.migrations import alembic_api
from strata.migrations.autogen import process_revision_directives
from strata.migrations.lint import revision_sql
from tiny_support import execute, next_revision

DATA_REVISION = (
    next_revision(doc="a data change")
    + """
def upgrade() -> None:
    op.execute(sa.table("notes", sa.column("body", sa.String)).update().values(body="hello"))


def downgrade() -> None:
    pass
"""
)


def test_an_offline_script_sets_the_timeouts_first_and_writes_values_in_place(tiny_copy: App) -> None:
    """`alembic upgrade --sql` output is run by hand: no bound parameters to fill, the same limits as online."""
    (tiny_copy.migrations_dir / "versions" / "0002_data.py").write_text(DATA_REVISION)
    sql = revision_sql(tiny_copy, "0002", None)
    statements = [line for line in sql.splitlines() if line.strip() and not line.startswith("--")]
    assert statements[:2] == ["SET lock_timeout = '5s';", "SET statement_timeout = '10min';"]
    assert "UPDATE notes SET body='hello';" in statements


def test_autogenerate_notices_a_column_whose_type_differs_from_the_model(tiny_copy: App, strata_empty_url: URL) -> None:
    alembic_api.upgrade(tiny_copy, strata_empty_url)
    execute(strata_empty_url, "ALTER TABLE tags ALTER COLUMN label TYPE varchar(80)")
    command.revision(alembic_api.config(tiny_copy, strata_empty_url), message="drift", autogenerate=True)
    (generated,) = (tiny_copy.migrations_dir / "versions").glob("*_drift.py")
    upgrade = generated.read_text().split("def downgrade")[0]
    assert "op.alter_column('tags', 'label'" in upgrade
    assert "type_=sa.String(length=50)" in upgrade


def _script(upgrade: list[ops.MigrateOperation], downgrade: list[ops.MigrateOperation]) -> ops.MigrationScript:
    return ops.MigrationScript("0002", ops.UpgradeOps(ops=upgrade), ops.DowngradeOps(ops=downgrade))


def _table(name: str, *columns: sa.Column[object]) -> sa.Table:
    return sa.Table(name, sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), *columns)


def _sql(operations: list[ops.MigrateOperation]) -> list[str]:
    return [str(op.sqltext) for op in operations if isinstance(op, ops.ExecuteSQLOp)]


def test_an_enum_type_shared_by_two_dropped_tables_is_dropped_once() -> None:
    mood = sa.Enum("calm", "busy", name="mood")
    tables = [_table("notes", sa.Column("mood", mood)), _table("drafts", sa.Column("mood", mood))]
    script = _script([], [ops.DropTableOp.from_table(table) for table in tables])
    process_revision_directives(None, None, [script])  # type: ignore[arg-type]
    assert _sql(script.downgrade_ops.ops) == ['DROP TYPE IF EXISTS "mood"']  # type: ignore[union-attr]


def test_every_script_of_a_multi_script_run_gets_its_extension_even_after_one_without_operations() -> None:
    """Alembic hands one script per branch or database; one with nothing to do must not end the pass."""
    empty = ops.MigrationScript("0002", ops.UpgradeOps(ops=[]), ops.DowngradeOps(ops=[]))
    empty._upgrade_ops = []  # a script Alembic made no upgrade for: `upgrade_ops` is None
    vectors = _script([ops.CreateTableOp.from_table(_table("chunks", sa.Column("embedding", VECTOR(3))))], [])
    process_revision_directives(None, None, [empty, vectors])  # type: ignore[arg-type]
    assert _sql(vectors.upgrade_ops.ops) == ["CREATE EXTENSION IF NOT EXISTS vector"]  # type: ignore[union-attr]
