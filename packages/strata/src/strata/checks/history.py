"""Checks on the revision history: one head, and a clean path up, down and up again."""

from psycopg import sql

from strata.catalog.contents import extensions, summary
from strata.catalog.objects import function_signature, schema_objects
from strata.checks.context import Context
from strata.checks.outcome import Outcome
from strata.connection.connect import Conn, connect
from strata.migrations import alembic_api


def single_head(ctx: Context) -> Outcome:
    """Two heads mean two developers' migrations were never merged: `upgrade head` refuses to run."""
    heads = sorted(ctx.script.get_heads())
    if len(heads) == 1:
        return Outcome.passed(f"one head: {heads[0]}")
    return Outcome.failed(f"{len(heads)} heads ({', '.join(heads)}); merge them with `alembic merge heads`", heads)


def upgrade(ctx: Context) -> Outcome:
    """A fresh database must reach head from nothing, as a new environment does."""
    with connect(ctx.url) as conn:
        ctx.baseline = schema_objects(conn)
    alembic_api.upgrade(ctx.app, ctx.url, "heads")
    found = summary(ctx.url)
    count = len(ctx.revisions_base_to_head())
    return Outcome.passed(f"base → {found.revision}: {count} revision(s), {len(found.tables)} table(s)")


_ALEMBIC = {"table alembic_version", "constraint alembic_version_pkc", "index alembic_version_pkc"}
_DROP_ORDER = ("materialized view", "view", "table", "sequence", "type", "function")


def _leftovers(ctx: Context) -> list[str]:
    with connect(ctx.url) as conn:
        return sorted(schema_objects(conn) - ctx.baseline - _ALEMBIC)


def _clear(ctx: Context, leftovers: list[str]) -> None:
    """Drop what a downgrade left behind, so later steps start clean (the leftovers are no-trace's finding)."""
    with connect(ctx.url, autocommit=True) as conn:
        for kind in _DROP_ORDER:
            for item in leftovers:
                if item.startswith(kind + " "):
                    statement = _drop(conn, kind, item[len(kind) + 1 :])
                    if statement is not None:
                        conn.execute(statement)


def _drop(conn: Conn, kind: str, name: str) -> sql.Composed | None:
    """DROP for one leftover, its name quoted by `sql.Identifier`; None if a cascade already took it."""
    if kind != "function":
        return sql.SQL("DROP {} IF EXISTS {} CASCADE").format(sql.SQL(kind.upper()), sql.Identifier(name))
    found = function_signature(conn, name)
    if found is None:
        return None
    function, arguments = found
    # The argument list is PostgreSQL's own rendering of the types, quoted where needed.
    drop = sql.SQL("DROP FUNCTION IF EXISTS {}({}) CASCADE")
    return drop.format(sql.Identifier(str(function)), sql.SQL(str(arguments)))


def _step(ctx: Context, command: str, count: int) -> None:
    for _ in range(count):
        if command == "up":
            alembic_api.upgrade(ctx.app, ctx.url, "+1")
        else:
            alembic_api.downgrade(ctx.app, ctx.url, "-1")


def up_down(ctx: Context) -> Outcome:
    """Every downgrade runs here, step by step, so a rollback is never first tried in production.

    From base it steps up through every revision, then down, then up again.
    Objects a downgrade leaves behind are cleared between the phases: they are
    no-trace's finding, and this check judges only that each step runs.
    """
    revisions = ctx.revisions_base_to_head()
    alembic_api.downgrade(ctx.app, ctx.url, "base")
    _clear(ctx, _leftovers(ctx))
    _step(ctx, "up", len(revisions))
    _step(ctx, "down", len(revisions))
    _clear(ctx, _leftovers(ctx))
    _step(ctx, "up", len(revisions))
    head = ctx.script.get_current_head()
    reached = summary(ctx.url).revision
    if reached != head:
        return Outcome.failed(f"stepping up ended at {reached}, not at head {head}")
    return Outcome.passed(f"{len(revisions)} step(s) up, down and up again to {head}", revisions)


def no_trace(ctx: Context) -> Outcome:
    """A downgrade that leaves an enum or index behind breaks the next upgrade with "already exists"."""
    alembic_api.downgrade(ctx.app, ctx.url, "base")
    left = _leftovers(ctx)
    with connect(ctx.url) as conn:
        kept = extensions(conn)
    _clear(ctx, left)
    alembic_api.upgrade(ctx.app, ctx.url, "heads")
    if left:
        return Outcome.failed(f"downgrade base left {len(left)} object(s): {', '.join(left)}", left)
    note = f"; extensions kept: {', '.join(kept)}" if kept else ""
    return Outcome.passed(f"downgrade base leaves no table, type, index, sequence, function or constraint{note}", kept)
