"""Where a server's folder is: its home, or a folder under a base that an id in the home names.

Run by root, a server runs as another user, who may not reach the home, so its
folder lives under a root-owned base (`process.servers_base()`); a throw-away
server's goes to the RAM disk (`memory`), whoever runs it. The home then keeps
only a random id naming the folder, in a file that says which base: whoever
looks later (`strata down`, `strata doctor`, without the caller's `durable`)
finds the server where it was made.
"""

import os
import secrets
from pathlib import Path
from typing import NamedTuple

from strata.errors import StrataError
from strata.server import folders, memory, orphans, process

ID_FILE = "server-id"  # as root: names the server's folder under the server base
MEMORY_ID_FILE = "memory-server-id"  # names the server's folder on the RAM disk


class Placement(NamedTuple):
    """Where a server's folder lives when not in its home: under `base`, named by the home's `id_file`."""

    base: Path
    id_file: str


def placement(home: Path, *, durable: bool) -> Placement | None:
    """The base holding `home`'s server folder and the file naming it; None: the home is the folder.

    A cluster made on disk stays there; a new one goes to the RAM disk when
    `memory.wanted` and there is one. An id alone (`strata status` as root
    before the first `up`) decides nothing.
    """
    if (home / MEMORY_ID_FILE).exists():
        return Placement(memory.servers_path(), MEMORY_ID_FILE)
    on_disk = Placement(process.servers_base(), ID_FILE) if process.as_root() else None
    if memory.wanted(durable=durable) and not _made_on_disk(home, on_disk) and memory.servers_base():
        return Placement(memory.servers_path(), MEMORY_ID_FILE)
    return on_disk


def _made_on_disk(home: Path, on_disk: Placement | None) -> bool:
    """Whether `home`'s cluster was made on disk: in the home, or under the base its id names."""
    if on_disk is None:
        return (home / "data" / "PG_VERSION").is_file()
    found = existing_id(home, on_disk)
    return found is not None and (on_disk.base / found / "data" / "PG_VERSION").is_file()


def existing_id(home: Path, placed: Placement) -> str | None:
    """The id `home` keeps for `placed`, or None; a damaged one is refused with the folder it should name."""
    found = folders.read_private_file(home / placed.id_file)
    if found is None:
        return None
    if not orphans.is_server_id(found):
        raise StrataError(orphans.damaged_id(placed.base, home / placed.id_file))
    return found


def publish_id(home: Path, placed: Placement) -> bool:
    """Name a new folder for `home`, atomically; False when another process named one first."""
    draft = home / f".{placed.id_file}.{secrets.token_hex(4)}"
    folders.write_private_file(draft, secrets.token_hex(orphans.ID_LENGTH // 2))
    try:
        os.link(draft, home / placed.id_file)
    except FileExistsError:
        return False  # use the other process's id
    finally:
        draft.unlink()
    orphans.sweep(placed.base, placed.id_file)
    return True
