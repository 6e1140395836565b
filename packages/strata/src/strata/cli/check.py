"""`strata check`: prove each app's migrations and schema on a scratch database."""

import time
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from strata import apps
from strata.checks import AppReport, check_app, database_to_check
from strata.checks import integrity as sums
from strata.checks.report import as_json, print_table
from strata.cli import console, errors
from strata.connection.factory import refuse_pooled_for_migrations
from strata.connection.urls import parse


def check(
    app_name: Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")] = None,
    as_json_output: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (see report.schema.json).")
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="STRATA_CHECK_DATABASE_URL",
            help=(
                "Check in this empty database instead of a scratch one. Leave the password out of the URL and "
                "set PGPASSWORD, or pass the whole URL in STRATA_CHECK_DATABASE_URL, to keep it out of shell history."
            ),
            show_default=False,
        ),
    ] = None,
    update_sums: Annotated[
        bool,
        typer.Option("--update-sums", help="Record the current revision files in migrations/strata.sum."),
    ] = False,
) -> None:
    """Run every check (history, schema, cascades, indexes, integrity) for each app; exit 1 on any failure."""
    selected = apps.select(app_name)
    if update_sums:
        for app in selected:
            changes = sums.update(app)
            console.print(f"{app.name}: " + ("; ".join(changes) if changes else "no change"), highlight=False)
        return
    given = parse(database_url, driver="psycopg", source="--database-url") if database_url else None
    started = time.perf_counter()
    reports: list[AppReport] = []
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=errors, transient=True) as progress:
        task = progress.add_task("starting…")
        for app in selected:
            if given is not None:
                refuse_pooled_for_migrations(app, given)
            with database_to_check(app, given) as url:

                def show(name: str, app_name: str = app.name) -> None:
                    progress.update(task, description=f"{app_name}: {name}")

                reports.append(check_app(app, url, show))
    elapsed = (time.perf_counter() - started) * 1000
    if as_json_output:
        print(as_json(reports, elapsed))
    else:
        print_table(console, reports, elapsed)
    if not all(report.ok for report in reports):
        raise typer.Exit(1)


def register(cli: typer.Typer) -> None:
    cli.command()(check)
