"""Local hot standbys of the embedded server, to try the replica topology on a laptop.

Replica N lives in `<strata home>/replicas/N`, with its own data dir, log and
socket folder, exactly like the primary (a `Standby` is an `EmbeddedServer`
whose cluster is copied instead of initialised). The copy is made with the
wheel's own `pg_basebackup -R`, over the primary's unix socket, so the
standby streams WAL from the primary from its first start. A standby holds
nothing of its own: removing one loses no data.
"""

import shutil
from pathlib import Path

from sqlalchemy.engine import URL

from strata.connection.urls import libpq
from strata.errors import StrataError
from strata.server import process
from strata.server.embedded import REPLICAS_FOLDER, EmbeddedServer

# Each running standby holds one of the primary's max_wal_senders (10 by default) and making one
# with pg_basebackup -X stream takes two: with 8 running, the 9th is the last that can be made.
MAX_LOCAL_REPLICAS = 9


class Standby(EmbeddedServer):
    """A hot standby streaming from the server at `primary` (a unix-socket URL); its data dir comes from pg_basebackup.

    The primary must be running when the standby is first created.
    """

    def __init__(self, home: Path, primary: URL, *, durable: bool = True, settings: dict[str, str] | None = None):
        super().__init__(home, durable=durable, settings=settings)
        self.primary = primary

    @property
    def name(self) -> str:
        return f"replica {self.home.name}"

    def _create_cluster(self) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise StrataError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster; "
                f"remove it (a replica keeps no data of its own) and run strata up --replicas again"
            )
        self._make_server_root()
        self._server_folder(self.data_dir)
        name = {"application_name": f"replica_{self.home.name}"}  # how pg_stat_replication lists it
        source = libpq(self.primary.set(database="postgres").update_query_dict(name))
        command = ["pg_basebackup", "-D", str(self.data_dir), "-d", source, "-R", "-X", "stream", "-c", "fast"]
        if not self.durable:
            command.append("--no-sync")
        process.run(command, what=f"pg_basebackup for {self.name}", timeout=300)


def replicas_folder(primary: EmbeddedServer) -> Path:
    return primary.home / REPLICAS_FOLDER


def standby_of(primary: EmbeddedServer, number: int) -> Standby:
    """Local replica `number` of the embedded server `primary`, durable as the primary is."""
    home = replicas_folder(primary) / str(number)
    return Standby(home, primary.url("postgres"), durable=primary.durable, settings=primary.settings)


def local_replicas(primary: EmbeddedServer) -> list[Standby]:
    """The standbys `strata up --replicas N` made for `primary`, in order; none are started here."""
    folder = replicas_folder(primary)
    if not folder.is_dir():
        return []
    return [standby_of(primary, number) for number in sorted(int(e.name) for e in folder.iterdir() if e.name.isdigit())]


def ensure_replicas(primary: EmbeddedServer, count: int) -> list[Standby]:
    """Run exactly `count` standbys of `primary`: start or create 1..count, remove any beyond."""
    wanted = [standby_of(primary, number) for number in range(1, count + 1)]
    for extra in local_replicas(primary)[count:]:
        extra.discard()  # as root its folders live under the server base, not in its home
        shutil.rmtree(extra.home, ignore_errors=True)
    primary.ensure_running()
    for standby in wanted:
        standby.ensure_running()
    return wanted


def start_replicas(primary: EmbeddedServer) -> list[Standby]:
    """Start the standbys that exist (after a reboot or `strata down`)."""
    found = local_replicas(primary)
    if found:
        primary.ensure_running()
    for standby in found:
        standby.ensure_running()
    return found


def stop_replicas(primary: EmbeddedServer) -> int:
    """Stop every local standby of `primary`; the number that were running."""
    return sum(standby.stop() for standby in local_replicas(primary))
