"""Run every check for an app, in order, on a scratch database, and time each one."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.engine import URL

from strata.apps import App
from strata.catalog.objects import schema_objects
from strata.checks.cascades import cascades
from strata.checks.context import Context
from strata.checks.history import no_trace, single_head, up_down, upgrade
from strata.checks.indexes import fk_indexes, vector_indexes
from strata.checks.integrity import integrity
from strata.checks.models import matches_models
from strata.checks.outcome import AppReport, CheckResult, Outcome, Status
from strata.connection.connect import connect
from strata.connection.urls import mask
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.server.scratch import scratch_database

Check = Callable[[Context], Outcome]

# name, function, the checks it needs to have passed
CHECKS: list[tuple[str, Check, tuple[str, ...]]] = [
    ("single-head", single_head, ()),
    ("upgrade", upgrade, ()),
    ("matches-models", matches_models, ("upgrade",)),
    ("up-down", up_down, ("upgrade", "single-head")),
    ("no-trace", no_trace, ("upgrade", "up-down")),
    ("cascades", cascades, ("upgrade",)),
    ("fk-indexes", fk_indexes, ("upgrade",)),
    ("vector-indexes", vector_indexes, ("upgrade",)),
    ("integrity", integrity, ()),
]
NAMES = [name for name, _check, _needs in CHECKS]


def _run_one(check: Check, ctx: Context) -> Outcome:
    try:
        return check(ctx)
    except StrataError as error:
        return Outcome.failed(str(error))
    except Exception as error:  # a check that crashes has failed; say how, and go on
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return Outcome.failed(f"{type(error).__name__}: {first_line}")


def check_app(app: App, url: URL, progress: Callable[[str], None] = lambda _name: None) -> AppReport:
    """Run all checks against `url`, which must be an empty database."""
    ctx = Context(app, url)
    report = AppReport(app.name, mask(url))
    passed: set[str] = set()
    for name, check, needs in CHECKS:
        progress(name)
        started = time.perf_counter()
        missing = [need for need in needs if need not in passed]
        outcome = Outcome.skipped(f"needs {', '.join(missing)}") if missing else _run_one(check, ctx)
        report.results.append(CheckResult(name, outcome, (time.perf_counter() - started) * 1000))
        if outcome.status in (Status.PASS, Status.WARN):
            passed.add(name)
    return report


@contextmanager
def database_to_check(app: App, given: URL | None) -> Iterator[URL]:
    """A scratch database on the embedded server, or the given one if it is empty."""
    if given is None:
        with scratch_database(f"check_{app.name}") as url:
            yield url
        return
    with connect(given) as conn:
        objects = schema_objects(conn)
    if objects:
        raise StrataError(
            f"refusing to check {app.name} in {mask(given)}: the database is not empty "
            f"({len(objects)} object(s), e.g. {sorted(objects)[0]}); give an empty database"
        )
    try:
        yield given
    finally:
        _leave_empty(app, given)


def _leave_empty(app: App, url: URL) -> None:
    """Downgrade and drop alembic_version, so a given database is left as it was found."""
    alembic_api.downgrade(app, url, "base")
    with connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS alembic_version")
        conn.commit()
