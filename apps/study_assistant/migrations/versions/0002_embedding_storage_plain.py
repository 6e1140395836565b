"""embedding_storage_plain

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:30:00.000000

Keep `document_chunks.embedding` in the heap page instead of TOAST.

A 768-d vector is 3 KB, over the 2 KB TOAST threshold, so under the default
storage (EXTENDED) PostgreSQL tries to compress it (floats do not compress)
and moves it out of line: every row an exact scan reads costs a TOAST lookup
and a copy. `strata bench --only exact`, 100,000 chunks (293 MB of vectors),
p50 of an exact scan: EXTENDED 1,175 ms, MAIN 255 ms, PLAIN 244 ms (4.8x
faster; 218 ms with 2 parallel workers, 3.6x the memory-bandwidth bound
measured in the same run); benchmarks/README.md, "Exact scan". Exact scans
are what the planner uses for small study sessions (`strata bench --only
filtered`). PLAIN also skips the compression attempt on every insert. The
text and array columns stay toastable, so a row still fits its page.

SET STORAGE applies to rows written afterwards; existing rows move into the
heap when they are next rewritten (VACUUM FULL or pg_repack, at a quiet time).
It takes a SHARE UPDATE EXCLUSIVE lock and rewrites nothing, so it is instant.

strata runs every revision in its own transaction, with lock_timeout and
statement_timeout set (STRATA_LOCK_TIMEOUT, STRATA_STATEMENT_TIMEOUT).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE document_chunks ALTER COLUMN embedding SET STORAGE PLAIN")


def downgrade() -> None:
    op.execute("ALTER TABLE document_chunks ALTER COLUMN embedding SET STORAGE EXTENDED")
