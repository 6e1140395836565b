"""Where an app's database is in its history: the recorded revision, the head, what is pending.

`strata status` reports it, so it reads the database (not just the files): after
`alembic downgrade base` the app shows as at base with every revision pending.
"""

from dataclasses import dataclass

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from strata.apps import App
from strata.catalog.contents import revisions
from strata.connection.connect import connect
from strata.migrations import alembic_api
from strata.migrations.revisions import unknown_revisions


@dataclass(frozen=True)
class MigrationState:
    current: list[str]  # what alembic_version records; empty at base
    head: list[str]  # what the revision files end at; empty for an app with no revisions
    pending: int  # revisions above `current` up to the head
    unknown: list[str]  # recorded revisions no file defines

    @property
    def at_head(self) -> bool:
        return not self.unknown and sorted(self.current) == sorted(self.head)


def _ancestors(script: ScriptDirectory, revisions: list[str]) -> set[str]:
    """`revisions` and every revision below them."""
    found: set[str] = set()
    waiting = list(revisions)
    while waiting:
        revision = waiting.pop()
        if revision in found:
            continue
        found.add(revision)
        waiting.extend(script.get_revision(revision)._normalized_down_revisions)
    return found


def state_of(script: ScriptDirectory, current: list[str]) -> MigrationState:
    head = sorted(script.get_heads())
    unknown = unknown_revisions(script, current)
    every = {revision.revision for revision in script.walk_revisions()}
    pending = 0 if unknown else len(every - _ancestors(script, current))
    return MigrationState(sorted(current), head, pending, unknown)


def migration_state(app: App, url: URL) -> MigrationState:
    """Read the recorded revision at `url` and compare it with the app's revision files."""
    with connect(url) as conn:
        current = revisions(conn)
    return state_of(alembic_api.script_directory(app), current)
