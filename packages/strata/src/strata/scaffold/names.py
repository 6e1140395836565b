"""Which names a new app may take, decided before anything is written.

An app's name is its Python package, its database and its `<NAME>_DATABASE_URL`
prefix, so it must be a lowercase identifier, and it must not shadow a module
Python or the workspace already imports: `import json` would find the app.
"""

import keyword
import re
import sys
from collections.abc import Iterable
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
_LONGEST = 63 - len("strata_check_") - 9  # PostgreSQL's name limit, minus the scratch database's prefix and suffix


def distribution_name(name: str) -> str:
    """The app's project name in `pyproject.toml`: underscores become hyphens, as the existing apps do."""
    return name.replace("_", "-")


def refusal(name: str, apps_dir: Path, installed: Iterable[str]) -> str | None:
    """Why `name` cannot be a new app, in one line with the fix; None when it can."""
    if not _IDENTIFIER.fullmatch(name) or keyword.iskeyword(name):
        return f"'{name}' is not a valid app name: use a lowercase Python identifier such as demo or study_notes"
    if len(name) > _LONGEST:
        return f"'{name}' is too long for its databases' names: use at most {_LONGEST} characters"
    if name in installed or (apps_dir / name).exists():
        return f"an app named '{name}' already exists ({apps_dir.name}/{name}); choose another name"
    if name in sys.stdlib_module_names:
        return f"'{name}' would shadow Python's standard-library module '{name}'; choose another name"
    if find_spec(name) is not None or _is_distribution(distribution_name(name)):
        return f"'{name}' would shadow the installed package '{name}'; choose another name"
    return None


def _is_distribution(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True
