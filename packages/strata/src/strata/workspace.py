"""The workspace strata serves, found from the installed apps rather than from where you stand.

A script run from another directory, or `alembic` run inside `apps/<name>`,
must reach the same embedded server and read the same `.env` as `make up` at
the root: otherwise one project migrates two databases depending on the
current directory. The apps' own locations name the workspace (the nearest
directory above them whose `pyproject.toml` declares a uv workspace).

`.env` files are layered: the workspace root's holds everywhere, an app
directory's own `.env` wins over it, and real environment variables win over
both (pydantic-settings' order for several files: the last one wins).
"""

import tomllib
from functools import cache
from pathlib import Path

from strata.apps import App, discover


def declares_uv_workspace(directory: Path) -> bool:
    """Whether `directory/pyproject.toml` has a `[tool.uv.workspace]` table."""
    try:
        data = tomllib.loads((directory / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return "workspace" in data.get("tool", {}).get("uv", {})


def workspace_of(path: Path) -> Path | None:
    """The nearest directory at or above `path` that declares a uv workspace."""
    resolved = path.resolve()
    return next((folder for folder in (resolved, *resolved.parents) if declares_uv_workspace(folder)), None)


@cache
def _app_workspaces() -> tuple[Path, ...]:
    """The workspaces of the installed apps, read once a process (as `discover` is)."""
    return tuple(dict.fromkeys(root for app in discover().values() if (root := workspace_of(app.root))))


def installed_workspace() -> Path | None:
    """The workspace holding the installed apps; the one around the current directory if they span several."""
    roots = _app_workspaces()
    here = Path.cwd().resolve()
    around_here = [root for root in roots if here.is_relative_to(root)]
    return next(iter(around_here or roots), None)


def env_files(app: App | None = None) -> tuple[Path, ...]:
    """The `.env` files to read, weakest first: the workspace root's, then the app directory's."""
    from strata.server.paths import workspace_root

    root = (workspace_of(app.root) if app else None) or workspace_root()
    files = [root / ".env"]
    if app is not None and app.root.resolve() != root:
        files.append(app.root.resolve() / ".env")
    return tuple(files)
