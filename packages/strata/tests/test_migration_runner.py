"""The runner's lock, timeouts and failure reports, on a real server."""

import argparse
import io
from contextlib import redirect_stdout

import pytest
from alembic import command as alembic_command
from sqlalchemy.engine import URL
from strata import App
from strata.catalog.contents import summary
from strata.connection.connect import connect
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.migrations.lock import lock_key
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env
from tiny_support import STRATA_WITH_TINY, TINY


def test_a_waiting_migration_says_so_and_gives_up_with_a_clear_message(
    strata_empty_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connect(strata_empty_url) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("tiny"),))
        env = subprocess_env(
            TINY_DATABASE_URL=strata_empty_url.render_as_string(hide_password=False), STRATA_MIGRATION_LOCK_WAIT="1"
        )
        done = run_python("-m", "alembic", "upgrade", "head", cwd=TINY, env=env, timeout=60)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1
    assert lines[0].startswith(
        f"strata: waiting up to 1 s for the migration lock on '{strata_empty_url.database}', held by pid "
    )
    assert lines[-1] == (
        f"error: gave up after 1 s waiting for the migration lock on '{strata_empty_url.database}': "
        "another migration "
        "is still running; retry when it ends, or wait longer with --lock-timeout (STRATA_MIGRATION_LOCK_WAIT)"
    )
    assert summary(strata_empty_url).revision is None


def test_a_failing_revision_is_named_and_rolled_back(tiny_copy: App, strata_empty_url: URL) -> None:
    (tiny_copy.migrations_dir / "versions" / "0002_broken.py").write_text(
        '"""broken"""\nfrom alembic import op\n\nrevision = "0002"\ndown_revision = "0001"\n\n\n'
        "def upgrade() -> None:\n"
        '    op.execute("CREATE TABLE half_done (n int)")\n'
        '    op.execute("SELECT no_such_function()")\n\n\n'
        "def downgrade() -> None:\n    pass\n"
    )
    with pytest.raises(StrataError) as caught:
        alembic_api.upgrade(tiny_copy, strata_empty_url)
    assert str(caught.value).startswith("revision 0002 failed and was rolled back; the database stays at 0001: ")
    assert "no_such_function() does not exist" in str(caught.value)
    found = summary(strata_empty_url)
    assert found.revision == "0001"
    assert "half_done" not in found.tables


def test_migrations_run_with_lock_and_statement_timeouts(tiny_copy: App, strata_empty_url: URL) -> None:
    (tiny_copy.migrations_dir / "versions" / "0002_probe.py").write_text(
        '"""probe"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        'revision = "0002"\ndown_revision = "0001"\n\n\n'
        "def upgrade() -> None:\n"
        "    bind = op.get_bind()\n"
        '    lock = bind.execute(sa.text("SHOW lock_timeout")).scalar()\n'
        '    statement = bind.execute(sa.text("SHOW statement_timeout")).scalar()\n'
        '    op.execute(f"CREATE TABLE probe_{lock}_{statement} (n int)".replace("min", "m"))\n\n\n'
        "def downgrade() -> None:\n    pass\n"
    )
    alembic_api.upgrade(tiny_copy, strata_empty_url)
    assert "probe_5s_10m" in summary(strata_empty_url).tables


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "alembic", "-x", "lock-timeout=1", "upgrade", "head"],
        ["-c", STRATA_WITH_TINY, "up", "--app", "tiny", "--lock-timeout", "1"],
    ],
    ids=["alembic -x lock-timeout", "strata up --lock-timeout"],
)
def test_lock_timeout_flags_give_up_with_a_clear_message(strata_empty_url: URL, command: list[str]) -> None:

    with connect(strata_empty_url) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("tiny"),))
        env = subprocess_env()
        env["TINY_DATABASE_URL"] = strata_empty_url.render_as_string(hide_password=False)
        done = run_python(*command, cwd=TINY, env=env, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("error: gave up after 1 s waiting for the migration lock")
    assert summary(strata_empty_url).revision is None


def _upgrade_with_x(app: App, url: URL, argument: str) -> None:
    """`alembic -x <argument> upgrade head`, in this process: the same env.py, the same runner."""
    cfg = alembic_api.config(app, url)
    cfg.cmd_opts = argparse.Namespace(x=[argument])
    with redirect_stdout(io.StringIO()):
        alembic_command.upgrade(cfg, "head")


@pytest.mark.parametrize("given", ["0", "-1", "soon", "nan", "inf"])
def test_a_lock_timeout_that_would_wait_forever_or_is_no_number_is_refused(
    tiny_copy: App, strata_empty_url: URL, given: str
) -> None:
    with pytest.raises(StrataError) as refused:
        _upgrade_with_x(tiny_copy, strata_empty_url, f"lock-timeout={given}")
    assert str(refused.value) == f"lock-timeout='{given}' is invalid: give a number of seconds greater than 0"
    assert summary(strata_empty_url).revision is None


def test_alembic_refuses_a_lock_timeout_of_zero_in_one_line_and_exit_1(strata_empty_url: URL) -> None:
    """The console script a user types: one line on stderr, exit 1, nothing migrated."""
    env = subprocess_env()
    env["TINY_DATABASE_URL"] = strata_empty_url.render_as_string(hide_password=False)
    done = run_python("-m", "alembic", "-x", "lock-timeout=0", "upgrade", "head", cwd=TINY, env=env, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == "error: lock-timeout='0' is invalid: give a number of seconds greater than 0"
    assert summary(strata_empty_url).revision is None


def test_a_lock_timeout_under_a_millisecond_still_gives_up(tiny_copy: App, strata_empty_url: URL) -> None:
    """lock_timeout = '0ms' would wait forever: the wait is rounded up, never down."""
    with connect(strata_empty_url) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("tiny"),))
        with pytest.raises(StrataError) as gave_up:
            _upgrade_with_x(tiny_copy, strata_empty_url, "lock-timeout=0.0001")
    assert str(gave_up.value).startswith("gave up after 0 s waiting for the migration lock")
