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


def where(home: Path, *, durable: bool) -> Placement | None:
    """The base holding `home`'s server folder and the file naming it; None: the home is the folder.

    A server stays where it was made. A new one goes to the RAM disk when
    `memory.wanted` and there is one. An id whose folder was never made (`url()`
    read before the first start) decides nothing.
    """
    in_memory = Placement(memory.servers_path(), MEMORY_ID_FILE)
    if made(home, in_memory):
        return in_memory
    on_disk = Placement(process.servers_base(), ID_FILE) if process.as_root() else None
    if memory.wanted(durable=durable) and memory.servers_base() and not made(home, on_disk):
        return in_memory
    return on_disk


def made(home: Path, placed: Placement | None) -> bool:
    """Whether `home`'s server was made under `placed` (None: in the home itself), even if its folder is gone."""
    if placed is None:
        return (home / "data" / "PG_VERSION").is_file()
    found = existing_id(home, placed)
    return found is not None and (_recorded_made(home, placed) == found or (placed.base / found).is_dir())


def lost(home: Path, placed: Placement) -> bool:
    """Whether the folder `home` names under `placed` was made and is gone (a reboot empties the RAM disk)."""
    found = existing_id(home, placed)
    return found is not None and _recorded_made(home, placed) == found and not (placed.base / found).exists()


def record_made(home: Path, placed: Placement, server_id: str) -> None:
    """Note in the home that the folder its id names was made: from then on, a missing folder was lost."""
    folders.write_private_file(_made_file(home, placed), server_id)


def forget(home: Path, placed: Placement) -> None:
    """Remove the home's id and its note that the folder was made, once the folder is deleted."""
    (home / placed.id_file).unlink(missing_ok=True)
    _made_file(home, placed).unlink(missing_ok=True)


def _made_file(home: Path, placed: Placement) -> Path:
    return home / f"{placed.id_file}.made"


def _recorded_made(home: Path, placed: Placement) -> str | None:
    return folders.read_private_file(_made_file(home, placed))


def existing_id(home: Path, placed: Placement) -> str | None:
    """The id `home` keeps for `placed`, or None; a damaged one is refused with the folder it should name."""
    found = folders.read_private_file(home / placed.id_file)
    if found is None:
        return None
    found = found.strip()  # put back by hand with `echo`, it ends in a newline
    if not orphans.is_server_id(found):
        raise StrataError(orphans.damaged_id(placed.base, home / placed.id_file))
    return found


def publish_id(home: Path, placed: Placement) -> None:
    """Name a new folder for `home`, atomically, unless another process named one first."""
    draft = home / f".{placed.id_file}.{secrets.token_hex(4)}"
    folders.write_private_file(draft, secrets.token_hex(orphans.ID_LENGTH // 2))
    try:
        os.link(draft, home / placed.id_file)
    except FileExistsError:
        return  # use the other process's id
    finally:
        draft.unlink()
    orphans.sweep(placed.base, placed.id_file)
