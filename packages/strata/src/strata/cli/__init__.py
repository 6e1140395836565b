"""The `strata` command line.

Every command turns a `StrataError` into one line on stderr and exit code 1;
nothing a user can fix ends in a traceback.
"""

import sys

import typer
from rich.console import Console

from strata.cli.lazy import LazyGroup
from strata.errors import StrataError

app = typer.Typer(
    name="strata",
    cls=LazyGroup,
    help="PostgreSQL + pgvector data layers you can trust: embedded server, proven migrations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: no `<bool>` after every flag, no brackets in help text read as markup, and it wraps cleanly at
    # 80 columns and in CI logs.
    rich_markup_mode=None,
)
console = Console()
errors = Console(stderr=True)


@app.callback()
def _group() -> None:
    """Commands are listed and imported by `strata.cli.lazy`: a process imports only what its command needs."""


def main() -> None:
    try:
        app()
    except StrataError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
