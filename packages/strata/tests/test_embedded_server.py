"""The embedded server: socket only, started on demand, recovered after a crash."""

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from strata.connection.connect import connect
from strata.errors import StrataError
from strata.server import EmbeddedServer
from strata.server.admin import ensure_database
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    found = EmbeddedServer(tmp_path / "home", durable=False)
    yield found
    found.discard()


def _postmaster(server: EmbeddedServer) -> psutil.Process:
    pid = int((server.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    return psutil.Process(pid)


def test_it_listens_on_a_unix_socket_and_no_tcp_port(server: EmbeddedServer) -> None:
    server.ensure_running()
    with connect(server.url("postgres")) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
    postmaster = _postmaster(server)
    inet = [c for c in postmaster.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert inet == []
    assert (server.socket_dir / ".s.PGSQL.5432").is_socket()


def test_ensure_running_twice_reuses_the_same_server(server: EmbeddedServer) -> None:
    server.ensure_running()
    first = _postmaster(server).pid
    server.ensure_running()
    assert _postmaster(server).pid == first


def test_a_killed_server_is_recovered_without_losing_committed_rows(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "home")  # durable: fsync on, as for developers
    try:
        server.ensure_running()
        url = server.url("keep")
        ensure_database(url)
        with connect(url) as conn:
            conn.execute("CREATE TABLE t (n int)")
            conn.execute("INSERT INTO t VALUES (42)")
            conn.commit()
        postmaster = _postmaster(server)
        os.kill(postmaster.pid, signal.SIGKILL)
        postmaster.wait(10)
        assert not server.is_running()

        server.ensure_running()
        with connect(url) as conn:
            assert conn.execute("SELECT n FROM t").fetchall() == [(42,)]
    finally:
        server.discard()


def test_a_stale_pid_file_is_cleared(server: EmbeddedServer) -> None:
    server.ensure_running()
    server.stop()
    # A pid file left behind by a crash, naming a live process that is not postgres.
    (server.data_dir / "postmaster.pid").write_text(f"{os.getpid()}\n{server.data_dir}\n")
    server.ensure_running()
    assert server.is_running()


def test_a_corrupt_data_directory_is_named_with_the_fix(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "home")
    server.data_dir.mkdir(parents=True)
    (server.data_dir / "junk").write_text("not a cluster")
    try:
        with pytest.raises(StrataError, match=r"holds no PostgreSQL cluster \(no PG_VERSION\); move it aside"):
            server.ensure_running()
    finally:
        server.discard()


def _unwritable_home(tmp_path: Path) -> Path:
    """A STRATA_HOME nobody can create: read-only for users, under a file for root."""
    if os.geteuid() == 0:  # root ignores file modes
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        return blocker / "home"
    parent = tmp_path / "read-only"
    parent.mkdir(mode=0o555)
    return parent / "home"


def test_an_unwritable_home_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    home = _unwritable_home(tmp_path)
    env = subprocess_env()
    done = run_python("-m", "strata", "up", cwd=Path.cwd(), env={**env, "STRATA_HOME": str(home)})
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: cannot write to the strata home {home} (")
    assert done.stderr.strip().endswith("set STRATA_HOME to a writable directory")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not home.exists()
