"""notes and tags

Revision ID: 0001
Revises:
"""

import pgvector.sqlalchemy
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.create_table(
        "notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("mood", sa.Enum("calm", "busy", name="mood"), nullable=False),
        sa.Column("embedding", pgvector.sqlalchemy.VECTOR(dim=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("char_length(body) > 0", name=op.f("ck_notes_body_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(
        "ix_notes_embedding_hnsw",
        "notes",
        ["embedding"],
        unique=False,
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["note_id"], ["notes.id"], name=op.f("fk_tags_note_id_notes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
    )
    op.create_index(op.f("ix_tags_note_id"), "tags", ["note_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_tags_note_id"), table_name="tags")
    op.drop_table("tags")
    op.drop_index("ix_notes_embedding_hnsw", table_name="notes")
    op.drop_table("notes")
    op.execute('DROP TYPE IF EXISTS "mood"')
