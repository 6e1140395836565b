"""`strata psql APP ARGS...` hands psql its own options, and a failing query fails the command.

Run as a real process with no terminal on stdin, as from a script or a pipe.
"""

import subprocess
import sys

from sqlalchemy.engine import URL
from strata.connection.urls import libpq
from strata.testing.server import subprocess_env
from tiny_support import STRATA_WITH_TINY


def _psql(url: URL, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", STRATA_WITH_TINY, "psql", "tiny", *args],
        env=subprocess_env(TINY_DATABASE_URL=libpq(url)),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_psql_options_pass_through(strata_fresh_url: URL) -> None:
    done = _psql(strata_fresh_url, "-At", "-c", r"\dt")
    assert done.returncode == 0, done.stderr
    assert "No such option" not in done.stderr
    assert "public|notes|table|" in done.stdout


def test_failing_query_in_a_pipe_fails_with_psqls_exit_code(strata_fresh_url: URL) -> None:
    done = _psql(strata_fresh_url, stdin="SELECT * FROM no_such_table;\nSELECT 'went on';\n")
    assert done.returncode == 3, (done.stdout, done.stderr)  # psql's code for a script stopped by an error
    assert "no_such_table" in done.stderr
    assert "went on" not in done.stdout


def test_failing_command_option_fails(strata_fresh_url: URL) -> None:
    done = _psql(strata_fresh_url, "-c", "SELECT * FROM no_such_table")
    assert done.returncode != 0
