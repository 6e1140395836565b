"""`strata docs`: write docs/schema/<app>.md from the migrated schema, or check they are current."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from strata import apps
from strata.cli import console
from strata.docs.generate import pages, stale
from strata.errors import StrataError
from strata.server.paths import workspace_root


def docs(
    app_name: Annotated[str | None, typer.Option("--app", help="Only this app (default: all installed apps).")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 with a diff if the files are stale.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", help="Directory (default: docs/schema at the workspace root).")
    ] = None,
) -> None:
    """Generate an ER diagram and a data dictionary per app from its migrated database."""
    directory = output or workspace_root() / "docs" / "schema"
    files = pages(apps.select(app_name), apps.select(None))
    if check:
        diffs = stale(directory, files)
        if diffs:
            sys.stdout.writelines(diffs)
            console.print(f"[red]schema docs in {directory} are stale:[/] run `strata docs` and commit the result")
            raise typer.Exit(1)
        console.print(f"schema docs in {directory} are current ({len(files)} file(s))")
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (directory / name).write_text(content)
    except OSError as error:
        raise StrataError(f"cannot write the schema docs to {directory} ({error.strerror}); choose --output") from None
    console.print(f"wrote {len(files)} file(s) to {directory}")


def register(cli: typer.Typer) -> None:
    cli.command()(docs)
