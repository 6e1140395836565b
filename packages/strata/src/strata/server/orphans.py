"""Server folders nobody will use again, swept away.

A server's folders live under a base, named by an id kept in its home, as root
and for a throw-away server in memory (see `EmbeddedServer`). A home deleted
without `discard()`, such as a test's temporary folder, would leave its cluster
behind for good; so each server folder records its home, and making a new server
removes the stopped ones whose home no longer names them.

A throw-away server lives for the process that made it (a test session's
worker). One stopped hard (Ctrl-C to pytest's process group) never discards its
server, which keeps running, in memory when it is there. Its folder records that
process, so the sweep stops and removes the servers whose process is gone.
"""

import shlex
import shutil
from pathlib import Path

import psutil

from strata.errors import StrataError
from strata.server import folders, process

HOME_FILE = "home"
OWNER_FILE = "owner"
ID_LENGTH = 32  # a server folder's name: 16 random bytes in hex


def is_server_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in "0123456789abcdef" for c in text)


def record_home(server_root: Path, home: Path, *, uid: int, gid: int) -> None:
    folders.write_private_file(server_root / HOME_FILE, str(home), uid=uid, gid=gid)


def record_owner(server_root: Path, *, uid: int, gid: int) -> None:
    """Record this process (pid and start time, which tells a reused pid apart) as the one the server lives for."""
    me = psutil.Process()
    folders.write_private_file(server_root / OWNER_FILE, f"{me.pid} {me.create_time()!r}", uid=uid, gid=gid)


def sweep(servers: Path, id_file: str) -> None:
    """Remove stopped server folders whose recorded home no longer holds their id, and servers whose process is gone."""
    for folder in servers.iterdir():
        if _owner_gone(folder):
            if _stopped(folder):
                shutil.rmtree(folder, ignore_errors=True)
            continue
        recorded = _recorded_home(folder)
        if not recorded:
            continue  # still being made (no home written yet), or not a server folder
        home = Path(recorded)
        if _names(home / id_file, folder.name) or (folder / "data" / "postmaster.pid").exists():
            continue
        shutil.rmtree(folder, ignore_errors=True)


def recorded_for(servers: Path, home: Path) -> list[Path]:
    """The server folders under `servers` that record `home` as theirs."""
    try:
        folders_there = list(servers.iterdir())
    except OSError:
        return []
    return sorted(folder for folder in folders_there if _recorded_home(folder) == str(home))


def damaged_id(servers: Path, id_file: Path) -> str:
    """What to do about a home's id file that names no folder: name back the one that records the home."""
    recorded = recorded_for(servers, id_file.parent)
    put_back = f"printf %s {{}} > {shlex.quote(str(id_file))}"
    if len(recorded) == 1:
        return (
            f"{id_file} is damaged; the server folder {recorded[0]} records this home: "
            f"put its name back ({put_back.format(recorded[0].name)})"
        )
    if recorded:
        names = ", ".join(folder.name for folder in recorded)
        return (
            f"{id_file} is damaged; server folders {names} under {servers} record this home: "
            f"put back the name of the one to keep ({put_back.format('NAME')})"
        )
    return f"{id_file} is damaged, and no server folder under {servers} records its home; remove it"


def _recorded_home(folder: Path) -> str | None:
    try:
        return (folder / HOME_FILE).read_text()
    except OSError:
        return None


def _names(id_file: Path, server_id: str) -> bool:
    """Whether `id_file` names the folder `server_id`, or may: a damaged one could only name it wrongly."""
    try:
        named = id_file.read_text().strip()
    except OSError:
        return False
    return named == server_id or not is_server_id(named)


def _owner_gone(folder: Path) -> bool:
    try:
        pid, started = (folder / OWNER_FILE).read_text().split()
        return psutil.Process(int(pid)).create_time() != float(started)
    except psutil.NoSuchProcess:
        return True
    except (OSError, ValueError, psutil.Error):
        return False  # no owner recorded (a durable server), or not ours to judge


def _stopped(folder: Path) -> bool:
    """Stop the server in `folder` if it runs; False when it could not be stopped, so its folder stays."""
    data = folder / "data"
    if not (data / "postmaster.pid").exists():
        return True
    try:
        process.run(["pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"], what="pg_ctl stop")
    except StrataError:
        return False
    return True
