"""`strata new-app NAME`: scaffold a complete app, registered and locked, that `make check` and `make test` pass."""

import shutil
from pathlib import Path
from typing import Annotated, Literal

import typer

from strata import apps
from strata.cli import console
from strata.errors import StrataError
from strata.scaffold.create import create
from strata.scaffold.names import refusal
from strata.scaffold.render import Blueprint
from strata.server.paths import workspace_root
from strata.workspace import declares_uv_workspace


def new_app(
    name: Annotated[str, typer.Argument(help="The app's name: its package, its database and its <NAME>_ prefix.")],
    driver: Annotated[
        Literal["psycopg", "asyncpg"], typer.Option("--driver", help="The driver its sessions and migrations use.")
    ] = "psycopg",
    vector: Annotated[
        bool, typer.Option("--vector", help="Give the example model an embedding column with an HNSW index.")
    ] = False,
) -> None:
    """Create apps/NAME like the other apps: models, migrations, first revision, tests, docs; registered and locked."""
    root = workspace_root()
    if not declares_uv_workspace(root) or not (root / "apps").is_dir():
        raise StrataError(f"{root} is not a strata workspace (a uv workspace with apps/); run this inside one")
    problem = refusal(name, root / "apps", apps.discover())
    if problem:
        raise StrataError(problem)
    target = create(root, Blueprint(name, driver, vector), _uv(root))
    done = f"created {target.relative_to(root)}: registered in pyproject.toml and compose.yaml, locked, docs written"
    console.print(done, highlight=False, soft_wrap=True)
    console.print(
        "next: make up && make check && make test; edit the example model, then `make migrate` in the app",
        highlight=False,
        soft_wrap=True,
    )


def _uv(root: Path) -> Path:
    found = shutil.which("uv") or root / ".tools" / "bin" / "uv"
    if not Path(found).is_file():
        raise StrataError("uv is not installed; run `make install` at the workspace root first")
    return Path(found)


def register(cli: typer.Typer) -> None:
    cli.command("new-app")(new_app)
