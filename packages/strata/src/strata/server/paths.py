"""Where strata keeps its data: `.strata/` at the workspace root, or STRATA_HOME."""

import os
import tomllib
from pathlib import Path


def workspace_root(start: Path | None = None) -> Path:
    """The nearest directory upwards that declares a uv workspace.

    Without `start`, the workspace of the installed apps comes first (see
    `strata.workspace`), so the current directory does not decide it. Falls back
    to the nearest `pyproject.toml`, then to `start`, so a project outside a
    workspace still gets one `.strata/` at its own root.
    """
    if start is None:
        from strata.workspace import installed_workspace

        installed = installed_workspace()
        if installed is not None:
            return installed
    here = (start or Path.cwd()).resolve()
    nearest_project: Path | None = None
    for directory in (here, *here.parents):
        pyproject = directory / "pyproject.toml"
        if not pyproject.is_file():
            continue
        nearest_project = nearest_project or directory
        try:
            data = tomllib.loads(pyproject.read_text())
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if "workspace" in data.get("tool", {}).get("uv", {}):
            return directory
    return nearest_project or here


def strata_home() -> Path:
    """The directory that holds the embedded server's data and logs.

    STRATA_HOME is made absolute but not resolved: if its last part is a symlink,
    the server refuses it rather than following it.
    """
    configured = os.environ.get("STRATA_HOME")
    if configured:
        return Path(os.path.abspath(Path(configured).expanduser()))
    return workspace_root() / ".strata"


def shown(path: Path) -> str:
    """`path` relative to the current directory when it lies below it, so messages and diff headers stay short."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else relative
