"""`strata seed`: realistic rows for an app's migrated database, the same bytes for the same --seed."""

import json
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from strata import apps
from strata.cli import console, errors
from strata.cli.guard import confirm_destructive
from strata.connection.settings import resolve_url
from strata.connection.urls import mask, parse
from strata.errors import StrataError
from strata.seed import SeedReport, seed_app
from strata.seed.preflight import existing_rows


def _print(report: SeedReport) -> None:
    rate = report.total / report.seconds if report.seconds else 0.0
    console.print(
        f"{report.app}: {report.total} rows in {len(report.rows)} tables in {report.seconds:.1f} s "
        f"({rate:,.0f} rows/s; seed {report.seed}, scale {report.scale:g})",
        highlight=False,
    )
    for table, rows in report.rows.items():
        console.print(f"    {table}: {rows}", highlight=False)


def seed(
    app_name: Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")] = None,
    scale: Annotated[float, typer.Option("--scale", help="Multiply every table's row count by this (> 0).")] = 1,
    seed_value: Annotated[int, typer.Option("--seed", help="The same seed gives byte-identical data.")] = 0,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="Seed this database instead of the app's own; asks first.", show_default=False
        ),
    ] = None,
    append: Annotated[bool, typer.Option("--append", help="Add rows to a database that already has some.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before seeding another database.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows per table and timing as JSON.")] = False,
) -> None:
    """Fill each app's migrated database with realistic rows (FK order, clustered embeddings, binary COPY)."""
    if scale <= 0:
        raise StrataError(f"--scale must be positive, got {scale:g}")
    selected = apps.select(app_name)
    if database_url is not None and len(selected) != 1:
        raise StrataError("--database-url seeds one app's database; add --app APP")
    targets = []
    for app in selected:
        given = parse(database_url, driver="psycopg", source="--database-url") if database_url else None
        confirm_destructive(app, "seed (add generated rows)", yes=yes, console=errors, target=given)
        targets.append((app, given or resolve_url(app, driver="psycopg")))
    for app, url in targets:  # every refusal before any app is written
        existing_rows(app, url, append=append)
    reports = []
    for app, url in targets:
        with Progress(
            TextColumn(f"{app.name} → {mask(url)}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=errors, transient=True,
        ) as bar:  # fmt: skip
            task = bar.add_task("rows", total=None)

            def show(done: int, total: int, task: object = task, bar: Progress = bar) -> None:
                bar.update(task, completed=done, total=total)  # type: ignore[arg-type]

            reports.append(seed_app(app, url, scale=scale, seed=seed_value, append=append, progress=show))
    if as_json:
        print(json.dumps([{**vars(r), "total": r.total} for r in reports], indent=2))
        return
    for report in reports:
        _print(report)


def register(cli: typer.Typer) -> None:
    cli.command()(seed)
