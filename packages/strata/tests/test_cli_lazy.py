"""The `strata` command imports a command's module only when that command runs."""

import json
import subprocess
import sys

import typer
from strata.cli import app
from strata.cli.lazy import COMMANDS, LazyGroup
from typer.testing import CliRunner

HEAVY = ("sqlalchemy", "alembic", "numpy", "strata.bench.harness", "strata.checks")

_PROBE = """
import json, sys
from typer.testing import CliRunner
from strata.cli import app
heavy = {heavy!r}
loaded = {{}}
for args in (["--help"], ["url", "--help"]):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    loaded[" ".join(args)] = sorted(name for name in heavy if name in sys.modules)
print(json.dumps(loaded))
"""


def test_help_and_a_light_command_import_none_of_the_heavy_modules() -> None:
    # A fresh interpreter: this test process has imported everything already.
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY)], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(done.stdout)
    assert loaded["--help"] == []
    assert loaded["url --help"] == ["sqlalchemy"]  # a URL is a SQLAlchemy URL; the rest stays out


def test_each_listed_summary_is_the_first_paragraph_of_the_commands_own_help() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    for name in COMMANDS:
        command = group.get_command(typer.Context(group), name)
        assert command is not None
        assert command.callback is not None, f"{name} is still a placeholder"
        assert (command.help or "").split("\n\n")[0].replace("\n", " ") == COMMANDS[name].summary


def test_every_registered_command_is_listed() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    for name in COMMANDS:
        group.get_command(typer.Context(group), name)
    assert set(group.commands) == set(COMMANDS)


def test_the_group_help_lists_every_command_with_its_summary() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    listing = " ".join(result.output.split())  # the help wraps at the terminal's width
    for name, command in COMMANDS.items():
        assert f" {name} {command.summary}" in listing
