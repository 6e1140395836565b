"""Run `alembic`, `strata` or any Python command as a user would: in a process of its own, with only the given URLs."""

import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from strata.apps import App
from strata.testing.server import subprocess_env

# What `alembic` and `strata` import before they read their environment; none of it reads it at import
# (strata.cli does: its consoles take COLUMNS when made, so it is not preloaded).
_PRELOAD = [
    *("alembic.config", "alembic.command", "sqlalchemy.dialects.postgresql", "psycopg", "asyncpg"),
    *("typer", "rich.console", "rich.table", "pydantic_settings"),
    *("strata.migrations.runner", "strata.migrations.alembic_api"),
]


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


def run_alembic(app: App, *args: str, **env: str) -> "subprocess.CompletedProcess[str]":
    """`alembic *args` for `app`, run to its end, as `run_python` runs it."""
    return run_python("-m", "alembic", *args, cwd=app.root, env=subprocess_env(**env))


def alembic_at_once(
    app: App, count: int, *args: str, env: dict[str, str], timeout: float = 120
) -> "list[subprocess.CompletedProcess[str]]":
    """Run `count` `alembic *args` processes for `app` together, as replicas of a service starting at once.

    The environment has no *_DATABASE_URL but those in `env`.

    Each is a process of its own with its own connections, running alembic's command line in the
    app's directory, forked as `run_python` forks: ten fresh interpreters would spend some 15 s
    of CPU importing alembic, SQLAlchemy and the drivers before the first one connected.
    """
    return run_python_at_once(count, "-m", "alembic", *args, cwd=app.root, env=subprocess_env(**env), timeout=timeout)


def run_python(*args: str, cwd: Path, env: dict[str, str], timeout: float = 120) -> "subprocess.CompletedProcess[str]":
    """What `python *args` does (`-m module`, `-c code` or a script, then its arguments), in a process of its own.

    The process is forked from a server that imported alembic, SQLAlchemy, the drivers, typer and
    rich once, so it starts in milliseconds instead of spending 1.5 s of CPU on imports. Nothing it
    preloads reads the environment at import. Not for tests of import-time behaviour, or of what a
    fresh interpreter does not share (its hash seed): those need `subprocess`.
    """
    (done,) = run_python_at_once(1, *args, cwd=cwd, env=env, timeout=timeout)
    return done


def run_python_at_once(
    count: int, *args: str, cwd: Path, env: dict[str, str], timeout: float = 120
) -> "list[subprocess.CompletedProcess[str]]":
    """`count` `run_python(*args)` processes started together; one still running after `timeout` fails the test."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    with tempfile.TemporaryDirectory(prefix="strata-python-") as folder:
        outputs = [(Path(folder) / f"{n}.out", Path(folder) / f"{n}.err") for n in range(count)]
        processes = [
            context.Process(target=_python_main, args=(list(args), str(cwd), env, out, err)) for out, err in outputs
        ]
        for process in processes:
            process.start()
        deadline = time.monotonic() + timeout
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        hung = [process for process in processes if process.exitcode is None]
        for process in hung:
            process.kill()
        if hung:
            raise TimeoutError(f"{len(hung)} of {count} `python {' '.join(args)[:80]}` still ran after {timeout} s")
        return [
            subprocess.CompletedProcess(["python", *args], process.exitcode or 0, out.read_text(), err.read_text())
            for process, (out, err) in zip(processes, outputs, strict=True)
        ]


def _python_main(args: list[str], cwd: str, env: dict[str, str], out: Path, err: Path) -> None:
    """In the forked process: what `python *args` does in `cwd`, its output into `out` and `err`."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for stream, path in ((1, out), (2, err)):
        with path.open("w") as file:
            os.dup2(file.fileno(), stream)
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        sys.path.insert(0, cwd)
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        sys.path.insert(0, "")
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102 - as `python -c` does
    else:
        sys.argv = list(args)
        sys.path.insert(0, str(Path(cwd, args[0]).parent))
        runpy.run_path(args[0], run_name="__main__")
