"""Commands that manage the embedded server and bring apps to head."""

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.engine import URL

from strata import apps
from strata.catalog import contents
from strata.cli import console
from strata.cli import replicas as replica_view
from strata.cli.plan import show_plans
from strata.connection.resolve import migration_url
from strata.connection.settings import configured_url
from strata.connection.urls import mask, with_driver
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.plan.pending import refuse_failing_revisions
from strata.server import dev_server
from strata.server.replicas import stop_replicas

AppOption = Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")]


LockTimeout = Annotated[
    float | None,
    typer.Option(
        "--lock-timeout",
        min=0.001,
        max=2147483,
        help="Seconds to wait for another process's migration [default: 60, or STRATA_MIGRATION_LOCK_WAIT].",
        show_default=False,
    ),
]


Replicas = Annotated[
    int | None,
    typer.Option(
        "--replicas",
        min=0,
        help="Run exactly N local hot standbys of the embedded server (pg_basebackup -R); "
        "apps on the embedded server then read from them. 0 removes them; without it, those that exist start.",
        show_default=False,
    ),
]


PlanOption = Annotated[
    bool,
    typer.Option(
        "--plan",
        help="Change nothing: show each pending revision's SQL, the lock each statement takes on which table "
        "(rows, size), squawk's findings, and the live rows that would violate each constraint it adds.",
    ),
]


def up(
    app_name: AppOption = None,
    lock_timeout: LockTimeout = None,
    replicas: Replicas = None,
    plan: PlanOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --plan: print the plan as JSON.")] = False,
) -> None:
    """Start the embedded server (and its local replicas), create each app's database and migrate it to head.

    Before any lock, each pending revision's new UNIQUE, NOT NULL, CHECK and FOREIGN KEY constraints are
    counted on the live rows; a revision they would fail is refused, and nothing is changed.
    """
    selected = apps.select(app_name)
    urls = {app.name: migration_url(app, driver="psycopg") for app in selected}
    _refuse_shared_databases(urls)
    if as_json and not plan:
        raise StrataError("--json goes with --plan: strata up --plan --json")
    if plan:
        show_plans([(app, urls[app.name]) for app in selected], as_json=as_json)
        return
    for app in selected:
        refuse_failing_revisions(app, urls[app.name])
    table = Table(title="strata up")
    for column in ("app", "database", "revision", "tables", "extensions"):
        table.add_column(column, overflow="fold")
    for app in selected:
        url = urls[app.name]
        with console.status(f"migrating {app.name} to head…"):
            alembic_api.upgrade(app, url, lock_wait=lock_timeout)
        found = contents.summary(url)
        head = ",".join(alembic_api.heads(app))
        revision = f"{found.revision} (head)" if found.revision == head else f"{found.revision} → {head}"
        shown = mask(with_driver(url, app.driver))  # the URL the app itself uses
        table.add_row(app.name, shown, revision, str(len(found.tables)), ", ".join(found.extensions))
    console.print(table)
    standbys = replica_view.bring_up(dev_server(), replicas)
    if standbys:
        console.print(replica_view.local_table(standbys, [app.name for app in selected]))
    console.print(f"Connect with [bold]strata psql APP[/], e.g. [bold]strata psql {selected[0].name}[/]")


def _refuse_shared_databases(urls: dict[str, URL]) -> None:
    """Two apps in one database would fight over `alembic_version`."""
    seen: dict[str, str] = {}
    for name, url in urls.items():
        key = str(url)
        if key in seen:
            raise StrataError(
                f"apps {seen[key]} and {name} resolve to the same database ({mask(url)}); "
                f"give each its own with {name.upper()}_DATABASE_URL"
            )
        seen[key] = name


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Show the embedded server, where each app's database is, and each replica with its replay lag."""
    server = dev_server()
    facts = server.describe()
    replica_rows = replica_view.rows(server)
    if as_json:
        found = {
            "server": facts,
            "apps": [_app_status(app) for app in apps.discover().values()],
            "replicas": replica_view.as_json(replica_rows),
        }
        print(json.dumps(found, indent=2))
        return
    table = Table("server", "", title="strata status", show_header=False)
    for key, value in facts.items():
        table.add_row(key, value)
    console.print(table)
    listing = Table("app", "database", "head")
    for entry in map(_app_status, apps.discover().values()):
        source = "" if entry["source"] == "embedded" else f" (from {entry['source']})"
        listing.add_row(entry["app"], entry["database"] + source, entry["head"])
    console.print(listing)
    if replica_rows:
        console.print(replica_view.status_table(replica_rows))


def _app_status(app: apps.App) -> dict[str, str]:
    configured = configured_url(app)
    return {
        "app": app.name,
        "database": mask(configured[0]) if configured else f"embedded: {app.name}",
        "source": configured[1] if configured else "embedded",
        "head": ",".join(alembic_api.heads(app)),
    }


def down() -> None:
    """Stop the embedded server and its local replicas; their data stays in .strata/."""
    server = dev_server()
    stopped = stop_replicas(server)
    if stopped:
        console.print(f"{stopped} local replica(s) stopped")
    if server.stop():
        console.print("embedded server stopped")
    else:
        console.print("embedded server was not running")


def register(cli: typer.Typer) -> None:
    cli.command()(up)
    cli.command()(status)
    cli.command()(down)
