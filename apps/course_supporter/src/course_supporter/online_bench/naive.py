"""Apply revision 0003 written the plain way, with strata's own runner, from a copy of the app's migrations.

`strata up` only knows the installed app, whose revision 0003 is the online
one. The plain variant copies `alembic.ini` and `migrations/`, puts
`plain_revision.py` in place of revision 0003, and runs what `strata up`
runs for one app: the data checks before any lock, then the runner with its
migration lock, lock_timeout and statement_timeout.

    python -m course_supporter.online_bench.naive DIRECTORY   # DIRECTORY from plain_project()
"""

import shutil
import sys
from dataclasses import replace
from pathlib import Path

from strata.connection.resolve import migration_url
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.plan.pending import refuse_failing_revisions

from course_supporter.app import APP

REVISION = "3e0d4a3d9d20"
PLAIN_REVISION = Path(__file__).with_name("plain_revision.py")


def plain_project(directory: Path) -> Path:
    """A copy of the app's alembic.ini and migrations in `directory`, with revision 0003's plain body."""
    shutil.copy(APP.alembic_ini, directory / "alembic.ini")
    shutil.copytree(APP.migrations_dir, directory / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    [online] = (directory / "migrations" / "versions").glob(f"*_{REVISION}_*.py")
    shutil.copy(PLAIN_REVISION, online)
    return directory


def upgrade(directory: Path) -> None:
    """Migrate the app's database (`COURSE_SUPPORTER_DATABASE_URL`) to head with the migrations in `directory`."""
    app = replace(APP, root=directory)
    url = migration_url(app, driver="psycopg")
    refuse_failing_revisions(app, url)
    alembic_api.upgrade(app, url)


if __name__ == "__main__":
    try:
        upgrade(Path(sys.argv[1]))
    except StrataError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
