"""Folders and files strata makes for a server: private, never through a symlink.

Every folder is created with `mkdir` (which never follows a symlink in its
last component) and then opened with O_NOFOLLOW, so its owner and mode are
checked and changed on the folder itself, not on whatever a link points at.
A folder that exists already must belong to the expected owner; a link there
is refused. Parent folders are never changed: if the server's user cannot
reach a folder, strata says so instead of opening the path up.
"""

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from strata.errors import StrataError

PRIVATE = 0o700


def _refuse_link(path: Path) -> None:
    raise StrataError(
        f"{path} is a symbolic link that strata did not make; remove it (strata follows no links in its folders)"
    )


@contextmanager
def _open_no_follow(path: Path, flags: int, mode: int = 0o600) -> Iterator[int]:
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as error:
        if os.path.islink(path):
            _refuse_link(path)
        raise StrataError(f"cannot open {path} ({error.strerror}); set STRATA_HOME to a directory you own") from None
    try:
        yield fd
    finally:
        os.close(fd)


def usable_home(path: Path) -> None:
    """Refuse a home strata cannot use before anything is written or changed in it.

    A read-only folder (say mode 555) is the user's statement that nothing goes
    there; even root, whom the mode does not stop, leaves it alone.
    """
    if os.path.islink(path) or not os.path.lexists(path):
        return  # private_dir refuses a link; a missing home is created
    if not os.path.isdir(path):
        raise StrataError(
            f"the strata home {path} is not a directory; nothing was written. "
            "Remove it, or set STRATA_HOME to a directory (it is created if missing)"
        )
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if not mode & stat.S_IWUSR or not os.access(path, os.W_OK | os.X_OK):
        raise StrataError(
            f"the strata home {path} is read-only (mode {mode:o}); nothing was written. "
            "Make it writable (chmod u+w), or set STRATA_HOME to a writable directory"
        )


def private_dir(path: Path, *, uid: int | None = None, gid: int | None = None) -> Path:
    """`path` as a 0700 folder owned by `uid` (default: this process), created if missing.

    An existing folder owned by someone else is refused; one owned by the right
    user is tightened to 0700.
    """
    uid = os.geteuid() if uid is None else uid
    gid = os.getegid() if gid is None else gid
    try:
        os.mkdir(path, PRIVATE)
        created = True
    except FileExistsError:
        created = False
    with _open_no_follow(path, os.O_RDONLY | os.O_DIRECTORY) as fd:
        found = os.fstat(fd)
        if found.st_uid != uid and (created or found.st_uid == os.geteuid()):
            os.fchown(fd, uid, gid)  # ours to give: we made it, or we own it
        elif found.st_uid != uid:
            raise StrataError(
                f"{path} belongs to uid {found.st_uid}, not to uid {uid} as strata expects; "
                "remove it, or set STRATA_HOME to a directory you own"
            )
        if stat.S_IMODE(found.st_mode) != PRIVATE:
            os.fchmod(fd, PRIVATE)
    return path


def write_private_file(path: Path, text: str, *, uid: int | None = None, gid: int | None = None) -> None:
    """Write `text` to a 0600 file owned by `uid`; a link or a hard-linked file there is refused."""
    with _open_no_follow(path, os.O_WRONLY | os.O_CREAT) as fd:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1:
            raise StrataError(f"{path} is not a plain file strata made; remove it")
        os.ftruncate(fd, 0)
        os.write(fd, text.encode())
        os.fchmod(fd, 0o600)
        if uid is not None:
            os.fchown(fd, uid, os.getegid() if gid is None else gid)


def read_private_file(path: Path) -> str | None:
    """The text of a file strata wrote, or None if there is none; links are refused."""
    if not os.path.lexists(path):
        return None
    with _open_no_follow(path, os.O_RDONLY) as fd:
        return os.read(fd, 4096).decode()


@contextmanager
def lock_file(path: Path) -> Iterator[int]:
    """An open descriptor on `path` for flock, created without following a link."""
    with _open_no_follow(path, os.O_WRONLY | os.O_CREAT) as fd:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StrataError(f"{path} is not a plain file; remove it")
        yield fd


def reachable_by(path: Path, uid: int, gid: int) -> bool:
    """Whether a process with `uid`/`gid` can traverse every parent of `path` (root excepted)."""
    for parent in path.parents:
        mode = os.stat(parent)
        if mode.st_uid == uid:
            allowed = mode.st_mode & stat.S_IXUSR
        elif mode.st_gid == gid:
            allowed = mode.st_mode & stat.S_IXGRP
        else:
            allowed = mode.st_mode & stat.S_IXOTH
        if not allowed:
            return False
    return True


def safe_base(path: Path) -> Path:
    """A root-owned folder others may traverse but not write, created 0755 if missing.

    Only root writes there, so nobody else can plant a link or a folder in it.
    """
    path.mkdir(mode=0o755, parents=True, exist_ok=True)
    with _open_no_follow(path, os.O_RDONLY | os.O_DIRECTORY) as fd:
        found = os.fstat(fd)
        if found.st_uid != 0 or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise StrataError(
                f"{path} must belong to root and be writable by root only (it is uid {found.st_uid}, "
                f"mode {stat.S_IMODE(found.st_mode):o}); remove it and rerun"
            )
    return path


def runtime_dir() -> Path:
    """A private folder of this user for sockets, when the strata home's path is too long for one.

    `$XDG_RUNTIME_DIR` (0700, the user's own) when set; otherwise `<tmp>/strata-<uid>`,
    created 0700 and refused unless it is a real folder of this user's only.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute() and len(runtime) < 60:
        base = Path(runtime)
        if os.stat(base).st_uid == os.geteuid():
            return private_dir(base / "strata")
    return private_dir(Path(tempfile.gettempdir()) / f"strata-{os.geteuid()}")
