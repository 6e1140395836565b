"""Destructive commands, guarded: `strata reset` and `strata guard` (for Makefiles)."""

from typing import Annotated

import typer
from sqlalchemy.engine import URL

from strata import apps
from strata.catalog.contents import row_counts
from strata.cli import errors
from strata.cli.guard import confirm_destructive
from strata.connection.resolve import migration_url
from strata.errors import StrataError
from strata.migrations import alembic_api

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; needed when there is no terminal to ask on.")]


def reset(
    app_name: Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")] = None,
    yes: Yes = False,
) -> None:
    """Downgrade each app's database to base and upgrade it to head: all rows are lost."""
    selected = apps.select(app_name)
    for app in selected:
        confirm_destructive(app, "reset (downgrade base, upgrade head)", yes=yes, console=errors)
    failed: list[str] = []
    for app in selected:
        url = migration_url(app, driver="psycopg")
        try:
            _reset(app, url)
        except StrataError as error:
            errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            failed.append(app.name)
    if failed:
        if len(selected) > 1:
            errors.print(f"not reset: {', '.join(failed)}; the other apps were reset", highlight=False)
        raise typer.Exit(1)


def _reset(app: apps.App, url: URL) -> None:
    """Say what goes, then downgrade to base and upgrade to head."""
    lost = row_counts(url)
    rows = ", ".join(f"{table} {count}" for table, count in lost.items() if count) or "none"
    summary = f"{app.name}: wiping {sum(lost.values())} row(s) in {len(lost)} table(s) (rows: {rows})"
    errors.print(summary, highlight=False, soft_wrap=True)
    alembic_api.downgrade(app, url, "base")
    alembic_api.upgrade(app, url, "heads")
    errors.print(f"{app.name}: reset to {','.join(alembic_api.heads(app))}", highlight=False)


def guard(
    app_name: Annotated[str, typer.Option("--app", help="The app whose database is at stake.")],
    action: Annotated[str, typer.Option("--action", help="What is about to run, for the question.")],
    yes: Yes = False,
) -> None:
    """Ask before a destructive step on a database that is not the embedded one; exit 1 if not confirmed."""
    (app,) = apps.select(app_name)
    confirm_destructive(app, action, yes=yes, console=errors)


def register(cli: typer.Typer) -> None:
    cli.command()(reset)
    cli.command()(guard)
