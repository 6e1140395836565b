"""A bad database URL gives one line naming the problem, exit code 1, no traceback, no password.

alembic runs as a real process; strata runs in this one (its console script is run for real elsewhere)."""

from collections.abc import Callable
from typing import NamedTuple

import pytest
from sqlalchemy.engine import URL
from strata.connection.urls import libpq, mask, where
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env
from tiny_support import CANARY_PASSWORD, TINY, in_process_strata

WRONG = "wrong-Pw-4711"


class Done(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


Run = Callable[[str, str], Done]


TOOLS = ["alembic", "strata"]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`run(tool, url)`: `alembic upgrade head` as a process of its own in tinyapp, or `strata up --app tiny` here."""
    strata = in_process_strata(monkeypatch, capsys)

    def run(tool: str, url: str) -> Done:
        if tool == "strata":
            code, out, err = strata("up", "--app", "tiny", TINY_DATABASE_URL=url)
            return Done(code, out, err)
        env = subprocess_env(TINY_DATABASE_URL=url)
        done = run_python("-m", "alembic", "upgrade", "head", cwd=TINY, env=env, timeout=60)
        return Done(done.returncode, done.stdout, done.stderr)

    return run


def _cases(server: URL) -> dict[str, tuple[str, str]]:
    wrong_password = libpq(server.set(password=WRONG))
    return {
        "malformed": (
            f"postgresql://postgres:{WRONG}@@localhost:notaport/db",
            "error: TINY_DATABASE_URL is not a valid database URL "
            "(postgresql://postgres:***@localhost:notaport/db); "
            "expected postgresql://user:password@host:5432/dbname",
        ),
        "unknown parameter": (
            f"postgresql://postgres:{WRONG}@127.0.0.1:1/db?sslmode=disable&bogusparam=1",
            "error: TINY_DATABASE_URL has a parameter strata does not know: bogusparam "
            "(postgresql://postgres:***@127.0.0.1:1/db?bogusparam=1&sslmode=disable); remove it, "
            "or use one of host, port, sslmode, sslrootcert, sslcert, sslkey, pgbouncer, application_name, "
            "connect_timeout, options, target_session_attrs",
        ),
        "unreachable": (
            f"postgresql://postgres:{WRONG}@127.0.0.1:1/db",
            "error: cannot reach PostgreSQL at 127.0.0.1:1 "
            "(postgresql+psycopg://postgres:***@127.0.0.1:1/db): "
            "Connection refused; check that the server runs and the URL's host and port are right",
        ),
        "wrong password": (
            wrong_password,
            f"error: wrong password for user 'postgres' at 127.0.0.1:{server.port} "
            f"(postgresql+psycopg://postgres:***@127.0.0.1:{server.port}/postgres); "
            "fix the password in the database URL",
        ),
        "database does not exist": (
            libpq(server.set(database="no_such_db")),
            f"error: database 'no_such_db' does not exist at 127.0.0.1:{server.port} "
            f"(postgresql+psycopg://postgres:***@127.0.0.1:{server.port}/no_such_db); "
            "create it, or fix the name in the URL",
        ),
    }


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize(
    "case", ["malformed", "unknown parameter", "unreachable", "wrong password", "database does not exist"]
)
def test_bad_url_is_one_masked_line_and_exit_1(tool: str, case: str, password_server: URL, run: Run) -> None:
    url, expected = _cases(password_server)[case]
    done = run(tool, url)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == expected
    assert "Traceback" not in done.stderr
    assert WRONG not in done.stdout + done.stderr
    assert CANARY_PASSWORD not in done.stdout + done.stderr


@pytest.mark.parametrize("tool", TOOLS)
def test_an_unknown_user_is_one_masked_line_and_exit_1(tool: str, strata_server: URL, run: Run) -> None:
    """The embedded server trusts its socket, so it says which user is unknown (a password server would not)."""
    url = strata_server.set(username="nobody_here", password=WRONG, database="postgres")
    done = run(tool, libpq(url))
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        f"error: user 'nobody_here' does not exist at {where(url)} ({mask(url.set(drivername='postgresql+psycopg'))}); "
        "fix the user in the database URL"
    )
    assert "nobody_here:***@" in done.stderr
    assert WRONG not in done.stdout + done.stderr


def test_the_right_password_works(password_server: URL, run: Run) -> None:
    url = password_server.set(database="postgres")
    done = run("strata", libpq(url))
    assert done.returncode == 0, done.stderr
    assert "tiny" in done.stdout
    assert CANARY_PASSWORD not in done.stdout + done.stderr
