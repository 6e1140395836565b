"""Write a new app into the workspace, register it, lock it, and generate its sums and docs, or change nothing.

Every step after the first write runs inside `all_or_nothing`: if one fails
(uv cannot lock, the docs cannot be built, Ctrl-C), the app's folder is removed
and the workspace files it touched are restored as they were.
"""

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from strata.apps import App
from strata.checks import integrity
from strata.errors import StrataError
from strata.scaffold.register import compose_registered, registered
from strata.scaffold.render import Blueprint

TOUCHED = ("pyproject.toml", "uv.lock", "compose.yaml", "docs/schema/README.md")


def create(root: Path, blueprint: Blueprint, uv: Path) -> Path:
    """Scaffold `blueprint` into `root/apps/<name>`; returns the app's directory."""
    target = root / "apps" / blueprint.name
    with all_or_nothing(root, target):
        for relative, content in blueprint.files().items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
        _tidy(target)
        app = App(name=blueprint.name, root=target, models=f"{blueprint.name}.models:Base")
        integrity.update(app)
        pyproject = root / "pyproject.toml"
        pyproject.write_text(registered(pyproject.read_text(), blueprint.name, blueprint.tokens()["dist"]))
        compose = root / "compose.yaml"
        if compose.is_file():
            compose.write_text(compose_registered(compose.read_text(), blueprint.name, blueprint.tokens()["PREFIX"]))
        _run([str(uv), "lock"], root, "uv lock")
        _run([str(uv), "sync", "--locked"], root, "uv sync")
        _run([sys.executable, "-m", "strata", "docs", "--app", blueprint.name], root, "strata docs")
    return target


@contextmanager
def all_or_nothing(root: Path, target: Path) -> Iterator[None]:
    saved = {name: (root / name).read_bytes() for name in TOUCHED if (root / name).is_file()}
    docs_page = root / "docs" / "schema" / f"{target.name}.md"
    try:
        yield
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        docs_page.unlink(missing_ok=True)
        for name, content in saved.items():
            (root / name).write_bytes(content)
        raise


def _tidy(target: Path) -> None:
    """Sort imports and `__all__` as the workspace's ruff does: their order depends on the app's name."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).is_file():
        raise StrataError("ruff is not installed in this environment; run `make install` first")
    _run([ruff, "check", "--quiet", "--fix", "--select", "I,RUF022", str(target)], target, "ruff")


def _run(command: list[str], cwd: Path, what: str) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise StrataError(f"{what} failed, so nothing was created: {detail[-1] if detail else 'no output'}")
