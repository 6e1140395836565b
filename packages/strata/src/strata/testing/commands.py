"""Run `alembic` as a user would: in the app's directory, in a fresh process, with only the given URLs."""

import subprocess
import sys

from strata.apps import App
from strata.testing.server import subprocess_env


def start_alembic(app: App, *args: str, **env: str) -> "subprocess.Popen[str]":
    """Start `alembic *args` for `app`; the environment has no *_DATABASE_URL but those in `env`."""
    return subprocess.Popen(
        [sys.executable, "-m", "alembic", *args],
        cwd=app.root,
        env=subprocess_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: "subprocess.Popen[str]", timeout: float = 120) -> "subprocess.CompletedProcess[str]":
    """Wait for a started command; a hang past `timeout` raises, failing the test."""
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_alembic(app: App, *args: str, **env: str) -> "subprocess.CompletedProcess[str]":
    return finish(start_alembic(app, *args, **env))
