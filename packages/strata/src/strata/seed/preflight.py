"""Refusals before `strata seed` writes anything: a database not at head, read-only, or already holding rows."""

from sqlalchemy.engine import URL

from strata.apps import App
from strata.catalog.contents import revisions, row_count, tables
from strata.connection.connect import Conn, connect
from strata.connection.urls import mask
from strata.errors import StrataError
from strata.migrations import alembic_api


def _one(conn: Conn, query: str, params: tuple[object, ...] = ()) -> tuple[object, ...]:
    found = conn.execute(query, params).fetchone()
    assert found is not None  # every query here returns exactly one row
    return found


def existing_rows(app: App, url: URL, *, append: bool) -> dict[str, int]:
    """Row counts per table of a database that may be seeded; raises StrataError naming the reason if not."""
    with connect(url) as conn:
        heads = sorted(alembic_api.heads(app))
        current = revisions(conn)
        if current != heads:
            at = ",".join(current) or "no revision"
            raise StrataError(
                f"{app.name}: {mask(url)} is at {at}, not at head {','.join(heads)}; "
                f"run `strata up` (or `alembic upgrade head`) first"
            )
        recovery, read_only = _one(conn, "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
        if recovery or read_only == "on":
            raise StrataError(f"{app.name}: {mask(url)} is read-only; seed the primary, or a database you can write")
        counts: dict[str, int] = {}
        for name in tables(conn):
            allowed = _one(conn, "SELECT has_table_privilege(%s, 'INSERT')", (name,))[0]
            if not allowed:
                raise StrataError(f"{app.name}: {mask(url)}: this user may not insert into {name}; use an owner's URL")
            counts[name] = row_count(conn, name)
    total = sum(counts.values())
    if total and not append:
        raise StrataError(
            f"{app.name}: {mask(url)} already holds {total} row(s); pass --append to add more, "
            f"or `strata reset --app {app.name}` to start empty"
        )
    return counts
