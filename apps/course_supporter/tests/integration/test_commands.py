"""The seed's commands, run as a user runs them: alembic in parallel, strata up and down."""

import subprocess
import sys
from pathlib import Path

from course_supporter.app import APP
from sqlalchemy.engine import URL
from strata import cli
from strata.migrations import alembic_api
from strata.server import EmbeddedServer
from strata.testing.commands import run_python
from strata.testing.server import in_process_env, subprocess_env
from typer.testing import CliRunner, Result


def test_strata_up_status_and_down_on_a_fresh_home(tmp_path: Path) -> None:
    """The first `up`, `psql` and `down` run as processes of their own; the repeated `up` and `status` in this one."""
    env = subprocess_env(STRATA_HOME=str(tmp_path / "home"), COLUMNS="200")

    def in_process(*args: str) -> Result:
        return CliRunner().invoke(cli.app, list(args), env=in_process_env(STRATA_HOME=env["STRATA_HOME"]))

    def strata(*args: str) -> subprocess.CompletedProcess[str]:
        return run_python("-m", "strata", *args, cwd=tmp_path, env=env)

    try:
        up = strata("up", "--app", "course_supporter")
        assert up.returncode == 0, up.stderr
        lines = up.stdout.splitlines()
        head = alembic_api.heads(APP)[0]
        summary = lines.index(next(line for line in lines if line.startswith("course_supporter: ")))
        assert lines[summary].startswith(f"course_supporter: {head} (head), 8 tables, extensions: vector 0.8")
        assert lines[summary + 1].startswith("  database: postgresql+psycopg://postgres@/course_supporter?host=")
        assert "strata psql course_supporter" in up.stdout

        again = in_process("up", "--app", "course_supporter")
        assert again.exit_code == 0, again.output
        assert f"{head} (head)" in again.stdout

        status = in_process("status")
        assert "running" in status.stdout

        psql = subprocess.run(
            [sys.executable, "-m", "strata", "psql", "course_supporter"],
            env=env,
            input="SELECT 'psql sees ' || extname FROM pg_extension WHERE extname = 'vector';\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert psql.returncode == 0, psql.stderr
        assert "psql sees vector" in psql.stdout
    finally:
        down = strata("down")
    assert down.returncode == 0
    assert "embedded server stopped" in down.stdout
    assert "stopped" in in_process("status").stdout
    EmbeddedServer(tmp_path / "home").discard()  # its folders may be in memory (strata.server.memory)


def _courses(url: URL) -> int:
    from strata.connection.connect import connect

    with connect(url) as conn:
        found = conn.execute("SELECT count(*) FROM courses").fetchone()
    return int(str(found[0])) if found else -1


def test_make_db_reset_asks_for_confirm_on_a_database_that_is_not_embedded(strata_fresh_url: URL) -> None:
    from strata.connection.connect import connect

    with connect(strata_fresh_url) as conn:
        conn.execute("INSERT INTO courses (id, title) VALUES (gen_random_uuid(), 'keep me')")
        conn.commit()
    env = subprocess_env(COURSE_SUPPORTER_DATABASE_URL=strata_fresh_url.render_as_string(hide_password=False))

    def make(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "-s", *args],
            cwd=APP.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    refused = make("db-reset")
    assert refused.returncode != 0
    assert "    courses: 1 row(s)" in refused.stderr
    assert "rerun with --yes (CONFIRM=1 for make)" in refused.stderr
    assert _courses(strata_fresh_url) == 1

    refused = make("db-downgrade")
    assert refused.returncode != 0
    assert _courses(strata_fresh_url) == 1

    confirmed = make("db-reset", "CONFIRM=1")
    assert confirmed.returncode == 0, confirmed.stderr
    assert _courses(strata_fresh_url) == 0
