"""concept search and sources, written the plain way: the revision `make migrate` generates, kept as it is.

Revision ID: 3e0d4a3d9d20
Revises: 109d57cb5266

`strata bench --only online` applies this body instead of the real revision
0003, on a copy of the same data and under the same load, to show what the
online helpers save. Everything runs in one transaction, so the ACCESS
EXCLUSIVE lock of the first ADD COLUMN is held while both indexes are built
and the foreign key scans every concept: no request on `concepts` gets through.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e0d4a3d9d20"
down_revision: str | Sequence[str] | None = "109d57cb5266"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "concepts",
        sa.Column(
            "source_material_id",
            sa.Uuid(),
            nullable=True,
            comment="The source the concept was extracted from; NULL once that source is deleted",
        ),
    )
    op.add_column(
        "concepts",
        sa.Column(
            "embedding_model",
            sa.String(length=100),
            server_default="text-embedding-3-small",
            nullable=False,
            comment="The model that computed `embedding`: vectors of different models are not comparable",
        ),
    )
    op.create_index(
        "ix_concepts_embedding_hnsw",
        "concepts",
        ["embedding"],
        unique=False,
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    op.create_index(op.f("ix_concepts_source_material_id"), "concepts", ["source_material_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_concepts_source_material_id_source_materials"),
        "concepts",
        "source_materials",
        ["source_material_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_concepts_source_material_id_source_materials"), "concepts", type_="foreignkey")
    op.drop_index(op.f("ix_concepts_source_material_id"), table_name="concepts")
    op.drop_index(
        "ix_concepts_embedding_hnsw",
        table_name="concepts",
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    op.drop_column("concepts", "embedding_model")
    op.drop_column("concepts", "source_material_id")
