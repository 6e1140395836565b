"""Server folders whose home is gone, swept away (root only).

As root, a server's folders live under the server base, named by an id kept in
its home (see `EmbeddedServer`). A home deleted without `discard()`, such as a
test's temporary folder, would leave its cluster behind for good; so each
server folder records its home, and making a new server removes the stopped
ones whose home no longer names them.
"""

import shutil
from pathlib import Path

from strata.server import folders

HOME_FILE = "home"


def record_home(server_root: Path, home: Path, *, uid: int, gid: int) -> None:
    folders.write_private_file(server_root / HOME_FILE, str(home), uid=uid, gid=gid)


def sweep(servers: Path, id_file: str) -> None:
    """Remove stopped server folders whose recorded home no longer holds their id."""
    for folder in servers.iterdir():
        try:
            recorded = (folder / HOME_FILE).read_text()
        except OSError:
            continue  # still being made, or not a server folder
        if not recorded:
            continue  # created but not written yet: another process is making this server now
        home = Path(recorded)
        if _names(home / id_file, folder.name) or (folder / "data" / "postmaster.pid").exists():
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _names(id_file: Path, server_id: str) -> bool:
    try:
        return id_file.read_text() == server_id
    except OSError:
        return False
