"""Compare one app's live database with what its migrations build at the revision it records."""

from dataclasses import dataclass, field

from sqlalchemy.engine import URL

from strata.apps import App
from strata.connection.connect import connect
from strata.connection.urls import mask
from strata.drift.compare import Difference, compare, unknown_revision_differences
from strata.drift.snapshot import Snapshot, live_snapshot, snapshot
from strata.migrations import alembic_api
from strata.migrations.revisions import unknown_revisions
from strata.server.scratch import scratch_database


@dataclass
class DriftReport:
    app: str
    database: str  # masked
    revisions: list[str]
    differences: list[Difference] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.differences


def reference(app: App, targets: list[str]) -> Snapshot:
    """The catalog the migration files build at `targets`, on a scratch database of the embedded server."""
    with scratch_database(f"drift_{app.name}") as url:
        for target in targets:
            alembic_api.upgrade(app, url, target)
        with connect(url) as conn:
            return snapshot(conn)


def drift(app: App, url: URL) -> DriftReport:
    """Every difference between the database at `url` and the app's migrations; writes nothing there."""
    live = live_snapshot(url)
    report = DriftReport(app.name, mask(url), live.revisions)
    unknown = unknown_revisions(alembic_api.script_directory(app), live.revisions)
    report.differences = unknown_revision_differences(unknown)
    targets = [r for r in live.revisions if r not in unknown]
    if report.differences and not targets:
        return report  # nothing known to build a reference from: comparing with an empty schema is noise
    report.differences += compare(reference(app, targets), live)
    return report
