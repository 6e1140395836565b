"""The `strata` command line.

Every command turns a `StrataError` into one line on stderr and exit code 1;
nothing a user can fix ends in a traceback.
"""

import sys

import typer
from rich.console import Console

from strata.errors import StrataError

app = typer.Typer(
    name="strata",
    help="PostgreSQL + pgvector data layers you can trust: embedded server, proven migrations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)


def _register() -> None:
    if app.registered_commands:
        return
    from strata.cli import access, bench, check, docs, drift, lint, reset, seed, server

    server.register(app)
    access.register(app)
    reset.register(app)
    check.register(app)
    docs.register(app)
    lint.register(app)
    bench.register(app)
    seed.register(app)
    drift.register(app)


def main() -> None:
    _register()
    try:
        app()
    except StrataError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
