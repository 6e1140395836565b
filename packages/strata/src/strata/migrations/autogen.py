"""Autogenerate hooks that make generated migrations run as written.

Alembic leaves two traps for pgvector schemas:
- a `Vector` column renders as `pgvector.sqlalchemy.vector.VECTOR(...)` with no
  import, so the migration fails with NameError;
- `drop_table` leaves the table's enum types behind, so the next upgrade fails
  with `type "..." already exists`.
These hooks render vector types with their import, create the extension
before the first vector table and drop the enum types after the last table
that uses them.
"""

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from pgvector.sqlalchemy import BIT, HALFVEC, SPARSEVEC, VECTOR

_VECTOR_TYPES = (VECTOR, HALFVEC, SPARSEVEC, BIT)


def render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render pgvector types as `pgvector.sqlalchemy.X(dim)` and import the module."""
    if kind == "type" and isinstance(obj, _VECTOR_TYPES) and not isinstance(obj, BIT):
        autogen_context.imports.add("import pgvector.sqlalchemy")
        return f"pgvector.sqlalchemy.{type(obj).__name__}(dim={obj.dim})"
    return False


def _created_tables(directives: list[ops.MigrateOperation]) -> list[ops.CreateTableOp]:
    return [op for op in directives if isinstance(op, ops.CreateTableOp)]


def _enum_names(table_ops: list[ops.CreateTableOp] | list[ops.DropTableOp]) -> list[str]:
    names: list[str] = []
    for op in table_ops:
        table = op.to_table()
        for column in table.columns:
            if isinstance(column.type, sa.Enum) and column.type.name and column.type.name not in names:
                names.append(column.type.name)
    return names


def _uses_vector(table_ops: list[ops.CreateTableOp]) -> bool:
    return any(isinstance(column.type, _VECTOR_TYPES) for op in table_ops for column in op.to_table().columns)


def process_revision_directives(
    context: MigrationContext, revision: object, directives: list[ops.MigrationScript]
) -> None:
    """Add `CREATE EXTENSION vector` to upgrades and `DROP TYPE` to downgrades."""
    for script in directives:
        upgrade = script.upgrade_ops
        downgrade = script.downgrade_ops
        if upgrade is None or downgrade is None:
            continue
        created = _created_tables(list(upgrade.ops))
        if _uses_vector(created):
            upgrade.ops.insert(0, ops.ExecuteSQLOp("CREATE EXTENSION IF NOT EXISTS vector"))
        dropped = [op for op in downgrade.ops if isinstance(op, ops.DropTableOp)]
        for name in _enum_names(dropped):
            downgrade.ops.append(ops.ExecuteSQLOp(f'DROP TYPE IF EXISTS "{name}"'))
