"""`strata status`: the embedded server, and for each app where its database is in its history.

Each app's line says what its database records, not what its files say: the
current revision, the head, how many revisions are pending, or that the recorded
revision is unknown. Values stand on lines of their own and are never cut, so
the report reads the same at 80 columns and in a CI log.
"""

import json
from typing import Annotated, Any

import typer

from strata import apps
from strata.cli import console
from strata.cli import replicas as replica_view
from strata.connection.resolve import migration_url
from strata.connection.settings import configured_url
from strata.connection.urls import mask
from strata.errors import StrataError
from strata.migrations.state import MigrationState, migration_state
from strata.server import Server, dev_server
from strata.server.admin import database_exists


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Show the embedded server, each app's current revision, head and pending count, and each replica's lag."""
    server = dev_server()
    facts = server.describe()
    entries = [app_status(app, server, facts["state"]) for app in apps.discover().values()]
    replica_rows = replica_view.rows(server)
    if as_json:
        server_json: dict[str, object] = {key: None if value == "-" else value for key, value in facts.items()}
        server_json["pid"] = int(facts["pid"]) if facts["pid"].isdigit() else None
        found = {"server": server_json, "apps": entries, "replicas": replica_view.as_json(replica_rows)}
        print(json.dumps(found, indent=2))
        return
    lost = server.lost() if facts["state"] == "lost" else None  # what is gone and the way out
    if facts["state"] == "not made":
        console.print("[bold]embedded server[/]: not made yet; `strata up` makes it", highlight=False)
    elif lost is not None:
        console.print(f"[bold]embedded server[/]: [red]lost[/]: {lost[0]}; {lost[1]}", highlight=False, soft_wrap=True)
    else:
        console.print(f"[bold]embedded server[/]: {facts['state']} (pid {facts['pid']})", highlight=False)
        for key in ("data", "socket", "log"):
            console.print(f"  {key}: {facts[key]}", highlight=False, soft_wrap=True)
    for entry in entries:
        colour = "green" if entry["state"] == "at head" else "yellow" if entry["state"] == "pending" else "red"
        console.print(f"[bold]{entry['app']}[/]: [{colour}]{entry['summary']}[/]", highlight=False, soft_wrap=True)
        source = "" if entry["source"] == "embedded" else f" (from {entry['source']})"
        console.print(f"  database: {entry['database']}{source}", highlight=False, soft_wrap=True)
    replica_view.print_status(replica_rows)


_UNMADE = {  # server states in which no app's embedded database can exist
    "not made": "no embedded server yet; `strata up` makes it",
    "lost": "the embedded server's folder is gone, with this database",
}


def app_status(app: apps.App, server: Server, embedded_state: str | None = None) -> dict[str, Any]:
    """One app's entry of the report; reading it never starts the embedded server.

    `embedded_state` is the server's `describe()` state, when the caller has it.
    """
    configured = configured_url(app)
    entry: dict[str, Any] = {
        "app": app.name,
        "database": mask(configured[0]) if configured else f"embedded: {app.name}",
        "source": configured[1] if configured else "embedded",
    }
    if configured is None and embedded_state in _UNMADE:
        return entry | _unread(f"server {embedded_state}", _UNMADE[embedded_state])
    if configured is None and not server.is_running():
        return entry | _unread("server stopped", "the embedded server is stopped; `strata up` starts it")
    url = migration_url(app, driver="psycopg") if configured else server.url(app.name)
    try:
        if configured is None and not database_exists(url):
            return entry | _unread("not created", "no database yet; `strata up` creates it and migrates it to head")
        found = migration_state(app, url)
    except StrataError as error:
        return entry | _unread("unreachable", str(error))
    return entry | _read(found)


def _unread(state: str, summary: str) -> dict[str, Any]:
    return {"state": state, "summary": summary, "current": None, "head": None, "pending": None, "unknown": []}


def _read(found: MigrationState) -> dict[str, Any]:
    current = ",".join(found.current) or None
    head = ",".join(found.head) or None
    if found.unknown:
        state = "unknown revision"
        summary = f"records unknown revision {', '.join(found.unknown)} (no revision file defines it); head {head}"
    elif head is None:
        state, summary = "no revisions", "no revisions yet"
    elif found.at_head:
        state, summary = "at head", f"at head {head}"
    else:
        state, summary = "pending", f"{current or 'base'} → {head}, {found.pending} pending"
    return {
        "state": state,
        "summary": summary,
        "current": current,
        "head": head,
        "pending": found.pending,
        "unknown": found.unknown,
    }


def register(cli: typer.Typer) -> None:
    cli.command()(status)
