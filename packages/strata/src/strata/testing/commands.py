"""Run `alembic` as a user would: in the app's directory, in a process of its own, with only the given URLs."""

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from strata.apps import App
from strata.testing.server import subprocess_env

# What every `alembic` process imports before it reads its environment: nothing here reads it at import.
_PRELOAD = ["alembic.config", "alembic.command", "sqlalchemy.dialects.postgresql", "psycopg", "asyncpg"]
_PRELOAD += ["strata.migrations.runner", "strata.migrations.alembic_api"]


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


def alembic_at_once(
    app: App, count: int, *args: str, timeout: float = 120, **env: str
) -> "list[subprocess.CompletedProcess[str]]":
    """Run `count` `alembic *args` processes for `app` together, as replicas of a service starting at once.

    Each is a process of its own with its own connections, running alembic's command line in the
    app's directory. They are forked from a server process that imported alembic, SQLAlchemy and
    the drivers once: ten fresh interpreters would spend some 15 s of CPU on those imports before
    the first one connected. A process still running after `timeout` is killed and fails the test.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    environment = subprocess_env(**env)
    with tempfile.TemporaryDirectory(prefix="strata-alembic-") as folder:
        outputs = [(Path(folder) / f"{n}.out", Path(folder) / f"{n}.err") for n in range(count)]
        processes = [
            context.Process(target=_alembic_main, args=(str(app.root), list(args), environment, out, err))
            for out, err in outputs
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout)
        hung = [process for process in processes if process.exitcode is None]
        for process in hung:
            process.kill()
        if hung:
            raise TimeoutError(f"{len(hung)} of {count} `alembic {' '.join(args)}` runs still ran after {timeout} s")
        return [
            subprocess.CompletedProcess(["alembic", *args], process.exitcode or 0, out.read_text(), err.read_text())
            for process, (out, err) in zip(processes, outputs, strict=True)
        ]


def _alembic_main(root: str, args: list[str], env: dict[str, str], out: Path, err: Path) -> None:
    """In the forked process: what `python -m alembic *args` does in `root`, its output into `out` and `err`."""
    os.chdir(root)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, root)  # as `python -m` puts the working directory first
    for stream, path in ((1, out), (2, err)):
        with path.open("w") as file:
            os.dup2(file.fileno(), stream)
    from alembic.config import main

    main(argv=args, prog="alembic")
