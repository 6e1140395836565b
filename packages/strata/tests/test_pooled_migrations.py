"""Migrations and a transaction pooler: direct URLs, the refusal, and a lock that survives pooling.

Each test starts many `alembic upgrade head` processes at once, as replicas of
a service do when they start together, against a real PgBouncer in
transaction mode. A probe revision inserts one row: seeing exactly one proves
the revision ran once.
"""

import subprocess

from sqlalchemy.engine import URL
from strata import App
from strata.catalog.contents import summary
from strata.connection.connect import connect
from strata.testing.commands import alembic_at_once
from strata.testing.pgbouncer import PgBouncer

PROBE = (
    '"""probe"""\nfrom alembic import op\n\nrevision = "0002"\ndown_revision = "0001"\n\n\n'
    "def upgrade() -> None:\n"
    "    op.execute(\"INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'probe', 'calm')\")\n\n\n"
    "def downgrade() -> None:\n"
    "    op.execute(\"DELETE FROM notes WHERE body = 'probe'\")\n"
)


def _alembic_at_once(app: App, count: int, command: list[str], **env: str) -> list[subprocess.CompletedProcess[str]]:
    """Run `count` alembic processes together and wait for all of them (a hang fails the test)."""
    return alembic_at_once(app, count, *command, env={"STRATA_MIGRATION_LOCK_WAIT": "30", **env})


def _probe_rows(url: URL) -> int:
    with connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM notes WHERE body = 'probe'").fetchone()
        return int(str(row[0])) if row else 0


def _with_probe(app: App) -> App:
    (app.migrations_dir / "versions" / "0002_probe.py").write_text(PROBE)
    return app


def test_10_concurrent_upgrades_with_a_pooled_url_use_the_direct_url_and_run_each_revision_once(
    tiny_copy: App, strata_empty_url: URL, strata_pgbouncer: PgBouncer
) -> None:
    app = _with_probe(tiny_copy)
    pooled = strata_pgbouncer.url(str(strata_empty_url.database))
    runs = _alembic_at_once(
        app,
        10,
        ["upgrade", "head"],
        TINY_DATABASE_URL=pooled.render_as_string(hide_password=False),
        TINY_DIRECT_DATABASE_URL=strata_empty_url.render_as_string(hide_password=False),
    )
    assert [run.returncode for run in runs] == [0] * 10, [run.stderr for run in runs]
    assert summary(strata_empty_url).revision == "0002"
    assert _probe_rows(strata_empty_url) == 1


def test_a_pooled_url_alone_is_refused_in_one_line_by_every_run(
    tiny_copy: App, strata_empty_url: URL, strata_pgbouncer: PgBouncer
) -> None:
    pooled = strata_pgbouncer.url(str(strata_empty_url.database))
    runs = _alembic_at_once(
        tiny_copy, 3, ["upgrade", "head"], TINY_DATABASE_URL=pooled.render_as_string(hide_password=False)
    )
    expected = (
        "error: tiny: migrations need a direct connection, but the only database URL is a pooled one; "
        "set TINY_DIRECT_DATABASE_URL (or DIRECT_DATABASE_URL) to the server itself"
    )
    assert {(run.returncode, run.stderr.strip()) for run in runs} == {(1, expected)}
    assert summary(strata_empty_url).revision is None


def test_concurrent_migrations_through_an_unmarked_pooled_url_never_hang_on_the_lock(
    tiny_copy: App, strata_empty_url: URL, strata_pgbouncer: PgBouncer
) -> None:
    """A session lock would stay on a server connection PgBouncer hands to the next client; this one does not."""
    app = _with_probe(tiny_copy)
    unmarked = strata_pgbouncer.url(str(strata_empty_url.database), marked=False)
    env = {"TINY_DATABASE_URL": unmarked.render_as_string(hide_password=False)}
    for command in (["upgrade", "head"], ["downgrade", "0001"]):
        runs = _alembic_at_once(app, 3, command, **env)
        assert [run.returncode for run in runs] == [0] * 3, [run.stderr for run in runs]
    assert summary(strata_empty_url).revision == "0001"
    assert _probe_rows(strata_empty_url) == 0
