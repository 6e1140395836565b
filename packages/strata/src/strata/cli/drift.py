"""`strata drift`: compare a live database with what the app's migrations build; exit 1 on drift."""

import json
from typing import Annotated

import typer
from sqlalchemy.engine import URL

from strata import apps
from strata.cli import console
from strata.connection.resolve import migration_url
from strata.connection.urls import parse
from strata.drift.run import DriftReport, drift
from strata.errors import StrataError


def _print(report: DriftReport) -> None:
    """A headline per app, then its database whole on a line of its own (as `strata up` prints it)."""
    at = ", ".join(report.revisions) or "base (no revision recorded)"
    if report.clean:
        headline = f"{report.app}: [green]matches its migrations[/] at {at}"
    else:
        headline = f"{report.app}: [red]{len(report.differences)} difference(s)[/] from its migrations at {at}"
    console.print(headline, highlight=False, soft_wrap=True)
    console.print(f"  database: {report.database}", highlight=False, soft_wrap=True, markup=False)
    for difference in report.differences:
        console.print(f"    {difference}", highlight=False, soft_wrap=True)


def _as_json(reports: list[DriftReport]) -> str:
    document = {
        "ok": all(r.clean for r in reports),
        "apps": [
            {
                "app": r.app,
                "database": r.database,
                "revisions": r.revisions,
                "clean": r.clean,
                "differences": [vars(d) for d in r.differences],
            }
            for r in reports
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def drift_command(
    app_name: Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="STRATA_DRIFT_DATABASE_URL",
            help=(
                "Compare this database (needs --app) instead of the app's own: <APP>_DIRECT_DATABASE_URL, "
                "DIRECT_DATABASE_URL, then <APP>_DATABASE_URL, DATABASE_URL. Leave the password out and set "
                "PGPASSWORD, or pass the whole URL in STRATA_DRIFT_DATABASE_URL."
            ),
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the differences as JSON.")] = False,
) -> None:
    """Compare a live database, read-only, with what its migrations build at the revision it records.

    Reports extra, missing and changed tables, columns (type, nullability, default), constraints, indexes
    (method, operator classes, WITH parameters, predicate, INVALID ones), enum values, extension versions
    and recorded revisions no migration file has. Exit 1 on drift, 0 when the database matches.
    """
    selected = apps.select(app_name)
    if database_url is not None and app_name is None:
        raise StrataError("--database-url needs --app: name the app whose migrations the database should match")
    reports = [
        drift(
            app, parse(database_url, driver=app.driver, source="--database-url") if database_url else migration_url(app)
        )
        for app in selected
    ]
    if as_json:
        print(_as_json(reports))
    else:
        for report in reports:
            _print(report)
    if not all(report.clean for report in reports):
        raise typer.Exit(1)


def _live_url(app: apps.App, database_url: str | None) -> URL:
    """`--database-url`, else the direct URL where one is set (no pooler between drift and the catalog)."""
    if database_url:
        return parse(database_url, driver=app.driver, source="--database-url")
    return migration_url(app)


def register(cli: typer.Typer) -> None:
    cli.command("drift")(drift_command)
