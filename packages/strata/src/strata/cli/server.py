"""Commands that manage the embedded server and bring apps to head."""

from typing import Annotated

import typer
from sqlalchemy.engine import URL

from strata import apps
from strata.catalog import contents
from strata.cli import console, errors
from strata.cli import replicas as replica_view
from strata.cli.plan import show_plans
from strata.connection.resolve import migration_url
from strata.connection.settings import strata_settings
from strata.connection.urls import mask, with_driver
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.plan.pending import refuse_failing_revisions
from strata.server import dev_server
from strata.server.replicas import MAX_LOCAL_REPLICAS, stop_replicas

AppOption = Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")]


LockTimeout = Annotated[
    float | None,
    typer.Option(
        "--lock-timeout",
        min=0.001,
        max=2147483,
        help="Seconds to wait for another process's migration (default: STRATA_MIGRATION_LOCK_WAIT, or 60).",
        show_default=False,
    ),
]


Replicas = Annotated[
    int | None,
    typer.Option(
        "--replicas",
        min=0,
        max=MAX_LOCAL_REPLICAS,
        help="Run exactly N local hot standbys of the embedded server (pg_basebackup -R), at most "
        f"{MAX_LOCAL_REPLICAS} (the server's WAL senders); apps on the embedded server then read from them. "
        "0 removes them; without it, those that exist start.",
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
    counted on the live rows; a revision they would fail is refused, and nothing is changed. An app that
    cannot be migrated is reported in one line and the others are still migrated; the exit code is then 1.
    """
    strata_settings()  # a bad STRATA_* value is one line here, not one per app below
    selected = apps.select(app_name)
    urls = {app.name: migration_url(app, driver="psycopg") for app in selected}
    _refuse_shared_databases(urls)
    if as_json and not plan:
        raise StrataError("--json goes with --plan: strata up --plan --json")
    if plan:
        show_plans([(app, urls[app.name]) for app in selected], as_json=as_json)
        return
    failed: list[str] = []
    for app in selected:
        url = urls[app.name]
        try:
            refuse_failing_revisions(app, url)
            with console.status(f"migrating {app.name} to head…"):
                alembic_api.upgrade(app, url, lock_wait=lock_timeout)
        except StrataError as error:
            errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            failed.append(app.name)
            continue
        _print_migrated(app, url)
    standbys = replica_view.bring_up(dev_server(), replicas)
    if standbys:
        replica_view.print_local(standbys, [app.name for app in selected])
    migrated = [app.name for app in selected if app.name not in failed]
    if migrated:
        console.print(f"Connect with [bold]strata psql APP[/], e.g. [bold]strata psql {migrated[0]}[/]")
    if failed:
        if migrated:
            errors.print(f"not migrated: {', '.join(failed)}; the other apps are at head", highlight=False)
        raise typer.Exit(1)


def _print_migrated(app: apps.App, url: URL) -> None:
    """Two lines an app: where it is in its history, then the URL it uses, whole on a line of its own."""
    found = contents.summary(url)
    head = ",".join(alembic_api.heads(app))
    revision = f"{found.revision} (head)" if found.revision == head else f"{found.revision or 'base'} → {head}"
    extensions = ", ".join(found.extensions) or "none"
    console.print(
        f"[bold]{app.name}[/]: {revision}, {len(found.tables)} tables, extensions: {extensions}",
        highlight=False,
        soft_wrap=True,
    )
    shown = mask(with_driver(url, app.driver))  # the URL the app itself uses
    console.print(f"  database: {shown}", highlight=False, soft_wrap=True)


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


def down() -> None:
    """Stop the embedded server and its local replicas; their data stays (strata status shows where)."""
    server = dev_server()
    stopped = stop_replicas(server)
    if stopped:
        console.print(f"{stopped} local replica(s) stopped")
    if server.stop():
        console.print("embedded server stopped")
    elif server.has_cluster():
        console.print("embedded server was not running")
    else:
        console.print("no embedded server here yet (`strata up` makes it)")


def register(cli: typer.Typer) -> None:
    cli.command()(up)
    cli.command()(down)
