"""concept search and sources, written the plain way: the SQL of the revision `make migrate` generates.

Revision ID: 3e0d4a3d9d20
Revises: 109d57cb5266

`strata bench --only online` applies this body instead of the real revision
0003, on a copy of the same data and under the same load, to show what the
online helpers save. Everything runs in one transaction, so the ACCESS
EXCLUSIVE lock of the first ADD COLUMN is held while both indexes are built
and the foreign key scans every concept: no request on `concepts` gets through.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3e0d4a3d9d20"
down_revision: str | Sequence[str] | None = "109d57cb5266"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN = [
    "ALTER TABLE concepts ADD COLUMN source_material_id UUID",
    "COMMENT ON COLUMN concepts.source_material_id IS "
    "'The source the concept was extracted from; NULL once that source is deleted'",
    "ALTER TABLE concepts ADD COLUMN embedding_model VARCHAR(100) DEFAULT 'text-embedding-3-small' NOT NULL",
    "COMMENT ON COLUMN concepts.embedding_model IS "
    "'The model that computed `embedding`: vectors of different models are not comparable'",
    "CREATE INDEX ix_concepts_embedding_hnsw ON concepts USING hnsw (embedding vector_cosine_ops) "
    "WITH (m = 16, ef_construction = 64)",
    "CREATE INDEX ix_concepts_source_material_id ON concepts (source_material_id)",
    "ALTER TABLE concepts ADD CONSTRAINT fk_concepts_source_material_id_source_materials "
    "FOREIGN KEY (source_material_id) REFERENCES source_materials (id) ON DELETE SET NULL",
]


def upgrade() -> None:
    for statement in PLAIN:
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the benchmark only applies this body")
