"""A command group that imports a command's module only when that command runs.

`strata url` needs neither Alembic, the ORM, numpy nor the benchmark harness,
yet importing every command module for every process cost it seconds. The
group lists each command from a one-line summary kept here and imports the
module behind a command when it is invoked (or its own `--help` is asked for).
A test checks each summary against the command's real help, so they cannot drift.
"""

from dataclasses import dataclass
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    module: str  # a module with `register(cli: typer.Typer)`
    summary: str  # first paragraph of the command's help, shown by `strata --help`


COMMANDS: dict[str, LazyCommand] = {
    "up": LazyCommand(
        "strata.cli.server",
        "Start the embedded server (and its local replicas), create each app's database and migrate it to head.",
    ),
    "status": LazyCommand(
        "strata.cli.status",
        "Show the embedded server, each app's current revision, head and pending count, and each replica's lag.",
    ),
    "down": LazyCommand(
        "strata.cli.server",
        "Stop the embedded server and its local replicas; their data stays (strata status shows where).",
    ),
    "psql": LazyCommand(
        "strata.cli.access",
        "Open the bundled psql on an app's database; arguments after APP go to psql (-c '\\dt', -f file, ...).",
    ),
    "url": LazyCommand(
        "strata.cli.access",
        "Print an app's connection string without its secret (for a GUI client or psql), and where the secret is.",
    ),
    "reset": LazyCommand(
        "strata.cli.reset", "Downgrade each app's database to base and upgrade it to head: all rows are lost."
    ),
    "guard": LazyCommand(
        "strata.cli.reset",
        "Ask before a destructive step on a database that is not the embedded one; exit 1 if not confirmed.",
    ),
    "check": LazyCommand(
        "strata.cli.check",
        "Run every check (history, schema, cascades, indexes, integrity) for each app; exit 1 on any failure.",
    ),
    "docs": LazyCommand(
        "strata.cli.docs", "Generate an ER diagram and a data dictionary per app from its migrated database."
    ),
    "lint": LazyCommand(
        "strata.cli.lint",
        "Lint each revision's SQL with squawk; initial revisions are exempt. Exit 1 on any finding.",
    ),
    "bench": LazyCommand(
        "strata.cli.bench",
        "Measure load, kNN, filtered kNN, the exact scan, cascade, keys, test databases, pooling, seeding: ratios.",
    ),
    "seed": LazyCommand(
        "strata.cli.seed",
        "Fill each app's migrated database with realistic rows (FK order, clustered embeddings, binary COPY).",
    ),
    "drift": LazyCommand(
        "strata.cli.drift",
        "Compare a live database, read-only, with what its migrations build at the revision it records.",
    ),
    "new-app": LazyCommand(
        "strata.cli.new_app",
        "Create apps/NAME like the other apps: models, migrations, first revision, tests, docs; registered and locked.",
    ),
    "doctor": LazyCommand(
        "strata.cli.doctor",
        "Check the embedded server's files (control file, WAL, start) and each app's database"
        " (pg_amcheck, every block).",
    ),
}


class _Summary(TyperCommand):
    """Stands in for a command not imported yet: enough for the group's help and suggestions."""


class LazyGroup(TyperGroup):
    """The `strata` group: placeholders until a command is resolved, then the real command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        for name, command in COMMANDS.items():
            self.commands.setdefault(name, _Summary(name=name, help=command.summary, short_help=command.summary))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if isinstance(command, _Summary) and not self._listing:
            self._load(COMMANDS[cmd_name].module)
            command = self.commands.get(cmd_name)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True  # the list of commands needs only their summaries
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def _load(self, module: str) -> None:
        commands = typer.Typer(rich_markup_mode=None)  # plain help, as the group's (see strata.cli)
        import_module(module).register(commands)
        self.commands.update(typer.main.get_group(commands).commands)
