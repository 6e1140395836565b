"""How people and other tools get into an app's database: `strata psql` and `strata url`.

The embedded server needs no password: it lets in its owner's OS user by peer
authentication. A configured URL's password never goes on a command line
(`ps` shows every process's arguments to every user): psql gets it through
`PGPASSWORD`, and `strata url` prints the URL without it.

`strata psql APP ARGS...` passes every argument after the app to psql. Without
a terminal on stdin (a pipe, a script, CI), `ON_ERROR_STOP` is on, so a failing
statement stops psql and fails the command with psql's exit code instead of
being skipped with exit 0.
"""

import json
import os
import sys
from typing import Annotated

import typer

from strata import apps
from strata.cli import console, errors
from strata.connection.params import for_driver
from strata.connection.settings import configured_url, resolve_url
from strata.connection.urls import libpq, without_password
from strata.server import dev_server
from strata.server.process import binary

AppArgument = Annotated[str, typer.Argument(metavar="APP", help="The app whose database to open.")]


PSQL_PASSTHROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def psql(ctx: typer.Context, app_name: AppArgument) -> None:
    """Open the bundled psql on an app's database; arguments after APP go to psql (-c '\\dt', -f file, ...).

    The password, if any, goes through PGPASSWORD. Without a terminal, ON_ERROR_STOP=1:
    a failing statement fails the command with psql's exit code.
    """
    (app,) = apps.select(app_name)
    url = resolve_url(app, driver="psycopg")
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    stop_on_error = [] if sys.stdin.isatty() else ["--set", "ON_ERROR_STOP=1"]
    command = ["psql", "--dbname", libpq(for_driver(without_password(url))), *stop_on_error, *ctx.args]
    os.execve(binary("psql"), command, environment)  # noqa: S606 - replace this process with psql


def url(
    app_name: AppArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print the URL and where its secret is as JSON.")] = False,
) -> None:
    """Print an app's connection string without its secret (for a GUI client or psql), and where the secret is.

    With no URL configured, the embedded server is started and the database created, so the URL works at once.
    """
    (app,) = apps.select(app_name)
    configured = configured_url(app)
    found = resolve_url(app, driver="psycopg")
    if configured is None:
        owners = ", ".join(dev_server().owners())
        secret = f"none: the embedded server lets in only the OS users {owners}, by peer authentication"
    elif found.password is None:
        secret = f"none in {configured[1]}; libpq reads PGPASSWORD or ~/.pgpass"
    else:
        secret = f"the password is in {configured[1]} (environment or .env)"
    shown = libpq(for_driver(without_password(found)))
    if as_json:
        print(json.dumps({"app": app.name, "url": shown, "secret": secret}, indent=2))
        return
    console.print(shown, highlight=False, soft_wrap=True)
    errors.print(f"secret: {secret}", highlight=False, soft_wrap=True)


def register(cli: typer.Typer) -> None:
    cli.command(context_settings=PSQL_PASSTHROUGH)(psql)
    cli.command()(url)
