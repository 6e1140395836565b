"""Confirmation before destroying data in a database that is not the embedded one.

The embedded database is a developer's scratch space and resets freely. Any
database reached through a configured URL may be someone's real data: before
a destructive step strata prints the tables and their row counts, asks, and
refuses outright when nobody can answer (no TTY) unless told `--yes`.

Consent is explicit: `--yes`, `CONFIRM=1` or `CONFIRM=yes`. Any other CONFIRM
(`no`, `0`, `false`, a typo) refuses, even at a terminal, so that a value meant
as "no" can never be read as "yes".
"""

import os
import sys
from collections.abc import Callable

from rich.console import Console
from sqlalchemy.engine import URL

from strata.apps import App
from strata.catalog.contents import row_counts
from strata.connection.resolve import migration_url
from strata.connection.settings import configured_url
from strata.connection.urls import mask, with_driver
from strata.errors import StrataError

CONSENT_VALUES = ("1", "yes")


def consent_from_environment() -> bool:
    """True for CONFIRM=1 or CONFIRM=yes, False when CONFIRM is unset or empty; refuses any other value."""
    given = os.environ.get("CONFIRM", "")
    if given == "":
        return False
    if given in CONSENT_VALUES:
        return True
    raise StrataError(
        f"CONFIRM={given!r} is not consent; nothing was changed. Consent with CONFIRM=1, CONFIRM=yes or --yes"
    )


def confirm_destructive(
    app: App,
    action: str,
    *,
    yes: bool,
    console: Console,
    ask: Callable[[str], bool] | None = None,
    target: URL | None = None,
) -> None:
    """Return if `action` may go ahead on the app's database (or on `target`, a URL given on the command line)."""
    configured = (target, "--database-url") if target is not None else configured_url(app)
    if configured is None:
        return
    url = with_driver(target, "psycopg") if target is not None else migration_url(app, driver="psycopg")
    counts = row_counts(url)
    total = sum(counts.values())
    console.print(f"{action} on {mask(url)} (from {configured[1]}) loses:", highlight=False)
    for table, rows in counts.items():
        console.print(f"    {table}: {rows} row(s)", highlight=False)
    if consent_from_environment() or yes:
        return
    where = f"{mask(url)} is not the embedded database; {action} would lose {total} row(s) in {len(counts)} table(s)"
    if not sys.stdin.isatty():
        raise StrataError(f"refusing to run without confirmation: {where}; rerun with --yes (CONFIRM=1 for make)")
    if not (ask or _ask)(f"{action} {mask(url)}?"):
        raise StrataError("aborted; nothing was changed")


def _ask(question: str) -> bool:
    import typer

    return typer.confirm(question, default=False)
