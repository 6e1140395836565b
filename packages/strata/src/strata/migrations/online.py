"""Online revisions: the DDL that must run outside a transaction, so live traffic keeps flowing.

    from strata.migrations import online

    def upgrade() -> None:
        online.create_index("ix_concepts_embedding_hnsw", "concepts", ["embedding"],
                            postgresql_using="hnsw", postgresql_ops={"embedding": "vector_cosine_ops"})
        op.create_foreign_key("fk_x_y", "x", "y", ["y_id"], ["id"], postgresql_not_valid=True)
        online.validate_constraint("fk_x_y", "x")

Strata runs each revision in one transaction (transactional DDL: a failure
leaves nothing half-done), and that is what a revision should do by default.
A few statements cannot or should not: `CREATE INDEX CONCURRENTLY` and
`DROP INDEX CONCURRENTLY` refuse to run in a transaction block, and
`VALIDATE CONSTRAINT` should run after the short ACCESS EXCLUSIVE lock of
`ADD … NOT VALID` has been released by a commit. `outside_transaction()` is
the one sanctioned place where a revision leaves its transaction: it commits
what the revision did so far, runs the block in autocommit, and opens a new
transaction for the rest. Offline (`--sql`) it renders `COMMIT;` and `BEGIN;`
around the block. The helpers below are built on it; wrapping a whole
revision in it would give up transactional DDL, so keep blocks to the
statements that need it.

The runner records the revision in `alembic_version` only after `upgrade()`
returns, so a revision that fails in its online part stays unrecorded, with
whatever it committed before the block still in place.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from alembic import op
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from strata.connection.settings import strata_settings

COMMITTED = "strata.online.committed"  # config.attributes: what the revision committed so far, in order


@contextmanager
def outside_transaction() -> Iterator[None]:
    """Commit the revision's transaction so far, run the block in autocommit, then begin a new transaction.

    Alembic's `autocommit_block()` does the work; strata notes that the
    revision has now committed something (each statement of the block commits
    on its own, even when a later one fails), so the runner does not retry it
    blindly after a lock_timeout (see `runner.py`).
    """
    with _autocommit("an outside_transaction() block", leaves_nothing_on_error=False):
        yield


@contextmanager
def _autocommit(what: str, *, leaves_nothing_on_error: bool) -> Iterator[None]:
    """`outside_transaction()` for `what`; a helper whose one statement left nothing behind when it failed says so.

    What commits is noted by name, so a failure can say what stays applied.
    """
    migration = op.get_context()
    if not migration.as_sql and _wrote_in_this_transaction():
        _mark_committed(f"its statements before {what}")
    try:
        with migration.autocommit_block():
            yield
    except Exception:
        if not (migration.as_sql or leaves_nothing_on_error):
            _mark_committed(f"part of {what}")
        raise
    if not migration.as_sql:
        _mark_committed(what)


def create_index(
    index_name: str,
    table_name: str,
    columns: Sequence[Any],
    *,
    schema: str | None = None,
    unique: bool = False,
    **kw: Any,
) -> None:
    """`CREATE INDEX CONCURRENTLY`, with `op.create_index`'s arguments; writes go on while it builds.

    A failed concurrent build (duplicates for a unique index, a lock_timeout,
    a cancel) leaves an INVALID index that every write still maintains; it is
    dropped here (`DROP INDEX CONCURRENTLY IF EXISTS`) before the error goes on,
    so the revision can simply run again. The build runs under
    `STRATA_ONLINE_STATEMENT_TIMEOUT` instead of `STRATA_STATEMENT_TIMEOUT`.
    """
    with _autocommit(f"index {index_name}", leaves_nothing_on_error=True), _online_statement_timeout():
        try:
            op.create_index(
                index_name, table_name, columns, schema=schema, unique=unique, postgresql_concurrently=True, **kw
            )
        except DBAPIError:
            _drop_invalid_leftover(index_name, table_name, schema)
            raise


def _drop_invalid_leftover(index_name: str, table_name: str, schema: str | None) -> None:
    """Drop what a failed concurrent build left; if even that fails, the INVALID index stays and is a committed part.

    Only an INVALID index is dropped: a build that failed because a valid
    index of that name already exists must not remove the good one.
    """
    if not _is_invalid_index(index_name, schema):
        return
    try:
        op.drop_index(index_name, table_name, schema=schema, postgresql_concurrently=True, if_exists=True)
    except DBAPIError:
        _mark_committed(f"the INVALID index {index_name}")
        raise


def _is_invalid_index(index_name: str, schema: str | None) -> bool:
    found = op.get_bind().execute(
        text(
            "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = :name AND n.nspname = coalesce(:schema, current_schema())"
        ),
        {"name": index_name, "schema": schema},
    )
    return found.scalar() is True


def drop_index(
    index_name: str, table_name: str | None = None, *, schema: str | None = None, if_exists: bool = True
) -> None:
    """`DROP INDEX CONCURRENTLY [IF EXISTS]`: waits for queries using the index instead of blocking them.

    IF EXISTS by default, because the index a downgrade drops may be the one a
    failed build already removed.
    """
    with _autocommit(f"the drop of index {index_name}", leaves_nothing_on_error=True):
        op.drop_index(index_name, table_name, schema=schema, postgresql_concurrently=True, if_exists=if_exists)


def validate_constraint(constraint_name: str, table_name: str, *, schema: str | None = None) -> None:
    """`ALTER TABLE … VALIDATE CONSTRAINT`, after committing what came before.

    `ADD CONSTRAINT … NOT VALID` takes a short ACCESS EXCLUSIVE (SHARE ROW
    EXCLUSIVE for a foreign key) lock; committing first releases it, so the
    scan of existing rows runs under SHARE UPDATE EXCLUSIVE only, which lets
    reads and writes go on. Validating twice is harmless.
    """
    table = _qualified(table_name, schema)
    constraint = _quote(constraint_name)
    with _autocommit(f"the validation of {constraint_name}", leaves_nothing_on_error=True), _online_statement_timeout():
        op.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {constraint}")


def add_enum_value(
    type_name: str,
    value: str,
    *,
    before: str | None = None,
    after: str | None = None,
    schema: str | None = None,
    if_not_exists: bool = True,
) -> None:
    """`ALTER TYPE … ADD VALUE`, outside the transaction so the new value can be used by the rest of the revision.

    PostgreSQL forbids using a value added in the same, still open,
    transaction. IF NOT EXISTS by default, so running it again is harmless.
    """
    if before is not None and after is not None:
        raise ValueError("add_enum_value takes before= or after=, not both")
    clause = " IF NOT EXISTS" if if_not_exists else ""
    position = (
        f" BEFORE {_literal(before)}"
        if before is not None
        else f" AFTER {_literal(after)}"
        if after is not None
        else ""
    )
    with _autocommit(f"value {value!r} of {type_name}", leaves_nothing_on_error=True):
        op.execute(f"ALTER TYPE {_qualified(type_name, schema)} ADD VALUE{clause} {_literal(value)}{position}")


@contextmanager
def _online_statement_timeout() -> Iterator[None]:
    """Run the block under the online statement_timeout, then put strata's own back.

    A concurrent build or a validation scan blocks no reads or writes, so the
    limit that keeps a blocking statement short does not fit it: cutting a
    long HNSW build at 10 minutes wastes the work and fails the deploy.
    lock_timeout stays as it is: waiting for a lock is what must stay short.
    """
    settings = strata_settings()
    op.execute(f"SET statement_timeout = '{settings.online_statement_timeout}'")
    try:
        yield
    finally:
        op.execute(f"SET statement_timeout = '{settings.statement_timeout}'")


def _wrote_in_this_transaction() -> bool:
    """Whether the transaction the block is about to commit changed anything (it has a transaction id)."""
    return op.get_bind().execute(text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")).scalar() is True


def _mark_committed(what: str) -> None:
    attributes = _attributes()
    if attributes is not None:
        attributes[COMMITTED] = [*attributes.get(COMMITTED, []), what]


def _attributes() -> dict[str, Any] | None:
    config = op.get_context().config
    return None if config is None else config.attributes


def _quote(name: str) -> str:
    return op.get_context().dialect.identifier_preparer.quote(name)


def _qualified(name: str, schema: str | None) -> str:
    return f"{_quote(schema)}.{_quote(name)}" if schema else _quote(name)


def _literal(value: str | None) -> str:
    return "'" + str(value).replace("'", "''") + "'"
