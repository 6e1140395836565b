"""The runner's Alembic options as a user meets them: a connection passed in, autogenerate, logging."""

import io
import subprocess
import sys
from contextlib import redirect_stdout

from alembic import command
from sqlalchemy import create_engine
from sqlalchemy.engine import URL
from strata import App
from strata.catalog.contents import summary
from strata.checks.context import Context
from strata.checks.models import matches_models
from strata.checks.outcome import Status
from strata.connection.urls import mask
from strata.migrations import alembic_api
from strata.testing.server import subprocess_env
from tiny_support import execute


def test_a_connection_passed_in_is_migrated_under_the_migration_lock_and_timeouts(
    tiny_copy: App, strata_empty_url: URL
) -> None:
    (tiny_copy.migrations_dir / "versions" / "0002_probe.py").write_text(
        '"""probe"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        'revision = "0002"\ndown_revision = "0001"\n\n\n'
        "def upgrade() -> None:\n"
        "    held = op.get_bind().execute(sa.text(\n"
        "        \"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted\"\n"
        '        " AND pid <> pg_backend_pid()"\n'
        "    )).scalar()\n"
        '    lock = op.get_bind().execute(sa.text("SHOW lock_timeout")).scalar()\n'
        '    op.execute(f"CREATE TABLE probe_{held}_{lock} (n int)")\n\n\n'
        "def downgrade() -> None:\n    pass\n"
    )
    engine = create_engine(strata_empty_url)
    try:
        with engine.connect() as connection:
            cfg = alembic_api.config(tiny_copy)
            cfg.attributes["connection"] = connection
            with redirect_stdout(io.StringIO()):
                command.upgrade(cfg, "head")
    finally:
        engine.dispose()
    found = summary(strata_empty_url)
    assert found.revision == "0002"
    assert "probe_1_5s" in found.tables


def test_autogenerate_finds_a_server_default_only_the_database_has_exactly_as_matches_models_does(
    tiny_copy: App, strata_empty_url: URL
) -> None:
    """`matches-models` passes when "autogenerate finds nothing" (README): the revision it writes must agree."""
    alembic_api.upgrade(tiny_copy, strata_empty_url)
    execute(strata_empty_url, "ALTER TABLE tags ALTER COLUMN label SET DEFAULT 'untitled'")
    assert matches_models(Context(tiny_copy, strata_empty_url)).status == Status.PASS
    command.revision(alembic_api.config(tiny_copy, strata_empty_url), message="drift", autogenerate=True)
    (generated,) = (tiny_copy.migrations_dir / "versions").glob("*_drift.py")
    assert "op." not in generated.read_text()


LOGGING = """
[loggers]
keys = root,sqlalchemy

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = DEBUG
handlers = console

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s [%(name)s] %(message)s
"""


def test_the_alembic_command_keeps_strata_s_own_log_lines_under_the_app_s_logging_config(
    tiny_copy: App, strata_empty_url: URL
) -> None:
    """env.py applies alembic.ini's logging; loggers strata made before that must stay on, or DEBUG shows nothing."""
    with tiny_copy.alembic_ini.open("a") as ini:
        ini.write(LOGGING)
    env = subprocess_env()
    env["TINY_DATABASE_URL"] = strata_empty_url.render_as_string(hide_password=False)
    command = [sys.executable, "-m", "alembic", "upgrade", "head"]
    done = subprocess.run(command, cwd=tiny_copy.root, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"DEBUG [strata.migrations.runner] migrating tiny on {mask(strata_empty_url)}" in done.stderr.splitlines()
