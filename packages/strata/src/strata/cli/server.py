"""Commands that manage the embedded server and bring apps to head."""

import os
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.engine import URL

from strata import alembic_api, apps, introspect
from strata.cli import console
from strata.connection.params import for_driver
from strata.connection.resolve import migration_url
from strata.errors import StrataError
from strata.server import dev_server
from strata.server.process import binary
from strata.settings import configured_url, resolve_url
from strata.urls import libpq, mask, with_driver

AppOption = Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")]


LockTimeout = Annotated[
    float | None,
    typer.Option(
        "--lock-timeout",
        min=0.001,
        help="Seconds to wait for another process's migration [default: 60, or STRATA_MIGRATION_LOCK_WAIT].",
        show_default=False,
    ),
]


def up(app_name: AppOption = None, lock_timeout: LockTimeout = None) -> None:
    """Start the embedded server, create each app's database and migrate it to head."""
    selected = apps.select(app_name)
    urls = {app.name: migration_url(app, driver="psycopg") for app in selected}
    _refuse_shared_databases(urls)
    table = Table(title="strata up")
    for column in ("app", "database", "revision", "tables", "extensions"):
        table.add_column(column, overflow="fold")
    for app in selected:
        url = urls[app.name]
        with console.status(f"migrating {app.name} to head…"):
            alembic_api.upgrade(app, url, lock_wait=lock_timeout)
        found = introspect.summary(url)
        head = ",".join(alembic_api.heads(app))
        revision = f"{found.revision} (head)" if found.revision == head else f"{found.revision} → {head}"
        shown = mask(with_driver(url, app.driver))  # the URL the app itself uses
        table.add_row(app.name, shown, revision, str(len(found.tables)), ", ".join(found.extensions))
    console.print(table)
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


def status() -> None:
    """Show the embedded server and where each app's database is."""
    server = dev_server()
    facts = server.describe()
    table = Table("server", "", title="strata status", show_header=False)
    for key, value in facts.items():
        table.add_row(key, value)
    console.print(table)
    listing = Table("app", "database", "head")
    for app in apps.discover().values():
        configured = configured_url(app)
        where = f"{mask(configured[0])} (from {configured[1]})" if configured else f"embedded: {app.name}"
        listing.add_row(app.name, where, ",".join(alembic_api.heads(app)))
    console.print(listing)


def down() -> None:
    """Stop the embedded server; its data stays in .strata/."""
    if dev_server().stop():
        console.print("embedded server stopped")
    else:
        console.print("embedded server was not running")


def psql(
    app_name: Annotated[str, typer.Argument(metavar="APP", help="The app whose database to open.")],
) -> None:
    """Open the bundled psql on an app's database."""
    (app,) = apps.select(app_name)
    url = resolve_url(app, driver="psycopg")
    os.execv(binary("psql"), ["psql", libpq(for_driver(url))])  # noqa: S606 - replace this process with psql


def register(cli: typer.Typer) -> None:
    cli.command()(up)
    cli.command()(status)
    cli.command()(down)
    cli.command()(psql)
