"""The revisions a live database has pending, what each would do to it, and the refusal before any lock."""

from dataclasses import dataclass

from alembic.script import Script
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy.engine import URL

from strata.apps import App
from strata.catalog.contents import revisions, tables
from strata.connection.connect import connect
from strata.connection.factory import refuse_pooled_for_migrations
from strata.drift.snapshot import Snapshot, reading, snapshot
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.migrations.lint import revision_sql, run_squawk
from strata.migrations.revisions import history_problem
from strata.plan.datachecks import Violation, added_checks, violations
from strata.plan.locks import StatementLock, lock_of, on_tables, statements, table_sizes
from strata.server.scratch import scratch_database


@dataclass
class RevisionPlan:
    revision: str
    sql: str
    locks: list[StatementLock]
    sizes: dict[str, tuple[int, str]]  # table: (rows, size)
    findings: list[str]  # squawk's
    violations: list[Violation]


def pending(app: App, current: list[str]) -> list[Script]:
    """Revisions not yet applied on a database at `current`, oldest first."""
    script = alembic_api.script_directory(app)
    applied: set[str] = set()
    try:
        for revision in current:
            applied |= {s.revision for s in script.iterate_revisions(revision, "base")}
    except (CommandError, RevisionError) as error:
        raise history_problem(app, script, current, error) from None
    return [s for s in reversed(list(script.walk_revisions())) if s.revision not in applied]


def _steps(app: App, current: list[str], revisions_to_build: list[Script]) -> list[tuple[Snapshot, Snapshot]]:
    """(catalog before, catalog after) each pending revision, built on a scratch database."""
    found = []
    with scratch_database(f"plan_{app.name}") as url:
        for revision in current:
            alembic_api.upgrade(app, url, revision)
        with connect(url) as conn:
            before = snapshot(conn)
        for script in revisions_to_build:
            alembic_api.upgrade(app, url, script.revision)
            with connect(url) as conn:
                after = snapshot(conn)
            found.append((before, after))
            before = after
    return found


Step = tuple[Script, Snapshot, Snapshot]


def _pending_steps(app: App, url: URL, *, only_with_rows: bool) -> tuple[set[str], list[Step]]:
    """The live tables, and each pending revision with the catalog before and after it."""
    refuse_pooled_for_migrations(app, url)  # the refusal a migration would give, before anything connects
    with reading(url) as conn:
        current, live = revisions(conn), set(tables(conn))
    todo = pending(app, current)
    if not todo or (only_with_rows and not live):
        return live, []  # an empty database has no row to violate anything: no scratch build needed
    return live, [(script, *pair) for script, pair in zip(todo, _steps(app, current, todo), strict=True)]


def data_violations(app: App, url: URL) -> dict[str, list[Violation]]:
    """For each pending revision, the constraints it adds that live rows violate (read-only; nothing locked)."""
    live, steps = _pending_steps(app, url, only_with_rows=True)
    with reading(url) as conn:
        return {script.revision: violations(conn, added_checks(before, after, live)) for script, before, after in steps}


def refuse_failing_revisions(app: App, url: URL) -> None:
    """Raise, before any migration lock, if a pending revision adds a constraint that live rows violate."""
    for revision, found in data_violations(app, url).items():
        if found:
            more = f" (and {len(found) - 1} more: see strata up --plan)" if len(found) > 1 else ""
            raise StrataError(
                f"{app.name}: revision {revision} would fail on the live rows, so nothing was migrated: "
                f"{found[0]}{more}; fix those rows or the revision"
            )


def plan(app: App, url: URL) -> list[RevisionPlan]:
    """What each pending revision would run, lock and find on the live database; changes nothing."""
    live, steps = _pending_steps(app, url, only_with_rows=False)
    plans = []
    with reading(url) as conn:
        for script, before, after in steps:
            down = script.down_revision if isinstance(script.down_revision, str | None) else script.down_revision[0]
            text = revision_sql(app, script.revision, down)
            locks = [on_tables(conn, lock_of(statement)) for statement in statements(text)]
            plans.append(
                RevisionPlan(
                    script.revision,
                    text,
                    locks,
                    table_sizes(conn, {table for lock in locks for table in lock.tables}),
                    run_squawk(text, script.revision),
                    violations(conn, added_checks(before, after, live)),
                )
            )
    return plans
