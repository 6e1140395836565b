"""One line for a history Alembic cannot follow, naming the app, the revision and the fix.

A database can record a revision no file has (the file was deleted, or belongs
to another branch); Alembic then stops with "Can't locate revision". A relative
step past base or head (`downgrade -5` on a database two revisions up) stops
the same way. Both are the user's to fix, so they end as a `StrataError`.
"""

from alembic.script import ScriptDirectory

from strata.apps import App
from strata.errors import StrataError
from strata.server.paths import shown


def unknown_revisions(script: ScriptDirectory, recorded: list[str]) -> list[str]:
    """The recorded revisions no revision file defines."""
    known = {revision.revision for revision in script.walk_revisions()}
    return [revision for revision in recorded if revision not in known]


def unknown_revision(app: App, unknown: list[str]) -> StrataError:
    return StrataError(
        f"{app.name}: the database records revision {', '.join(unknown)}, which no file in "
        f"{shown(app.migrations_dir / 'versions')} defines; restore that revision file, or record the revision "
        f"the schema is really at: alembic -c {shown(app.alembic_ini)} stamp --purge <revision>"
    )


def history_problem(app: App, script: ScriptDirectory, recorded: list[str], error: Exception) -> StrataError:
    """Why Alembic could not work out the steps to run."""
    unknown = unknown_revisions(script, recorded)
    if unknown:
        return unknown_revision(app, unknown)
    at = ", ".join(recorded) or "base"
    return StrataError(f"{app.name}: {error}; the database stays at {at} (`alembic history` lists the revisions)")
