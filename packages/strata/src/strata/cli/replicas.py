"""The replica parts of `strata up` and `strata status`: local standbys, and each replica's lag.

Local standbys are copies of the embedded server's folders, so `bring_up` and `rows` take an `EmbeddedServer`;
the rest needs only the `Server` protocol.
"""

from dataclasses import asdict, dataclass

from rich.markup import escape
from sqlalchemy.engine import URL

from strata import apps
from strata.cli import console
from strata.connection.replication import replica_state, wait_for_replay
from strata.connection.settings import configured_read_urls, configured_url
from strata.connection.urls import mask, with_driver
from strata.errors import StrataError
from strata.server import EmbeddedServer, Server
from strata.server.replicas import Standby, ensure_replicas, local_replicas, start_replicas


@dataclass(frozen=True)
class ReplicaRow:
    """One replica as `strata status` reports it."""

    replica: str
    serves: str
    url: str
    state: str
    lag_bytes: int | None


def bring_up(primary: EmbeddedServer, count: int | None) -> list[Standby]:
    """Run `count` local standbys (None: the ones that exist) and wait until they have replayed the primary."""
    standbys = start_replicas(primary) if count is None else ensure_replicas(primary, count)
    if standbys:
        wait_for_replay(primary.url("postgres"), [standby.url("postgres") for standby in standbys])
    return standbys


def print_local(standbys: list[Standby], app_names: list[str]) -> None:
    """What `strata up` prints about the local standbys: each one, then its read URL whole on a line of its own.

    Not a table: a table folds a long socket path mid-URL at 80 columns, and the URL must copy whole from a log.
    """
    for standby in standbys:
        url = read_url(standby, app_names[0])
        console.print(f"[bold]{standby.name}[/]: read URL of {app_names[0]}", highlight=False, soft_wrap=True)
        console.print(f"  {url}", highlight=False, soft_wrap=True)
    console.print(
        "embedded apps read from these (get_read_session); elsewhere set <APP>_READ_DATABASE_URL",
        highlight=False,
        soft_wrap=True,
    )


def read_url(standby: Standby, database: str) -> str:
    """A local standby's URL as psql and GUI clients take it (no driver in the scheme)."""
    return mask(standby.url(database).set(drivername="postgresql"))


def rows(primary: EmbeddedServer) -> list[ReplicaRow]:
    """Every replica strata knows of: local standbys, then each app's configured read URLs."""
    found = [_local_row(primary, standby) for standby in local_replicas(primary)]
    for app in apps.discover().values():
        configured = configured_read_urls(app)
        if configured is None:
            continue
        replicas, source = configured
        main = configured_url(app)
        base = main[0] if main else (primary.url(app.name) if primary.is_running() else None)
        for replica in replicas:
            found.append(_row(f"{source}", app.name, base, with_driver(replica, "psycopg")))
    return found


def _local_row(primary: Server, standby: Standby) -> ReplicaRow:
    shown = read_url(standby, "postgres")
    if not standby.is_running():
        return ReplicaRow(standby.name, "embedded apps", shown, "stopped", None)
    base = primary.url("postgres") if primary.is_running() else None
    return _row(standby.name, "embedded apps", base, standby.url("postgres"), shown=shown)


def _row(name: str, serves: str, primary: URL | None, replica: URL, *, shown: str | None = None) -> ReplicaRow:
    where = shown or mask(replica)
    if primary is None:
        return ReplicaRow(name, serves, where, "primary not running", None)
    try:
        state = replica_state(primary, replica)
    except StrataError as error:
        return ReplicaRow(name, serves, where, f"unreachable: {error}", None)
    return ReplicaRow(name, serves, where, "streaming" if state.in_recovery else "not a standby", state.lag_bytes)


def print_status(found: list[ReplicaRow]) -> None:
    """Each replica's state on a line, then its URL whole on a line of its own, as `strata status` prints apps."""
    for row in found:
        lag = "" if row.lag_bytes is None else f", replay lag {row.lag_bytes} bytes"
        line = f"[bold]{escape(row.replica)}[/] (serves {escape(row.serves)}): {escape(row.state)}{lag}"
        console.print(line, highlight=False, soft_wrap=True)
        console.print(f"  url: {escape(row.url)}", highlight=False, soft_wrap=True)


def as_json(found: list[ReplicaRow]) -> list[dict[str, object]]:
    return [asdict(row) for row in found]
