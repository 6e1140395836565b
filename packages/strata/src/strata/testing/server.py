"""The server a test session uses: a throw-away embedded one, or the user's.

With `STRATA_TEST_DATABASE_URL` set, tests run on that server instead, and
strata creates and drops only databases whose names it generated.
"""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from strata.connection.urls import parse
from strata.server import running, throwaway_server

ENV_VARIABLE = "STRATA_TEST_DATABASE_URL"


@contextmanager
def session_server(directory: Path) -> Iterator[URL]:
    """Yield the maintenance URL of the server tests should use."""
    configured = os.environ.get(ENV_VARIABLE)
    if configured:
        yield parse(configured, driver="psycopg", source=ENV_VARIABLE).set(database="postgres")
        return
    with running(throwaway_server(directory)) as url:
        yield url


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for a while, for this process and every command it starts."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def subprocess_env(**extra: str) -> dict[str, str]:
    """This process's environment without any *_DATABASE_URL, plus `extra`: for commands run as a user would."""
    clean = {name: value for name, value in os.environ.items() if not name.endswith("DATABASE_URL")}
    return clean | extra


def in_process_env(**extra: str) -> dict[str, str | None]:
    """For CliRunner's `env`: every *_DATABASE_URL unset and `extra` set, as `subprocess_env` gives a process."""
    unset: dict[str, str | None] = {name: None for name in os.environ if name.endswith("DATABASE_URL")}
    return unset | extra


def unique_name(kind: str, worker: str) -> str:
    """A database name no other worker or run will generate."""
    return f"strata_{kind}_{worker}_{secrets.token_hex(4)}"
