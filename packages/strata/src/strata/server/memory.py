"""Throw-away servers keep their folders in memory when the machine has a RAM disk.

A test session creates and drops a database per test, and every one of them is
written out as files. On a disk file system that costs the kernel more, and far
more while other work writes to the same disk: a clone on a fresh server took
1.5 to 1.9 times as long on ext4 as on tmpfs on an idle machine and about 17
times as long on a busy one (benchmarks/README.md, "Where test servers live").
A durable server also waits for the disk at each commit.
A throw-away server's data is deleted when it stops, so memory loses nothing a
disk would keep.

`STRATA_SERVERS_IN_MEMORY=1` puts durable servers there too: the ones `strata up`
makes in a test's or a CI job's `STRATA_HOME`, which nothing needs after the
machine stops. They keep their durable settings (fsync on), so a killed server
still recovers every committed row; only a power cut would lose them. The test
plugin sets it for its session unless it is set. `0` keeps every new server on disk.

Linux offers `/dev/shm` as a tmpfs. It is used when it is one and has room to
spare (`MIN_FREE`); a small one, such as a container's default 64 MB, or none
at all (macOS) keeps the servers on disk, where they always were.
"""

import os
import shutil
from functools import cache
from pathlib import Path

from strata.errors import StrataError
from strata.server import folders, process

ENV_VARIABLE = "STRATA_SERVERS_IN_MEMORY"
RAM_DISK = Path("/dev/shm")  # noqa: S108 - every folder under it is made and checked by `folders`
MIN_FREE = 2 * 1024**3  # a test session's servers hold a few hundred MB; leave the machine the rest


def wanted(*, durable: bool) -> bool:
    """Whether a new server should go to the RAM disk: `ENV_VARIABLE` 1 every one, 0 none, unset the throw-away ones."""
    chosen = os.environ.get(ENV_VARIABLE, "")
    if chosen not in ("", "0", "1"):
        raise StrataError(
            f"{ENV_VARIABLE}={chosen!r} is not 1 (every new server in memory) or 0 (none); "
            "set one of those, or unset it (throw-away servers in memory)"
        )
    return chosen == "1" or (chosen != "0" and not durable)


def servers_path() -> Path:
    """Where throw-away servers' folders go on the RAM disk; `servers_base` makes it."""
    return RAM_DISK / "strata" / "servers" if process.as_root() else RAM_DISK / f"strata-{os.geteuid()}"


@cache
def servers_base() -> Path | None:
    """`servers_path()`, made and checked, or None to keep new throw-away servers on disk.

    Decided once per process. As root the folder is root-owned and traversable,
    as `process.servers_base()` is on disk; otherwise it is the user's own and private.
    """
    if not is_tmpfs(RAM_DISK) or shutil.disk_usage(RAM_DISK).free < MIN_FREE:
        return None
    path = servers_path()
    try:
        if process.as_root():
            folders.safe_base(folders.safe_base(path.parent) / path.name)
        else:
            folders.private_dir(path)
    except StrataError:
        return None  # a folder there that strata did not make: keep off it, the disk still works
    return path


def is_tmpfs(path: Path) -> bool:
    """Whether `path` is the mount point of a tmpfs, from this process's mount table."""
    try:
        mounts = Path("/proc/self/mounts").read_text()
    except OSError:
        return False
    return any(
        fields[1] == str(path) and fields[2] == "tmpfs"
        for fields in (line.split() for line in mounts.splitlines())
        if len(fields) > 2
    )
