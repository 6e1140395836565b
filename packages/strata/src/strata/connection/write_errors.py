"""Explain a rejected write in one line: the table, the column or the constraint, and the fix.

psycopg exposes the server's diagnostics on `error.diag`; asyncpg on the
exception SQLAlchemy wraps. Both carry the same fields, read here once.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class _Diagnostics:
    sqlstate: str
    table: str | None
    column: str | None
    constraint: str | None
    message: str
    detail: str | None


def _diagnostics(error: BaseException) -> _Diagnostics:
    orig = getattr(error, "orig", None) or error
    diag = getattr(orig, "diag", None)
    if diag is not None:
        return _Diagnostics(
            str(getattr(orig, "sqlstate", "") or ""),
            diag.table_name,
            diag.column_name,
            diag.constraint_name,
            str(diag.message_primary or orig),
            diag.message_detail,
        )
    cause = orig.__cause__ or orig
    return _Diagnostics(
        str(getattr(cause, "sqlstate", "") or getattr(orig, "sqlstate", "") or ""),
        getattr(cause, "table_name", None),
        getattr(cause, "column_name", None),
        getattr(cause, "constraint_name", None),
        str(getattr(cause, "message", None) or cause).strip().splitlines()[0],
        getattr(cause, "detail", None),
    )


def explain_write_error(error: BaseException) -> str:
    """One line for a write the database rejected; the transaction wrote nothing."""
    d = _diagnostics(error)
    detail = f" ({d.detail.rstrip('.')})" if d.detail else ""
    if d.sqlstate == "23505":
        return (
            f"{d.table} already has this value{detail}: {d.constraint} is unique; use another value or update that row"
        )
    if d.sqlstate == "23503":
        return f"{d.table} refers to a row that does not exist{detail}: {d.constraint}; create that row first"
    if d.sqlstate == "23502":
        return f"{d.table}.{d.column} is required (NOT NULL); give it a value"
    if d.sqlstate == "23514":
        return f"{d.table} does not allow this row: it fails {d.constraint}; use a value the constraint allows"
    if d.sqlstate == "22P02" and "enum" in d.message:
        return f"{d.message}; use one of the enum's values"
    if "dimensions" in d.message:
        return f"{d.message}: the vector column has a fixed dimension; embed with the model the column was made for"
    return f"the database rejected the write: {d.message}{detail}"
