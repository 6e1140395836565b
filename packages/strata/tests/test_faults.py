"""Faults recreated for real: a migration killed mid-run, and many replicas migrating at once."""

import signal
import subprocess

import pytest
from sqlalchemy.engine import URL
from strata import App, apps
from strata.catalog.contents import summary
from strata.migrations import alembic_api
from strata.testing.commands import alembic_at_once, start_alembic

SLEEPY = '''"""a slow revision, for the kill test"""
import os
import sys

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.execute("CREATE TABLE half_done (n int)")
    sys.stderr.write("half-way\\n")
    sys.stderr.flush()
    op.execute(f"SELECT pg_sleep({float(os.environ.get('SLEEP_SECONDS', '0'))})")
    op.execute("CREATE TABLE after_sleep (n int)")


def downgrade() -> None:
    op.execute("DROP TABLE after_sleep")
    op.execute("DROP TABLE half_done")
'''


def _alembic(app: App, url: URL, **env: str) -> subprocess.Popen[str]:
    """`alembic upgrade head` started as a fresh process, its stderr read as it is written."""
    return start_alembic(
        app, "upgrade", "head", **{f"{app.env_prefix}DATABASE_URL": url.render_as_string(False)}, **env
    )


def test_a_migration_killed_halfway_leaves_the_previous_revision_and_a_rerun_completes(
    tiny_copy: App, strata_empty_url: URL
) -> None:
    (tiny_copy.migrations_dir / "versions" / "0002_slow.py").write_text(SLEEPY)
    alembic_api.upgrade(tiny_copy, strata_empty_url, "0001")

    doomed = _alembic(tiny_copy, strata_empty_url, SLEEP_SECONDS="120")
    assert doomed.stderr is not None
    while (line := doomed.stderr.readline()) and line.strip() != "half-way":
        pass
    assert line.strip() == "half-way", "the revision never started"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)

    found = summary(strata_empty_url)
    assert found.revision == "0001"
    assert "half_done" not in found.tables

    # The killed client's backend is still sleeping with the lock; the server notices the
    # dead client within a second (client_connection_check_interval) and the rerun proceeds.
    rerun = _alembic(tiny_copy, strata_empty_url)
    _out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    found = summary(strata_empty_url)
    assert found.revision == "0002"
    assert {"half_done", "after_sleep"} <= set(found.tables)


@pytest.mark.parametrize("app", list(apps.discover().values()), ids=lambda app: app.name)
def test_ten_replicas_upgrading_at_once_all_succeed_and_each_revision_runs_once(
    app: App, strata_empty_url: URL
) -> None:
    url = strata_empty_url.render_as_string(hide_password=False)
    runs = alembic_at_once(app, 10, "upgrade", "head", env={f"{app.env_prefix}DATABASE_URL": url}, timeout=180)
    assert [run.returncode for run in runs] == [0] * 10, [run.stderr for run in runs]
    revisions = [script.revision for script in alembic_api.script_directory(app).walk_revisions()]
    log = "".join(run.stderr for run in runs)
    ran = {revision: log.count(f"-> {revision}, ") for revision in revisions}
    assert ran == dict.fromkeys(revisions, 1)
    assert summary(strata_empty_url).revision == alembic_api.heads(app)[0]
