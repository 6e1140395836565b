"""strata's own tests run against `tinyapp`, a two-table app kept beside them."""

import shutil
import socket
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from strata import App

TINY = Path(__file__).resolve().parent / "tinyapp"
sys.path.insert(0, str(TINY))

from tiny_models import APP  # noqa: E402
from tiny_support import CANARY_PASSWORD  # noqa: E402

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def strata_app() -> App:
    return APP


@pytest.fixture
def tiny_copy(tmp_path: Path) -> App:
    """A private copy of tinyapp whose migrations a test may change."""
    root = tmp_path / "tinyapp"
    shutil.copytree(TINY, root, ignore=shutil.ignore_patterns("__pycache__"))
    return replace(APP, root=root)


@pytest.fixture(scope="session")
def password_server() -> Iterator[URL]:
    """A TCP server on 127.0.0.1 with password authentication and a canary password."""
    from strata.server import folders, process

    user = process.server_user()
    with process.scratch_server_dir("password-server-") as home:
        data = folders.private_dir(home / "data", uid=user.uid, gid=user.gid)
        pwfile = home / "pw"
        folders.write_private_file(pwfile, CANARY_PASSWORD + "\n", uid=user.uid, gid=user.gid)
        process.run(
            [
                "initdb",
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "scram-sha-256",
                f"--pwfile={pwfile}",
                "--no-sync",
                "--no-instructions",
            ],
            what="initdb",
        )
        port = _free_port()
        flags = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' -c fsync=off"
        process.run(["pg_ctl", "-D", str(data), "-l", str(home / "log"), "-w", "-o", flags, "start"], what="start")
        try:
            yield URL.create(
                "postgresql+psycopg",
                username="postgres",
                password=CANARY_PASSWORD,
                host="127.0.0.1",
                port=port,
                database="postgres",
            )
        finally:
            process.run(["pg_ctl", "-D", str(data), "-m", "immediate", "stop"], what="stop")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
