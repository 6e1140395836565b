"""concept search and sources

Revision ID: 3e0d4a3d9d20
Revises: 109d57cb5266
Create Date: 2026-11-27 04:12:12.218224

What a live course_supporter needs next, applied while it serves requests:
- the HNSW index (cosine) that `similar_concepts` needs, instead of a scan of
  every concept;
- `concepts.embedding_model`, NOT NULL with a constant default: PostgreSQL
  11+ stores the default in the catalog, so adding it rewrites no row;
- `concepts.source_material_id`, the source a concept was extracted from,
  with its foreign key added NOT VALID and validated after a commit.

Only the two ADD COLUMNs and the NOT VALID foreign key run in a transaction:
each takes its lock for milliseconds, once the queries already running on
`concepts` have finished. The HNSW index is built first, so that by then the
kNN searches are no longer scans of every concept. The index builds and the
validation scan run outside a transaction (strata.migrations.online), under
locks that let reads and writes go on. `strata bench --only online` measures this
revision under load beside the same change written the plain way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from strata.migrations import online

revision: str = "3e0d4a3d9d20"
down_revision: str | Sequence[str] | None = "109d57cb5266"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE_FK = "fk_concepts_source_material_id_source_materials"


def upgrade() -> None:
    # First, so that kNN searches are index scans of milliseconds by the time ADD COLUMN queues
    # for its ACCESS EXCLUSIVE lock: that lock waits for every query running on concepts.
    # IF NOT EXISTS: if a later step fails, the index stays built and the next run keeps it.
    online.create_index(
        "ix_concepts_embedding_hnsw",
        "concepts",
        ["embedding"],
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
        if_not_exists=True,
    )
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
    op.create_foreign_key(
        SOURCE_FK,
        "concepts",
        "source_materials",
        ["source_material_id"],
        ["id"],
        ondelete="SET NULL",
        postgresql_not_valid=True,
    )
    online.validate_constraint(SOURCE_FK, "concepts")
    online.create_index("ix_concepts_source_material_id", "concepts", ["source_material_id"])


def downgrade() -> None:
    online.drop_index("ix_concepts_embedding_hnsw", "concepts")
    online.drop_index("ix_concepts_source_material_id", "concepts")
    op.drop_constraint(SOURCE_FK, "concepts", type_="foreignkey")
    op.drop_column("concepts", "embedding_model")
    op.drop_column("concepts", "source_material_id")
